/**
 * Evidence in plain words: what was observed, what the rule expected and where the value came from
 * (the AWS API call, the TLS probe or the template). One line per fact and path, the unmet condition
 * first, so a rule that tests one value twice shows it once. It rewords the engine's evidence; it
 * judges nothing.
 */
import type { ConditionEvidence, Finding } from '../model/finding.ts';

export interface EvidenceLine {
  /** what the value is, e.g. "Key size" */
  what: string;
  /** the observed value in words */
  observed: string;
  /** what the rule wanted, in words */
  expected: string;
  /** where the value came from, e.g. "acm GetCertificate (certificate body and chain)" */
  source: string;
  met: boolean;
}

/** Where the findings' facts were read from: the AWS APIs (and probes), or templates and plans (IaC mode). */
export type EvidenceOrigin = 'aws' | 'template';

const LABELS: Record<string, string> = {
  'key.bits': 'Key size (bits)', 'key.type': 'Key type', 'key.curve': 'Key curve', pemAvailable: 'Certificate body readable',
  daysUntilExpiry: 'Days until expiry', 'chain.minDaysUntilExpiry': 'Days until the first chain certificate expires',
  'chain.status': 'Chain status', 'chain.pathCheck': 'Certification path check', 'policy.known': 'Policy resolved to protocols and suites',
  'policy.protocols': 'Protocols the policy enables', 'policy.cipherSuites': 'Cipher suites the policy enables',
  'policy.serverCipherOrder': 'Server cipher order', 'backend.encrypted': 'Traffic to targets encrypted',
  'backend.authenticated': 'Back-end server authentication', 'backend.healthCheckEncrypted': 'Health checks encrypted',
  redirectsToHttps: 'Redirects every request to HTTPS', acmType: 'ACM certificate type', source: 'Certificate store',
  servedProtocols: 'Protocols the endpoint accepted', probeStatus: 'Probe result', attempt: 'API call',
  tlsListenerCount: 'Listeners that terminate TLS', listenerCount: 'Listeners', terminatesTls: 'Terminates TLS',
  'leaf.wildcard': 'Wildcard certificate', 'chain.rootIncluded': 'Root certificate included', 'chain.orderOk': 'Chain in issuing order',
  'chain.rootLast': 'Root last in the chain', 'servedChain.orderOk': 'Served chain in issuing order', 'servedChain.rootLast': 'Root last in the served chain',
  'hostnameCoverage.uncovered': 'Names the certificate does not cover', 'servedHostnameCoverage.uncovered': 'Names the served certificate does not cover',
};

/** "healthyTargetZoneCount" → "Healthy target zone count"; "chain expiredCertificates" → "Chain: expired certificates". */
function words(name: string): string {
  let said = WORDS.get(name);
  if (said === undefined) {
    said = sayWords(name);
    WORDS.set(name, said);
  }
  return said;
}
// Fact and key names are few; a report of 600,000 findings asks for the same ones again and again.
const WORDS = new Map<string, string>();

function sayWords(name: string): string {
  const s = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()
    .replace(/\b(tls|hsm|vpc|rsa|sni|http|https|acm|iam|az|dh|sha256)\b/g, (w) => w.toUpperCase()).replace(/\bmtls\b/g, 'mTLS');
  return s.startsWith('mTLS') ? s : s.charAt(0).toUpperCase() + s.slice(1);
}

function label(e: ConditionEvidence): string {
  const key = e.path ? `${e.fact}.${e.path}` : e.fact;
  if (LABELS[key]) return LABELS[key];
  if (!e.path) return words(e.fact);
  const tail = words(e.path);
  return `${words(e.fact)}: ${/^[A-Z]{2}/.test(tail) ? tail : tail.charAt(0).toLowerCase() + tail.slice(1)}`;
}

