/** Endpoint facts: what each probed endpoint serves, next to what its listener is configured to serve. */
import type { EndpointCertificateDrift, EndpointFacts, ResolvedPolicy, UnknownFacts } from '../model/facts.ts';
import type { CertificateRecord, Listener, LoadBalancer, ProbeObservation, ServedChain, Snapshot, TlsProtocol } from '../model/snapshot.ts';
import { TLS_PROTOCOLS, VULNERABILITY_CHECKS } from '../model/snapshot.ts';
import { groupByName, lookupSuite } from '../catalogue/tls.ts';
import { pemFingerprints } from '../probe/served.ts';
import { analyseServedChain } from './certificate.ts';
import { terminatesTls } from './listener.ts';
import { compareCodePoints } from '../text/order.ts';
import { unknownFacts } from './unknown.ts';

/** What judging a served chain needs: the audit's clock and trust store. */
export interface ServedChainContext {
  asOf: string;
  trustAnchorsPem: string[];
  /** Roots of the ACM Private CAs in the snapshot. */
  privateCaAnchorsPem?: string[];
}

/** DNS name coverage with one-label wildcards, as TLS clients match it. */
function covers(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const n = name.toLowerCase();
  if (p === n) return true;
  return p.startsWith('*.') && n.endsWith(p.slice(1)) && !n.slice(0, -(p.length - 1)).includes('.');
}

function configuredFor(listener: Listener, sni: string | null, records: Map<string, CertificateRecord>): CertificateRecord[] {
  const attached = listener.certificates.map((ref) => ({ ref, record: records.get(ref.arn) }));
  const byName = sni === null ? [] : attached.filter(({ record }) =>
    record && [record.domainName, ...record.subjectAlternativeNames].some((n) => n !== null && covers(n, sni)));
  // Load balancers answer an unknown or absent name with the default certificate.
  const chosen = byName.length > 0 ? byName : attached.filter(({ ref }) => ref.isDefault);
  return chosen.flatMap(({ record }) => (record ? [record] : []));
}

function compareChain(chain: ServedChain, listener: Listener | null, records: Map<string, CertificateRecord>): EndpointCertificateDrift {
  const served = chain.chain.map((c) => c.sha256);
  const candidates = listener ? configuredFor(listener, chain.sni, records) : [];
  const withPem = candidates.filter((r) => r.bodyPem !== null);
  const leafOf = (r: CertificateRecord): string | null => pemFingerprints(r.bodyPem)[0] ?? null;
  const match = withPem.find((r) => leafOf(r) === served[0]);
  const best = match ?? candidates[0] ?? null;
  const configuredChain = best?.bodyPem ? [...pemFingerprints(best.bodyPem), ...pemFingerprints(best.chainPem)] : null;
  return {
    sni: chain.sni,
    protocol: chain.protocol,
    keyType: chain.keyType,
    servedSha256: served[0] ?? null,
    servedSubject: chain.chain[0]?.subject ?? null,
    configuredArn: best?.arn ?? null,
    configuredSha256: best ? leafOf(best) : null,
    matches: withPem.length === 0 ? null : match !== undefined,
    servedChain: served,
    configuredChain,
    chainMatches: configuredChain === null || best?.chainPem === null || best === null ? null
      : configuredChain.length === served.length && configuredChain.every((fp, i) => fp === served[i]),
  };
}

const short = (fp: string | null): string => (fp ? `${fp.slice(0, 16)}…` : 'unknown');
const sniLabel = (sni: string | null): string => (sni === null ? 'no SNI' : `SNI ${sni}`);

function diff<T>(a: readonly T[], b: readonly T[]): T[] {
  return a.filter((x) => !b.includes(x));
}

/** The chain served for the probed name, judged like a configured one; null when none was read or it cannot be parsed. */
type ServedChainPart = Pick<EndpointFacts, 'servedChain' | 'servedHostnameCoverage' | 'ocspStapled' | 'servedLeafMustStaple'>;

/**
 * The served-chain facts, and why there are none although the endpoint answered: the chain that was read could
 * not be parsed (a GOST or SM2 key Node's OpenSSL cannot decode), or only certificate-less suites are served.
 */
async function servedChainFacts(o: ProbeObservation, context: ServedChainContext | null): Promise<{ facts: ServedChainPart; unjudged: string | null }> {
  const served = o.certificates.find((c) => c.sni === o.target.sni) ?? o.certificates[0];
  const none: ServedChainPart = { servedChain: null, servedHostnameCoverage: null, ocspStapled: null, servedLeafMustStaple: null };
  if (o.status === 'ok' && !served && servesOnlyCertificateLess(o)) {
    return { facts: none, unjudged: 'only certificate-less suites (anonymous, PSK, SRP) are served, so there is no certificate to judge' };
  }
  if (o.status !== 'ok' || !served || served.chain.length === 0) return { facts: none, unjudged: null };
  const ocspStapled = served.ocspStapled;
  if (context === null) return { facts: { servedChain: null, servedHostnameCoverage: null, ocspStapled, servedLeafMustStaple: null }, unjudged: null };
  const names = [o.target.sni ?? (/^[\d.:]+$/.test(o.target.host) ? null : o.target.host)].filter((n): n is string => n !== null);
  const analysis = await analyseServedChain(served.chain.map((c) => c.pem), { ...context, hostnames: names });
  return {
    facts: {
      servedChain: analysis.parseError === null ? analysis.chain : null,
      servedHostnameCoverage: analysis.hostnameCoverage,
      ocspStapled,
      servedLeafMustStaple: analysis.leaf?.mustStaple ?? null,
    },
    unjudged: analysis.parseError === null ? null : `the served chain was read but could not be parsed: ${analysis.parseError}`,
  };
}

