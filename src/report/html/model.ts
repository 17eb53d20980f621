/**
 * The data of the HTML report: a compact, interned view of the audit that the page's script renders on
 * demand. Rows are arrays, repeated strings and objects are stored once; island.ts packs this view
 * column by column (and compresses it when large) for the page. It reshapes what the audit produced;
 * it judges nothing.
 */
import type { ReportInput } from '../reporter.ts';
import type { Finding, FindingStatus } from '../../model/finding.ts';
import type { EndpointFacts, ListenerFacts, ResolvedPolicy } from '../../model/facts.ts';
import type { ProbeObservation } from '../../model/snapshot.ts';
import { SEVERITIES } from '../../model/rule.ts';
import { TLS_PROTOCOLS } from '../../model/snapshot.ts';
import { columnar, splitArn, templateMessage, type Columnar } from './compact.ts';
import { buildMatrix, type MatrixView } from './matrix.ts';
import { compareCodePoints } from '../../text/order.ts';
import { describeEvidence } from '../evidence.ts';
import { remediationVariantIndex } from '../../evaluate/remediation.ts';
import type { RuleDefinition } from '../../model/rule.ts';

export const STATUSES: readonly FindingStatus[] = ['fail', 'error', 'waived', 'pass', 'not_applicable'];

/** [ruleIdx, resourceIdx, statusIdx, severityIdx, messageIdx, detailIdx (-1 = none)] */
export type FindingRow = [number, number, number, number, number, number];
/** [arnPrefixIdx, arnRest, kind, name, accountIdx, regionIdx, loadBalancerIdx (-1 = none), lbTypeIdx (-1 = none)] */
export type ResourceRow = [number, string, string, string, number, number, number, number];

export interface RuleView {
  id: string; title: string; category: string; severity: string; description: string; risk: string;
  remediation: RuleDefinition['remediation'];
  references: string[]; controls: Record<string, string[]>;
}
export interface DetailView {
  /** plain-word evidence (src/report/evidence.ts): [what, observed, expected, source, met] */
  evidence: [string, string, string, string, boolean][];
  controls: Record<string, string[]>;
  waiver: { reason: string; expires: string; expired: boolean; pattern: string } | null;
  /** index into the rule's remediation.variants that fits this resource, -1 for the rule's own */
  fix: number;
}
export interface PolicyView {
  name: string | null; source: string; known: boolean; reference: string | null;
  protocols: string[]; suites: string[]; insecure: string[]; weak: string[]; unknown: string[];
  serverOrder: boolean | null; fips: boolean | null;
}
export interface ServedView {
  status: string; reason: string | null; host: string; port: number;
  chains: { sni: string | null; chain: { subject: string; issuer: string }[] }[];
}
export interface ListenerView {
  r: number; port: number; protocol: string; backend: string | null; backendEncrypted: boolean | null;
  redirects: boolean; cleartext: boolean; policy: number; served: number[]; certs: number[]; mtls: string | null;
  /** index into matrices, -1 when the listener has neither a policy nor a probe */
  matrix: number;
}
export interface CertView {
  r: number; source: string; domain: string | null; sans: string[]; notAfter: string | null; days: number | null;
  expired: boolean | null; status: string | null; renewal: string | null; keyAlgorithm: string | null; acmType: string | null;
  subject: string | null; issuer: string | null; chainStatus: string | null;
}
export interface LoadBalancerView {
  r: number; type: string; scheme: string; dns: string; zones: string[]; healthyZones: string[] | null;
  tags: [string, string][]; settings: string[]; listeners: number[]; certs: number[];
  /** fail, error, waived counts of the LB and everything under it */
  counts: [number, number, number];
  /** warning chips for its certificates, from failing weak-key / expiry findings: [kind, text] */
  alerts: [CertAlertKind, string][];
}
export type CertAlertKind = 'expired' | 'expiring' | 'weak-key';
export interface ReportData {
  asOf: string;
  severities: readonly string[]; statuses: readonly string[]; protocols: readonly string[];
  accounts: string[]; regions: string[]; lbTypes: string[]; categories: string[];
  arnPrefixes: string[]; settingLabels: string[];
  rules: RuleView[]; resources: ResourceRow[]; messages: string[]; details: DetailView[];
  findings: FindingRow[]; policies: PolicyView[]; matrices: MatrixView[];
  /** columnar tables of LoadBalancerView, ListenerView, ServedView and CertView */
  loadBalancers: Columnar; listeners: Columnar; served: Columnar; certificates: Columnar;
}

