/**
 * The one TLS catalogue (rules/data/tls-catalogue.json, built by scripts/build-data.mjs): every cipher suite
 * the probe can offer, the SSLv2 cipher specs, the protocol versions and the named groups. The probe offers
 * from it, enrich and evaluate judge with it, reports name things with it; nothing else keeps a table.
 */
import data from '../../rules/data/tls-catalogue.json' with { type: 'json' };
import type { TlsProtocol } from '../model/snapshot.ts';

export type CipherStrength = 'insecure' | 'weak' | 'secure' | 'recommended';
/** The certificate a server must hold to choose the suite: 'any' for TLS 1.3, 'none' for anon/PSK/SRP/KRB5, 'GOST' for RFC 9189's VKO GOST. */
export type SuiteCertificate = 'RSA' | 'ECDSA' | 'DSS' | 'GOST' | 'any' | 'none';

export interface CatalogueSuite {
  iana: string;
  openssl: string | null;
  /** Wire code: 2 bytes for TLS suites, 3 bytes for SSLv2 CIPHER-SPECs. */
  code: string;
  protocols: TlsProtocol[];
  kx: string;
  auth: string;
  enc: string;
  mac: string;
  certificate: SuiteCertificate;
  /** What the ServerKeyExchange of TLS <= 1.2 carries: finite-field DH parameters or an ECDH point. */
  ephemeral: 'DH' | 'ECDH' | null;
  strength: CipherStrength;
  /** ciphersuite.info vulnerability names behind the rating. */
  reasons: string[];
  /** Where the rating comes from (the reference's ciphersuite.info rating, or the same convention applied by the build). */
  rating: string;
  forwardSecrecy: boolean;
  aead: boolean;
  cbc: boolean;
  export: boolean;
  /** Lowest Mozilla server-side TLS 6.0 profile listing the suite; null when none does. */
  mozilla: string | null;
  /** Which input the row came from ('reference' or the IANA RFC). */
  source: string;
}

export interface CatalogueProtocol {
  name: TlsProtocol;
  /** legacy_version / SSLv2 version as sent on the wire. */
  wire: string;
  rank: number;
  /** Spellings the AWS APIs and policies use for it. */
  aliases: string[];
}

export interface CatalogueGroup {
  code: string;
  name: string;
  /** hybrid-pq: an ECDHE and an ML-KEM (or pre-standard Kyber) share together; pq: ML-KEM alone. */
  kind: 'ec' | 'ffdhe' | 'hybrid-pq' | 'pq';
  /** Valid in TLS 1.3 (the legacy binary and small curves are not). */
  tls13: boolean;
  /** Valid in a TLS <= 1.2 supported_groups list (the TLS 1.3-only brainpool, SM2 and ML-KEM groups are not). */
  tls12: boolean;
}

const SUITES = data.suites as CatalogueSuite[];
const PROTOCOLS = data.protocols as CatalogueProtocol[];
const GROUPS = data.groups as CatalogueGroup[];

const byName = new Map<string, CatalogueSuite>();
const tlsByCode = new Map<number, CatalogueSuite>();
const sslv2ByCode = new Map<number, CatalogueSuite>();
for (const suite of SUITES) {
  const sslv2 = suite.protocols.length === 1 && suite.protocols[0] === 'SSLv2';
  (sslv2 ? sslv2ByCode : tlsByCode).set(parseInt(suite.code, 16), suite);
  if (!byName.has(suite.iana)) byName.set(suite.iana, suite);
  // An OpenSSL name shared by an SSLv2 spec and a TLS suite (RC4-MD5) names the TLS suite.
  if (suite.openssl !== null && (!sslv2 || !byName.has(suite.openssl))) byName.set(suite.openssl, suite);
}
const protocolByAlias = new Map<string, CatalogueProtocol>();
for (const p of PROTOCOLS) for (const alias of [p.name, ...p.aliases]) protocolByAlias.set(alias, p);
const groupByCode = new Map(GROUPS.map((g) => [parseInt(g.code, 16), g]));

/** Every suite and SSLv2 spec in the catalogue. */
export function allSuites(): readonly CatalogueSuite[] {
  return SUITES;
}

/** A suite by IANA or OpenSSL name (TLS 1.3 suites are named the IANA way in both). */
export function lookupSuite(name: string): CatalogueSuite | undefined {
  return byName.get(name) ?? byName.get(name.replace(/-/g, '_'));
}

/** A TLS suite by its 2-byte code, or an SSLv2 CIPHER-SPEC by its 3-byte code. */
export function suiteByCode(code: number, sslv2 = false): CatalogueSuite | undefined {
  return (sslv2 ? sslv2ByCode : tlsByCode).get(code);
}

/** Suites that can be negotiated under a protocol, in catalogue (code) order. */
export function suitesFor(protocol: TlsProtocol): CatalogueSuite[] {
  return SUITES.filter((s) => s.protocols.includes(protocol));
}

/** The display name of a negotiated code: the IANA name, else the hex code. */
export function suiteName(code: number, sslv2 = false): string {
  return suiteByCode(code, sslv2)?.iana ?? (sslv2 ? `SSL_CK_0x${code.toString(16).padStart(6, '0')}` : `0x${code.toString(16).padStart(4, '0')}`);
}

/** Protocols a suite can be negotiated under; empty for a name the catalogue does not know. */
export function suiteProtocols(name: string): TlsProtocol[] {
  return lookupSuite(name)?.protocols ?? [];
}

export function protocols(): readonly CatalogueProtocol[] {
  return PROTOCOLS;
}

/** Normalises API spellings (TLSv1, Protocol-TLSv1, TLSv1_2) to TlsProtocol; undefined when not a protocol. */
export function normaliseProtocol(name: string): TlsProtocol | undefined {
  return protocolByAlias.get(name)?.name;
}

/** Wire version of a protocol (0x0002 for SSLv2). */
export function wireVersion(protocol: TlsProtocol): number {
  return parseInt(protocolByAlias.get(protocol)?.wire ?? '0', 16);
}

/** 0 for SSLv2 up to 5 for TLS 1.3. */
export function protocolRank(protocol: TlsProtocol): number {
  return protocolByAlias.get(protocol)?.rank ?? -1;
}

/** Sorts protocols oldest first, without duplicates. */
export function sortProtocols(list: Iterable<TlsProtocol>): TlsProtocol[] {
  return [...new Set(list)].sort((a, b) => protocolRank(a) - protocolRank(b));
}

export function groups(): readonly CatalogueGroup[] {
  return GROUPS;
}

/** IANA name of a named group, else its hex code. */
export function groupName(code: number): string {
  return groupByCode.get(code)?.name ?? `0x${code.toString(16).padStart(4, '0')}`;
}

export function groupByName(name: string): CatalogueGroup | undefined {
  return GROUPS.find((g) => g.name === name);
}