function servesOnlyCertificateLess(o: ProbeObservation): boolean {
  const names = TLS_PROTOCOLS.flatMap((p) => (o.protocols[p] === true ? o.cipherSuites[p] ?? [] : []));
  return names.length > 0 && o.protocols['TLSv1.3'] !== true && names.every((n) => lookupSuite(n)?.certificate === 'none');
}

const SUITE_FACTS = ['servedCipherSuites', 'servedCipherSuitesByProtocol', 'drift.extraCipherSuites', 'drift.missingCipherSuites'];

/**
 * The facts each part of an observation stands behind: when the probe lists a part as not determined
 * (`incomplete`), the facts built from it are unknown, so a rule reading them says "not judged" instead of
 * passing on a list that may be short. (Chains have `chainsComplete`; vulnerability checks become null.)
 */
function factsBehind(field: string): string[] {
  if (field.startsWith('protocols.')) return ['servedProtocols', 'drift.extraProtocols', 'drift.missingProtocols', ...SUITE_FACTS];
  if (field.startsWith('cipherSuites.')) return SUITE_FACTS;
  if (field === 'dhBits' || field === 'dhBitsWithFfdhe') return [field];
  if (field === 'groups') return ['servedGroups', 'servedPostQuantumGroups'];
  if (field === 'serverCipherOrder') return ['serverCipherOrder', 'chachaPriority'];
  return [];
}

function unknownOf(incomplete: readonly { field: string; reason: string }[], chainUnjudged: string | null): UnknownFacts {
  const unknown = unknownFacts();
  for (const { field, reason } of incomplete) for (const fact of factsBehind(field)) unknown.mark(fact, 'error', `the probe could not determine ${field}: ${reason}`);
  if (chainUnjudged !== null) for (const fact of ['servedChain', 'servedHostnameCoverage', 'servedLeafMustStaple']) unknown.mark(fact, 'error', chainUnjudged);
  return unknown.entries;
}

/** The probe's vulnerability verdicts as facts: unknown and not-run become null, which a rule reads as error. */
export function vulnerabilityFacts(o: ProbeObservation, listener: Listener | null):
  Pick<EndpointFacts, 'vulnerabilityChecksRun' | 'vulnerabilities' | 'vulnerabilityDetails' | 'tlsTerminatedBy'> {
  const found = o.status === 'ok' ? o.vulnerabilities : undefined;
  const vulnerabilities = {} as EndpointFacts['vulnerabilities'];
  const vulnerabilityDetails = {} as EndpointFacts['vulnerabilityDetails'];
  for (const check of VULNERABILITY_CHECKS) {
    const result = found?.[check];
    vulnerabilities[check] = result?.status === 'vulnerable' ? true : result?.status === 'not-vulnerable' ? false : null;
    vulnerabilityDetails[check] = result?.detail ?? 'not checked';
  }
  return {
    vulnerabilityChecksRun: found !== undefined,
    vulnerabilities,
    vulnerabilityDetails,
    tlsTerminatedBy: listener ? (terminatesTls(listener.protocol) ? 'load-balancer' : 'target') : null,
  };
}