/** A value as a reader would say it: yes/no, "not observed", lists joined, certificates by subject. */
export function plainValue(v: unknown): string {
  if (v === null || v === undefined) return 'not observed';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v === '' ? '(empty)' : v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.map(plainValue).join('; ');
  const o = v as Record<string, unknown>;
  if (typeof o.subject === 'string') {
    const at = typeof o.position === 'number' ? ` (position ${o.position})` : '';
    return `${o.subject}${at}${typeof o.reason === 'string' ? `: ${o.reason}` : ''}`;
  }
  if (typeof o.operation === 'string') return `${String(o.service ?? '')} ${o.operation} failed: ${plainValue(o.reason)}`.trim();
  const simple = (x: unknown) => x !== null && (typeof x !== 'object' || (Array.isArray(x) && x.every((y) => y === null || typeof y !== 'object')));
  return Object.entries(o).filter(([, x]) => simple(x))
    .map(([k, x]) => `${words(k).toLowerCase()} ${Array.isArray(x) ? x.map(plainValue).join('/') : plainValue(x)}`).join(', ') || JSON.stringify(o);
}

function expectation(e: ConditionEvidence): string {
  const x = e.expected;
  switch (e.operator) {
    case 'equal': return x === null ? 'not set' : plainValue(x);
    case 'notEqual': return x === null ? 'set' : `anything but ${plainValue(x)}`;
    case 'in': return `one of ${plainValue(x)}`;
    case 'notIn': return `none of ${plainValue(x)}`;
    case 'greaterThan': return `more than ${plainValue(x)}`;
    case 'greaterThanInclusive': return `at least ${plainValue(x)}`;
    case 'lessThan': return `less than ${plainValue(x)}`;
    case 'lessThanInclusive': return `at most ${plainValue(x)}`;
    case 'contains': return `includes ${plainValue(x)}`;
    case 'doesNotContain': return `does not include ${plainValue(x)}`;
    case 'isEmpty': return x ? 'none' : 'at least one';
    case 'protocolsAtLeast': return `nothing below ${plainValue(x)}`;
    case 'cipherSuitesMeet': return `every suite meets the bar (${plainValue(x)})`;
    case 'subsetOf': return `only ${plainValue(x)}`;
    case 'intersects': return `at least one of ${plainValue(x)}`;
    case 'matchesAny': return `matching ${plainValue(x)}`;
    case 'atLeastOrNull': return `at least ${plainValue(x)} (or not applicable)`;
    case 'distinctAtLeast': return `at least ${plainValue(x)} different`;
    case 'observed': return 'observed';
    case 'everyObserved': return `every entry has its ${plainValue(x)} observed and matching`;
    case 'status': return 'the call succeeded';
    default: return `${e.operator} ${plainValue(x)}`;
  }
}

const LB_ATTRIBUTES = new Set(['deletionProtection', 'dropInvalidHeaderFields', 'desyncMitigationMode', 'accessLogs', 'crossZone', 'connectionDraining']);
const ACM_DESCRIBE = new Set(['acmType', 'status', 'renewalStatus', 'renewalEligibility', 'transparencyLogging', 'inUse', 'usedBy']);