/** Stores each distinct value once and hands out its index. */
class Interner<T> {
  readonly values: T[] = [];
  private readonly index = new Map<string, number>();
  constructor(private readonly keyOf: (value: T) => string = (v) => JSON.stringify(v)) {}
  add(value: T): number {
    const key = this.keyOf(value);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.index.set(key, i);
    }
    return i;
  }
}

/** A text part of an interning key: its length, then itself. */
function p(s: string): string {
  return `${s.length}:${s}`;
}

/**
 * A key for objects that are usually shared (a rule's controls): the same object is stringified once,
 * an equal copy still gets the same key.
 */
function identityKey<T extends object>(): (value: T) => string {
  const seen = new WeakMap<T, string>();
  return (value) => {
    let key = seen.get(value);
    if (key === undefined) {
      key = JSON.stringify(value);
      seen.set(value, key);
    }
    return key;
  };
}

/** Build the data island for one report. */
export function buildReportData(input: ReportInput): ReportData {
  const { result, snapshot, facts, rules } = input;
  const origin = input.options.locate ? 'template' : 'aws';
  const accounts = new Interner<string>(String);
  const regions = new Interner<string>(String);
  const lbTypes = new Interner<string>(String);
  const messages = new Interner<string>(String);
  // Keys built from the parts (no JSON.stringify per finding): a 50,000-LB estate has 600,000 findings.
  // Every text part is length-prefixed (`p`), so no AWS string, whatever it holds, can make two keys meet.
  const controlsKey = identityKey<Record<string, string[]>>();
  const details = new Interner<DetailView>((d) => {
    let key = `${d.fix};${p(controlsKey(d.controls))}`;
    if (d.waiver !== null) key += `w${p(d.waiver.pattern)}${p(d.waiver.reason)}${p(d.waiver.expires)}${d.waiver.expired ? 1 : 0}`;
    for (const e of d.evidence) key += `e${p(e[0])}${p(e[1])}${p(e[2])}${p(e[3])}${e[4] ? 1 : 0}`;
    return key;
  });
  const policies = new Interner<PolicyView>();
  const served = new Interner<ServedView>((v) => {
    let key = `${p(v.status)}${v.reason === null ? 'n' : `s${p(v.reason)}`}${p(v.host)}${v.port};`;
    for (const c of v.chains) {
      key += `c${c.sni === null ? 'n' : `s${p(c.sni)}`}${c.chain.length};`;
      for (const x of c.chain) key += `${p(x.subject)}${p(x.issuer)}`;
    }
    return key;
  });
  const matrices = new Interner<MatrixView>((m) => {
    const bits = (b: boolean[] | null) => (b === null ? 'n;' : `${b.map((x) => (x ? '1' : '0')).join('')};`);
    let key = `${p(m.protocols.join(','))}${bits(m.configuredProtocols)}${bits(m.servedProtocols)}`;
    for (const r of m.rows) key += `${p(r[0])}${p(r[1].join(','))}${bits(r[2])}${bits(r[3])}`;
    return key;
  });
  const arnPrefixes = new Interner<string>(String);
  const listenerViews: ListenerView[] = [];
  const categories = new Interner<string>(String);
  const resources: ResourceRow[] = [];
  const resourceIndex = new Map<string, number>();
  const lbIndex = new Map<string, number>();
  facts.loadBalancer.forEach((lb, i) => lbIndex.set(lb.arn, i));

  const resourceFor = (arn: string, kind: string, name: string, account: string, region: string,
    lbArn: string | null, lbType: string | null): number => {
    let i = resourceIndex.get(arn);
    if (i === undefined) {
      i = resources.length;
      const [prefix, rest] = splitArn(arn);
      resources.push([arnPrefixes.add(prefix), rest, kind, name, accounts.add(account), regions.add(region),
        lbArn === null ? -1 : lbIndex.get(lbArn) ?? -1, lbType === null ? -1 : lbTypes.add(lbType)]);
      resourceIndex.set(arn, i);
    }
    return i;
  };

  const ruleIndex = new Map<string, number>();
  const ruleViews: RuleView[] = rules.map((rule, i) => {
    ruleIndex.set(rule.id, i);
    categories.add(rule.category);
    return { id: rule.id, title: rule.title, category: rule.category, severity: rule.severity,
      description: rule.description, risk: rule.risk, remediation: rule.remediation,
      references: rule.references, controls: rule.controls };
  });
  // A finding may name a rule the caller did not pass (e.g. synthetic collection errors): show it anyway.
  const ruleFor = (f: Finding): number => {
    let i = ruleIndex.get(f.ruleId);
    if (i === undefined) {
      i = ruleViews.length;
      ruleViews.push({ id: f.ruleId, title: f.ruleId, category: f.category, severity: f.severity, description: '',
        risk: '', remediation: { text: '' }, references: [], controls: f.controls });
      ruleIndex.set(f.ruleId, i);
    }
    categories.add(f.category);
    return i;
  };

  for (const lb of facts.loadBalancer) resourceFor(lb.arn, 'loadBalancer', lb.name, lb.account, lb.region, lb.arn, lb.type);

  const factsByArn = new Map<string, Record<string, unknown>>();
  for (const list of Object.values(facts)) for (const x of list as { arn: string }[]) factsByArn.set(x.arn, x as unknown as Record<string, unknown>);
  const ruleById = new Map(rules.map((r) => [r.id, r]));
  const findings: FindingRow[] = result.findings.map((f) => {
    const r = f.resource;
    const rule = ruleById.get(f.ruleId);
    const fix = rule ? remediationVariantIndex(rule, factsByArn.get(r.arn) ?? null) : -1;
    const res = resourceFor(r.arn, r.kind, r.name, r.account, r.region, r.loadBalancerArn, r.loadBalancerType);
    const hasDetail = f.evidence.length > 0 || f.waiver !== null || Object.keys(f.controls).length > 0 || fix >= 0;
    const lbName = r.loadBalancerArn === null ? null : facts.loadBalancer[lbIndex.get(r.loadBalancerArn) ?? -1]?.name ?? null;
    return [ruleFor(f), res, STATUSES.indexOf(f.status), SEVERITIES.indexOf(f.severity), messages.add(templateMessage(f.message, r.name, lbName)),
      hasDetail ? details.add({ evidence: describeEvidence(f, origin).map((e) => [e.what, e.observed, e.expected, e.source, e.met]), controls: f.controls, waiver: f.waiver, fix }) : -1];
  });

  const observationsByListener = new Map<string, ProbeObservation[]>();
  for (const o of snapshot.observations) {
    if (o.listenerArn === null) continue;
    const list = observationsByListener.get(o.listenerArn) ?? [];
    list.push(o);
    observationsByListener.set(o.listenerArn, list);
  }
  // The matrix shows the first completed probe of a listener (any probe when none completed).
  const endpointsByListener = new Map<string, EndpointFacts>();
  for (const e of facts.endpoint) {
    if (e.listenerArn === null) continue;
    const had = endpointsByListener.get(e.listenerArn);
    if (!had || (had.probeStatus !== 'ok' && e.probeStatus === 'ok')) endpointsByListener.set(e.listenerArn, e);
  }
  const endpointFor = (listenerArn: string): EndpointFacts | null => endpointsByListener.get(listenerArn) ?? null;
  const certRecords = new Map(snapshot.certificates.map((c) => [c.arn, c]));
  const certIndex = new Map<string, number>();
  const certificates: CertView[] = facts.certificate.map((c, i) => {
    certIndex.set(c.arn, i);
    const record = certRecords.get(c.arn);
    return { r: resourceFor(c.arn, 'certificate', c.name, c.account, c.region, null, null), source: c.source,
      domain: record?.domainName ?? null, sans: record?.subjectAlternativeNames ?? [], notAfter: c.notAfter,
      days: c.daysUntilExpiry, expired: c.expired, status: c.status, renewal: c.renewalStatus,
      keyAlgorithm: c.keyAlgorithm, acmType: c.acmType, subject: c.leaf?.subject ?? null, issuer: c.leaf?.issuer ?? null,
      chainStatus: c.chain?.status ?? null };
  });

  // The card's chips restate failing certificate findings (the rules decided; the page only points at them).
  const alertsByCert = new Map<string, Set<CertAlertKind>>();
  for (const f of result.findings) {
    if (f.status !== 'fail' || f.resource.kind !== 'certificate') continue;
    const kind: CertAlertKind | null = f.category === 'weak-key' ? 'weak-key' : f.category === 'cert-expired' ? 'expired' : f.category === 'cert-expiring' ? 'expiring' : null;
    if (kind === null) continue;
    const set = alertsByCert.get(f.resource.arn) ?? new Set<CertAlertKind>();
    set.add(kind);
    alertsByCert.set(f.resource.arn, set);
  }
  const certAlerts = (certs: readonly number[]): [CertAlertKind, string][] => certs.flatMap((ci) => {
    const c = facts.certificate[ci]!;
    const kinds = alertsByCert.get(c.arn);
    if (!kinds) return [];
    const out: [CertAlertKind, string][] = [];
    if (kinds.has('expired')) out.push(['expired', `Expired certificate: ${c.name}${c.notAfter ? ` (${c.notAfter.slice(0, 10)})` : ''}`]);
    else if (kinds.has('expiring')) out.push(['expiring', `Expires ${c.daysUntilExpiry === null ? 'soon' : `in ${c.daysUntilExpiry} day${c.daysUntilExpiry === 1 ? '' : 's'}`}: ${c.name}`]);
    if (kinds.has('weak-key')) {
      const k = c.key;
      const key = k === null ? 'weak key' : `${k.type.toUpperCase()}${k.bits !== null ? ` ${k.bits}-bit` : ''}${k.curve ? ` ${k.curve}` : ''}`;
      out.push(['weak-key', `Weak key (${key}): ${c.name}`]);
    }
    return out;
  });

  const counts = new Map<number, [number, number, number]>();
  for (const row of findings) {
    const lb = resources[row[1]]?.[6] ?? -1;
    if (lb < 0 || row[2] > 2) continue;
    const c = counts.get(lb) ?? [0, 0, 0];
    c[row[2]] = (c[row[2]] ?? 0) + 1;
    counts.set(lb, c);
  }

  // Listeners share their resolved policy object; one without a probe has the policy's matrix.
  const policyIndexes = new Map<ResolvedPolicy, number>();
  const policyIndex = (p: ResolvedPolicy): number => {
    let i = policyIndexes.get(p);
    if (i === undefined) {
      i = policies.add(policyView(p));
      policyIndexes.set(p, i);
    }
    return i;
  };
  const unprobedMatrix = new Map<ResolvedPolicy | null, number>();
  const matrixFor = (p: ResolvedPolicy | null, endpoint: EndpointFacts | null): number => {
    if (endpoint !== null) return matrixIndex(matrices, buildMatrix(p, endpoint));
    let i = unprobedMatrix.get(p);
    if (i === undefined) {
      i = matrixIndex(matrices, buildMatrix(p, null));
      unprobedMatrix.set(p, i);
    }
    return i;
  };

  const listenersByLb = new Map<string, ListenerFacts[]>();
  for (const l of facts.listener) {
    if (l.loadBalancerArn === null) continue;
    const list = listenersByLb.get(l.loadBalancerArn) ?? [];
    list.push(l);
    listenersByLb.set(l.loadBalancerArn, list);
  }

  const loadBalancers: LoadBalancerView[] = facts.loadBalancer.map((lb, i) => {
    const listeners = (listenersByLb.get(lb.arn) ?? []).map((l): ListenerView => ({
      r: resourceFor(l.arn, 'listener', l.name, l.account, l.region, lb.arn, lb.type),
      port: l.port, protocol: l.protocol,
      backend: l.backend.protocol === null ? null : `${l.backend.protocol}:${l.backend.port ?? '?'}`,
      backendEncrypted: l.backend.encrypted, redirects: l.redirectsToHttps, cleartext: l.acceptsCleartext,
      policy: l.policy === null ? -1 : policyIndex(l.policy),
      served: (observationsByListener.get(l.arn) ?? []).map((o) => served.add(servedView(o))),
      matrix: matrixFor(l.policy, endpointFor(l.arn)),
      certs: l.certificateArns.map((arn) => certIndex.get(arn)).filter((x): x is number => x !== undefined),
      mtls: l.mtls?.mode ?? null,
    }));
    const certs = [...new Set(listeners.flatMap((l) => l.certs))];
    return {
      r: resourceFor(lb.arn, 'loadBalancer', lb.name, lb.account, lb.region, lb.arn, lb.type),
      type: lb.type, scheme: lb.scheme, dns: lb.dnsName, zones: lb.availabilityZones,
      healthyZones: lb.healthyTargetZones, tags: Object.entries(lb.tags).sort(([a], [b]) => compareCodePoints(a, b)),
      settings: settingsOf(lb),
      listeners: listeners.map((l) => listenerViews.push(l) - 1), certs,
      counts: counts.get(i) ?? [0, 0, 0], alerts: certAlerts(certs),
    };
  });

  return {
    asOf: result.asOf, severities: SEVERITIES, statuses: STATUSES, protocols: TLS_PROTOCOLS,
    accounts: accounts.values, regions: regions.values, lbTypes: lbTypes.values, categories: categories.values,
    arnPrefixes: arnPrefixes.values, settingLabels: SETTING_LABELS,
    rules: ruleViews, resources, messages: messages.values, details: details.values, findings,
    policies: policies.values, matrices: matrices.values,
    loadBalancers: columnar(loadBalancers), listeners: columnar(listenerViews), served: columnar(served.values),
    certificates: columnar(certificates),
  };
}

