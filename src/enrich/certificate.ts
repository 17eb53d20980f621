/**
 * Certificate facts: one object per IAM or ACM certificate in the snapshot, with its leaf and chain
 * analysed (src/enrich/x509) and flattened for the cert-* and chain-* rules. Pure: time comes from asOf.
 */
import type { CertificateKey, CertificateFacts, LeafCertificateFacts, ChainFacts } from '../model/facts.ts';
import type { CertificateRecord, PrivateCaRecord, Snapshot } from '../model/snapshot.ts';
import { privateCaFacts } from './private-ca.ts';
import { AuditError } from '../model/errors.ts';
import { analyseConfiguredPems, analyseServedPems, type ChainAnalysis } from './x509/analyse.ts';
import { uncoveredHostnames } from './x509/hostname.ts';
import { loadBalancerSupportsKey } from './x509/lb-key-support.ts';
import { trustAnchorSet, type TrustAnchorSet } from './x509/trust-anchors.ts';
import type { ParsedCertificate } from './x509/types.ts';
import { unknownFacts, type UnknownFactsCollector } from './unknown.ts';
import { sortedDistinct } from '../text/order.ts';

export interface CertificateFactsOptions {
  /** The time expiry is judged at (ISO 8601); never the wall clock, so runs are reproducible. */
  asOf: string;
  /** Extra trust anchors (--trust-store), each a PEM text that may hold several certificates. */
  trustAnchorsPem: string[];
  /** Certificate ARN -> the names it is served for (LB DNS names, SNI names, names the user lists). */
  hostnames: Map<string, string[]>;
  /** Certificate ARN -> the listeners serving it. */
  usedBy: Map<string, { listenerArn: string; loadBalancerType: string }[]>;
  /** Why use is unknown, per `account|region` ('global' for IAM), where some listener list or SNI list was not seen. */
  usageUnseen?: Map<string, string>;
  /** Roots of the ACM Private CAs in the snapshot: trust anchors for the chains they issued. */
  privateCaAnchorsPem?: string[];
}

export interface ServedChainOptions {
  asOf: string;
  trustAnchorsPem: string[];
  privateCaAnchorsPem?: string[];
  /** The names the chain was served for (the SNI name, the host); empty to skip the coverage check. */
  hostnames?: string[];
}

/** The judgement of a chain as served, for the probe's endpoint facts. */
export interface ServedChainAnalysis {
  leaf: LeafCertificateFacts | null;
  chain: ChainFacts;
  parseError: string | null;
  hostnameCoverage: { checked: string[]; uncovered: string[] } | null;
}

const DAY_MS = 86_400_000;

let anchorCache: { key: string; set: TrustAnchorSet } | null = null;

/** The anchor set for these user and private-CA PEMs, reused across calls with the same store (the probe calls often). */
function anchorsFor(userPems: readonly string[], privateCaPems: readonly string[] = []): TrustAnchorSet {
  const key = `${userPems.join('\u0000')}\u0001${privateCaPems.join('\u0000')}`;
  if (anchorCache?.key !== key) anchorCache = { key, set: trustAnchorSet(userPems, privateCaPems) };
  return anchorCache.set;
}

/** The self-signed top of each Private CA's certificate chain (the CA itself for a root CA), as PEM. */
export function privateCaAnchors(cas: readonly PrivateCaRecord[] | undefined): string[] {
  const anchors = new Set<string>();
  for (const ca of cas ?? []) {
    const blocks = `${ca.certificatePem ?? ''}\n${ca.chainPem ?? ''}`.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    const top = blocks.at(-1);
    if (top) anchors.add(`${top}\n`);
  }
  return [...anchors].sort();
}

/** One CertificateFacts per snapshot certificate, ordered by ARN. */
export async function certificateFacts(snapshot: Snapshot, options: CertificateFactsOptions): Promise<CertificateFacts[]> {
  assertIsoTime(options.asOf);
  const anchors = anchorsFor(options.trustAnchorsPem, options.privateCaAnchorsPem);
  const cas = new Map((snapshot.privateCas ?? []).map((ca) => [ca.arn, ca]));
  const context = { cas, collected: snapshot.privateCas !== undefined };
  const records = [...snapshot.certificates].sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  // Path validation (pkijs) is asynchronous: WebCrypto checks the signatures.
  return Promise.all(records.map((record) => factsFor(record, anchors, options, context)));
}