async function endpointFor(o: ProbeObservation, lb: LoadBalancer | null, listener: Listener | null, policy: ResolvedPolicy | null,
  records: Map<string, CertificateRecord>, context: ServedChainContext | null): Promise<EndpointFacts> {
  const ok = o.status === 'ok';
  const servedProtocols = TLS_PROTOCOLS.filter((p) => o.protocols[p] === true);
  const servedCipherSuites = [...new Set(TLS_PROTOCOLS.flatMap((p) => o.cipherSuites[p] ?? []))];
  const servedCipherSuitesByProtocol: Partial<Record<TlsProtocol, string[]>> = {};
  for (const p of servedProtocols) servedCipherSuitesByProtocol[p] = [...(o.cipherSuites[p] ?? [])];
  const configured = policy && policy.known ? policy : null;
  const keyTypes = new Set(o.certificates.map((c) => c.keyType));
  // A configured ECDSA suite cannot be chosen without an ECDSA certificate (and likewise RSA): not drift.
  const servable = (iana: string): boolean => {
    const needs = lookupSuite(iana)?.certificate;
    if (needs === undefined) return false;
    if (needs === 'ECDSA') return keyTypes.has('ec');
    if (needs === 'RSA') return keyTypes.has('rsa') || keyTypes.has('rsa-pss');
    return needs !== 'DSS' || keyTypes.has('dsa');
  };
  const certificates = ok ? o.certificates.map((c) => compareChain(c, listener, records)) : [];
  const incomplete = o.incomplete ?? [];
  const certificateMismatches = certificates.filter((c) => c.matches === false).map((c) =>
    `${sniLabel(c.sni)} (${c.protocol ?? '?'}): served ${short(c.servedSha256)} ${c.servedSubject ?? ''}, configured ${short(c.configuredSha256)} ${c.configuredArn ?? ''}`.trim());
  const chainMismatches = certificates.filter((c) => c.chainMatches === false).map((c) =>
    `${sniLabel(c.sni)} (${c.protocol ?? '?'}): served [${c.servedChain.map(short).join(', ')}], configured [${(c.configuredChain ?? []).map(short).join(', ')}]`);
  const host = o.target.host;
  const chain = await servedChainFacts(o, context);
  return {
    subject: 'endpoint',
    arn: `${o.listenerArn ?? `endpoint/${host}/${o.target.port}`}#sni=${o.target.sni ?? '-'}`,
    name: `${host}:${o.target.port}${o.target.sni ? ` (${o.target.sni})` : ''}`,
    account: lb?.account ?? '',
    region: lb?.region ?? '',
    loadBalancerArn: lb?.arn ?? o.loadBalancerArn,
    loadBalancerType: lb?.type ?? null,
    host,
    port: o.target.port,
    sni: o.target.sni,
    connectedTo: o.target.connectedTo,
    listenerArn: o.listenerArn,
    probeStatus: o.status,
    probeReason: o.reason,
    probeIncomplete: incomplete.map((i) => `${i.field}: ${i.reason}`),
    chainsComplete: ok && !incomplete.some((i) => i.field === 'certificates'),
    dhBits: o.dhBits,
    dhBitsWithFfdhe: o.dhBitsWithFfdhe ?? null,
    servedGroups: [...o.groups],
    servedPostQuantumGroups: o.groups.filter((g) => { const kind = groupByName(g)?.kind; return kind === 'hybrid-pq' || kind === 'pq'; }),
    serverCipherOrder: o.serverCipherOrder,
    chachaPriority: o.chachaPriority ?? null,
    ...chain.facts,
    ...vulnerabilityFacts(o, listener),
    servedProtocols,
    servedCipherSuites,
    servedCipherSuitesByProtocol,
    configuredPolicy: policy?.name ?? null,
    configuredProtocols: configured ? [...configured.protocols] : null,
    configuredCipherSuites: configured ? [...configured.cipherSuites] : null,
    drift: {
      extraProtocols: ok && configured ? diff(servedProtocols, configured.protocols) : null,
      missingProtocols: ok && configured ? diff(configured.protocols, servedProtocols) : null,
      extraCipherSuites: ok && configured ? diff(servedCipherSuites, configured.cipherSuites) : null,
      missingCipherSuites: ok && configured
        ? diff(configured.cipherSuites, servedCipherSuites).filter((s) => servable(s) && configuredProtocolServes(s, configured.protocols, servedProtocols))
        : null,
      certificates,
      certificateMismatches,
      chainMismatches,
    },
    unknown: unknownOf(incomplete, chain.unjudged),
  };
}

/** A suite only counts as missing when a protocol that could carry it is both configured and served. */
function configuredProtocolServes(iana: string, configured: readonly TlsProtocol[], served: readonly TlsProtocol[]): boolean {
  const carriers = lookupSuite(iana)?.protocols ?? [];
  return carriers.some((p) => configured.includes(p) && served.includes(p));
}

/** One EndpointFacts per probe observation, judged against the listener's resolved policy and certificates. */
export async function endpointFacts(snapshot: Snapshot, listenerPolicies: Map<string, ResolvedPolicy | null>, context: ServedChainContext | null = null): Promise<EndpointFacts[]> {
  if (snapshot.observations.length === 0) return [];
  const records = new Map(snapshot.certificates.map((c) => [c.arn, c]));
  const listeners = new Map<string, { lb: LoadBalancer; listener: Listener }>();
  for (const lb of snapshot.loadBalancers) for (const listener of lb.listeners) listeners.set(listener.arn, { lb, listener });
  const facts = await Promise.all(snapshot.observations.map((o) => {
    const found = o.listenerArn ? listeners.get(o.listenerArn) : undefined;
    const lb = found?.lb ?? snapshot.loadBalancers.find((l) => l.arn === o.loadBalancerArn) ?? null;
    const policy = o.listenerArn ? listenerPolicies.get(o.listenerArn) ?? null : null;
    return endpointFor(o, lb, found?.listener ?? null, policy, records, context);
  }));
  return facts.sort((a, b) => compareCodePoints(a.arn, b.arn));
}