/** The API call (or probe) a fact of this finding's subject was read from. */
export function factSource(finding: Finding, e: ConditionEvidence, origin: EvidenceOrigin = 'aws'): string {
  const r = finding.resource;
  if (e.fact === 'attempt') {
    const a = e.actual as { service?: string; operation?: string } | null;
    return a?.operation ? `${a.service ?? ''} ${a.operation}`.trim() : 'collection';
  }
  if (origin === 'template') return 'the template or plan (IaC mode), AWS defaults where it is silent';
  const classic = r.loadBalancerType === 'classic';
  const api = classic ? 'elb' : 'elbv2';
  switch (r.kind) {
    case 'endpoint':
      return e.fact === 'drift' ? `TLS probe of ${r.name}, compared with the configuration` : `TLS probe of ${r.name}`;
    case 'hsmCluster':
      return e.fact === 'clientZonesWithoutHsm' || e.fact === 'clientVpcMismatch'
        ? 'cloudhsmv2 DescribeClusters and ec2 DescribeInstances' : e.fact.startsWith('backup') ? 'cloudhsmv2 DescribeBackups' : 'cloudhsmv2 DescribeClusters';
    case 'certificate': {
      const acm = r.arn.startsWith('arn:aws') && r.arn.includes(':acm:');
      if (e.fact === 'source') return 'the certificate ARN (IAM or ACM)';
      if (acm && ACM_DESCRIBE.has(e.fact)) return 'acm DescribeCertificate';
      if (e.fact === 'inUse' || e.fact === 'usedBy' || e.fact === 'loadBalancerTypes') return acm ? 'acm DescribeCertificate (InUseBy)' : 'the listeners that name it (DescribeListeners, DescribeLoadBalancers)';
      if (!acm && (e.fact === 'expired' || e.fact === 'daysUntilExpiry' || e.fact === 'notAfter')) return 'iam ListServerCertificates (expiration)';
      return acm ? 'acm GetCertificate (certificate body and chain)' : 'iam GetServerCertificate (certificate body and chain)';
    }
    case 'loadBalancer':
      if (LB_ATTRIBUTES.has(e.fact)) return `${api} DescribeLoadBalancerAttributes`;
      if (e.fact.startsWith('healthyTarget')) return classic ? 'elb DescribeInstanceHealth and ec2 DescribeInstances' : 'elbv2 DescribeTargetHealth';
      if (e.fact === 'tags') return `${api} DescribeTags`;
      if (e.fact === 'listenerCount' || e.fact === 'tlsListenerCount') return classic ? 'elb DescribeLoadBalancers (listener descriptions)' : 'elbv2 DescribeListeners';
      return `${api} DescribeLoadBalancers`;
    case 'listener':
      if (e.fact === 'policy') return classic ? 'elb DescribeLoadBalancerPolicies' : 'elbv2 DescribeListeners and DescribeSSLPolicies';
      if (e.fact === 'backend') return classic ? 'elb DescribeLoadBalancers (back-end server descriptions) and DescribeLoadBalancerPolicies' : 'elbv2 DescribeTargetGroups';
      if (e.fact === 'mtls') return 'elbv2 DescribeListeners (mutual authentication) and DescribeTrustStores';
      if (e.fact === 'sniCertificateCount') return 'elbv2 DescribeListenerCertificates';
      if (e.fact === 'redirectsToHttps') return 'elbv2 DescribeListeners and DescribeRules';
      return classic ? 'elb DescribeLoadBalancers (listener descriptions)' : 'elbv2 DescribeListeners';
  }
}

/**
 * The finding's evidence as plain lines: one per fact and path, unmet conditions first. On a failure an
 * unmet condition over a value that was not observed did not decide it (an unknown that mattered makes
 * the finding an error), so it is left out: it is the other branch of an "any".
 */
export function describeEvidence(finding: Finding, origin: EvidenceOrigin = 'aws'): EvidenceLine[] {
  const byKey = new Map<string, ConditionEvidence>();
  for (const e of finding.evidence) {
    if (finding.status === 'fail' && !e.result && (e.actual === null || e.actual === undefined)) continue;
    const key = `${e.fact}\u0000${e.path ?? ''}`;
    const had = byKey.get(key);
    // Of two unmet tests of one value (an "any" such as "not set, or not FAILED"), the one with a value says more.
    if (!had || (had.result && !e.result) || (!had.result && !e.result && had.expected === null && e.expected !== null)) byKey.set(key, e);
  }
  return [...byKey.values()]
    .sort((a, b) => Number(a.result) - Number(b.result))
    .map((e) => ({ what: label(e), observed: plainValue(e.actual), expected: expectation(e), source: factSource(finding, e, origin), met: e.result }));
}

/** One line of evidence as text: `Key size (bits): 1024 (expected at least 2048; from acm GetCertificate …)`. */
export function evidenceText(line: EvidenceLine): string {
  return `${line.what}: ${line.observed} (expected ${line.expected}; from ${line.source})`;
}