/** Judge a chain as served (leaf first, in the order sent) exactly as configured chains are judged. */
export async function analyseServedChain(pems: string[], options: ServedChainOptions): Promise<ServedChainAnalysis> {
  assertIsoTime(options.asOf);
  const analysis = await analyseServedPems(pems, anchorsFor(options.trustAnchorsPem, options.privateCaAnchorsPem), options.asOf);
  const leaf = analysis.leaf ? leafFacts(analysis.leaf) : null;
  return {
    leaf,
    chain: analysis.chain,
    parseError: analysis.parseError,
    hostnameCoverage: leaf ? coverage(leaf, options.hostnames ?? []) : null,
  };
}

async function factsFor(
  record: CertificateRecord,
  anchors: TrustAnchorSet,
  options: CertificateFactsOptions,
  cas: { cas: Map<string, PrivateCaRecord>; collected: boolean },
): Promise<CertificateFacts> {
  const uses = options.usedBy.get(record.arn) ?? [];
  const usedBy = sortedDistinct(uses.map((u) => u.listenerArn));
  const loadBalancerTypes = sortedDistinct(uses.map((u) => u.loadBalancerType));
  const analysis: ChainAnalysis | null = record.bodyPem === null ? null : await analyseConfiguredPems(record.bodyPem, record.chainPem, anchors, options.asOf);
  const leaf = analysis?.leaf ? leafFacts(analysis.leaf) : null;
  const key = leaf?.key ?? keyFromApi(record.keyAlgorithm);
  const notBefore = leaf?.notBefore ?? record.notBefore;
  const notAfter = leaf?.notAfter ?? record.notAfter;
  const asOfMs = Date.parse(options.asOf);
  // Without a parsed leaf, the API's domain name and SANs are the best identity we have.
  const identity = leaf ?? (record.domainName || record.subjectAlternativeNames.length > 0
    ? { dnsNames: [...new Set([...(record.domainName ? [record.domainName] : []), ...record.subjectAlternativeNames])], ipAddresses: [], commonName: null }
    : null);
  const unknown = unknownFacts();
  unseenCertificateParts(record, { leaf: leaf !== null, key: key !== null, notBefore, notAfter, used: usedBy.length > 0 }, options, unknown);
  return {
    subject: 'certificate',
    arn: record.arn,
    name: record.name,
    account: record.account,
    region: record.region,
    loadBalancerArn: null,
    loadBalancerType: null,
    source: record.source,
    acmType: record.acmType,
    status: record.status,
    inUse: usedBy.length > 0 || record.inUseBy.length > 0,
    usedBy,
    loadBalancerTypes,
    keyAlgorithm: record.keyAlgorithm,
    key,
    notBefore,
    notAfter,
    daysUntilExpiry: notAfter === null ? null : Math.floor((Date.parse(notAfter) - asOfMs) / DAY_MS),
    expired: notAfter === null ? null : asOfMs > Date.parse(notAfter),
    notYetValid: notBefore === null ? null : asOfMs < Date.parse(notBefore),
    renewalEligibility: record.renewalEligibility,
    renewalStatus: record.renewalStatus,
    transparencyLogging: record.transparencyLogging,
    pemAvailable: record.bodyPem !== null,
    parseError: analysis?.parseError ?? null,
    leaf,
    // A chain that could not be parsed is unknown (null), so chain rules error instead of judging it.
    chain: analysis && analysis.parseError === null ? analysis.chain : null,
    hostnameCoverage: identity ? coverage(identity, options.hostnames.get(record.arn) ?? []) : null,
    unsupportedKeyForLbTypes: key ? loadBalancerTypes.filter((type) => !loadBalancerSupportsKey(type, key)) : [],
    tags: record.tags,
    privateCa: privateCaFacts(record, cas, options.asOf, unknown),
    unknown: unknown.entries,
  };
}