function policyView(p: ResolvedPolicy): PolicyView {
  return { name: p.name, source: p.source, known: p.known, reference: p.referencePolicy, protocols: p.protocols,
    suites: p.cipherSuites, insecure: p.insecureCipherSuites, weak: p.weakCipherSuites, unknown: p.unknownCipherSuites,
    serverOrder: p.serverCipherOrder, fips: p.fips };
}

function matrixIndex(matrices: Interner<MatrixView>, matrix: MatrixView | null): number {
  return matrix === null ? -1 : matrices.add(matrix);
}

function servedView(o: ProbeObservation): ServedView {
  return { status: o.status, reason: o.reason, host: o.target.host, port: o.target.port,
    chains: o.certificates.map((c) => ({ sni: c.sni, chain: c.chain.map((x) => ({ subject: x.subject, issuer: x.issuer })) })) };
}

const SETTING_LABELS = ['Deletion protection', 'Drop invalid header fields', 'Desync mitigation', 'Access logs', 'Cross-zone'];

function settingsOf(lb: ReportInput['facts']['loadBalancer'][number]): string[] {
  const show = (v: boolean | string | null): string => (v === null ? 'unknown' : String(v));
  return [show(lb.deletionProtection), show(lb.dropInvalidHeaderFields), show(lb.desyncMitigationMode), show(lb.accessLogs), show(lb.crossZone)];
}
