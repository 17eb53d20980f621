/** The project's cipher-suite table (rules/data/cipher-suites.json) and the bars rules judge suites against. */
import table from '../../rules/data/cipher-suites.json' with { type: 'json' };
import type { TlsProtocol } from '../model/snapshot.ts';

export type CipherStrength = 'insecure' | 'weak' | 'secure' | 'recommended';
const STRENGTH_RANK: Record<CipherStrength, number> = { insecure: 0, weak: 1, secure: 2, recommended: 3 };

export interface CipherSuiteInfo {
  iana: string;
  openssl: string;
  code: string;
  protocols: string[];
  strength: CipherStrength;
  forwardSecrecy: boolean;
  aead: boolean;
  cbc: boolean;
  export: boolean;
  enc: string;
}

const byName = new Map<string, CipherSuiteInfo>();
for (const suite of table.suites as CipherSuiteInfo[]) {
  byName.set(suite.openssl, suite);
  byName.set(suite.iana, suite);
}

/** Looks a suite up by OpenSSL or IANA name (TLS 1.3 suites are named the IANA way in both). */
export function lookupCipherSuite(name: string): CipherSuiteInfo | undefined {
  return byName.get(name) ?? byName.get(name.replace(/-/g, '_'));
}

/** All suites the table knows (for the probe and reports). */
export function allCipherSuites(): readonly CipherSuiteInfo[] {
  return table.suites as CipherSuiteInfo[];
}

/** What a profile accepts in a cipher suite; every field is optional in rule params. */
export interface CipherBar {
  minStrength?: CipherStrength;
  forwardSecrecy?: boolean;
  aead?: boolean;
  /** substrings of the encryption component that are refused outright, e.g. "3DES", "RC4" */
  forbidEncryption?: string[];
}

/** The suites (IANA names, or the given name when unknown) that fall below the bar. Unknown suites always do. */
export function suitesFailingBar(suites: readonly string[], bar: CipherBar): string[] {
  const min = STRENGTH_RANK[bar.minStrength ?? 'weak'];
  return suites.filter((name) => {
    const info = lookupCipherSuite(name);
    if (!info) return true;
    if (STRENGTH_RANK[info.strength] < min) return true;
    if (bar.forwardSecrecy && !info.forwardSecrecy) return true;
    if (bar.aead && !info.aead) return true;
    return (bar.forbidEncryption ?? []).some((needle) => info.enc.includes(needle));
  });
}

const PROTOCOL_RANK: Record<TlsProtocol, number> = { SSLv2: 0, SSLv3: 1, 'TLSv1.0': 2, 'TLSv1.1': 3, 'TLSv1.2': 4, 'TLSv1.3': 5 };

/** Normalises API spellings (TLSv1, Protocol-TLSv1, TLSv1_2) to TlsProtocol; undefined when not a protocol. */
export function normaliseProtocol(name: string): TlsProtocol | undefined {
  const bare = name.replace(/^Protocol-/, '').replace('_', '.');
  if (bare === 'TLSv1') return 'TLSv1.0';
  return bare in PROTOCOL_RANK ? (bare as TlsProtocol) : undefined;
}

/** Protocols below the minimum version. */
export function protocolsBelow(protocols: readonly string[], min: string): string[] {
  const floor = PROTOCOL_RANK[normaliseProtocol(min) ?? 'TLSv1.2'];
  return protocols.filter((p) => {
    const known = normaliseProtocol(p);
    return known === undefined || PROTOCOL_RANK[known] < floor;
  });
}

/** Sorts protocols oldest first. */
export function sortProtocols(protocols: Iterable<TlsProtocol>): TlsProtocol[] {
  return [...new Set(protocols)].sort((a, b) => PROTOCOL_RANK[a] - PROTOCOL_RANK[b]);
}