/** What of a certificate was not seen: its body (leaf, chain), its metadata, or whether anything uses it. */
function unseenCertificateParts(
  record: CertificateRecord,
  known: { leaf: boolean; key: boolean; notBefore: string | null; notAfter: string | null; used: boolean },
  options: CertificateFactsOptions,
  unknown: UnknownFactsCollector,
): void {
  const getter = record.source === 'acm' ? 'GetCertificate' : 'GetServerCertificate';
  const describer = record.source === 'acm' ? 'DescribeCertificate' : 'ListServerCertificates';
  unknown.from(record.observed.body, `the certificate body and chain (${getter})`, 'pemAvailable', 'leaf', 'chain', 'parseError');
  // ACM tags have a call of their own; IAM tags come with the body.
  const tags = record.source === 'acm' ? record.observed.tags ?? { status: 'skipped' as const, reason: 'this snapshot holds no ACM tags (collected before they were read)' } : record.observed.body;
  unknown.from(tags, `the tags (${record.source === 'acm' ? 'ListTagsForCertificate' : 'GetServerCertificate'})`, 'tags');
  const metadataSeen = unknown.from(record.observed.metadata, `the certificate metadata (${describer})`, 'status', 'renewalStatus', 'renewalEligibility', 'transparencyLogging', 'acmType');
  // Validity and key come from the parsed leaf, else from the metadata: unknown only when neither was read.
  const source = record.observed.body.status !== 'ok' ? record.observed.body : record.observed.metadata;
  const mark = (facts: string[], what: string): void => {
    if (source.status === 'ok') return;
    for (const fact of facts) unknown.mark(fact, source.status, `${what} is unknown: ${source.reason ?? 'not read'}`);
  };
  if (!known.leaf && known.notBefore === null) mark(['notBefore', 'notYetValid'], 'the start of validity');
  if (!known.leaf && known.notAfter === null) mark(['notAfter', 'expired', 'daysUntilExpiry'], 'the end of validity');
  if (!known.key) mark(['key', 'unsupportedKeyForLbTypes'], 'the key');
  if (!known.used) {
    const scope = `${record.account}|${record.region}`;
    const unseen = options.usageUnseen?.get(scope);
    if (unseen !== undefined) unknown.mark('inUse', 'error', unseen);
    else if (!metadataSeen && record.source === 'acm') unknown.mark('inUse', record.observed.metadata.status === 'skipped' ? 'skipped' : 'error', `whether anything uses it is unknown: DescribeCertificate (InUseBy) ${record.observed.metadata.reason ?? 'was not read'}`);
  }
}

function leafFacts(p: ParsedCertificate): LeafCertificateFacts {
  return {
    subject: p.subject, issuer: p.issuer, commonName: p.commonName, serialNumber: p.serialNumber,
    notBefore: p.notBefore, notAfter: p.notAfter, dnsNames: p.dnsNames, ipAddresses: p.ipAddresses,
    wildcard: p.dnsNames.some((n) => n.startsWith('*.')) || (p.dnsNames.length === 0 && (p.commonName ?? '').startsWith('*.')),
    key: p.key, signatureAlgorithm: p.signature.name, signatureHash: p.signature.hash,
    keyUsage: p.keyUsage, extendedKeyUsage: p.extendedKeyUsage,
    ca: p.basicConstraints?.ca ?? null, pathLen: p.basicConstraints?.pathLen ?? null,
    subjectKeyId: p.subjectKeyId, authorityKeyId: p.authorityKeyId, mustStaple: p.mustStaple, sctCount: p.sctCount,
    sha256: p.sha256, selfSigned: p.selfSigned,
  };
}

function coverage(identity: Parameters<typeof uncoveredHostnames>[0], names: readonly string[]): CertificateFacts['hostnameCoverage'] {
  const checked = [...new Set(names.map((n) => n.trim().toLowerCase().replace(/\.$/, '')).filter((n) => n !== ''))];
  if (checked.length === 0) return null;
  return { checked, uncovered: uncoveredHostnames(identity, checked) };
}

const API_CURVES: Record<string, { curve: string; bits: number }> = {
  EC_prime256v1: { curve: 'P-256', bits: 256 },
  EC_secp384r1: { curve: 'P-384', bits: 384 },
  EC_secp521r1: { curve: 'P-521', bits: 521 },
};

/** ACM's KeyAlgorithm (RSA_2048, EC_prime256v1, ...) as a key; null when absent or unknown. */
export function keyFromApi(keyAlgorithm: string | null): CertificateKey | null {
  if (!keyAlgorithm) return null;
  const rsa = /^RSA[_-]?(\d+)$/i.exec(keyAlgorithm);
  if (rsa) return { type: 'rsa', bits: Number(rsa[1]), curve: null };
  const ec = API_CURVES[keyAlgorithm];
  return ec ? { type: 'ec', bits: ec.bits, curve: ec.curve } : null;
}

function assertIsoTime(asOf: string): void {
  if (Number.isNaN(Date.parse(asOf))) throw new AuditError('BAD_INPUT', `not an ISO 8601 time: ${asOf}`, 'asOf');
}
