/**
 * The one place IaC becomes a Snapshot: links the drafts (listener -> load balancer, action -> target group,
 * rule -> listener, Classic policy -> load balancer, ...), applies what the service does when code omits a
 * value (src/iac/defaults.ts), and records what the code cannot tell: unknown values as error attempts
 * ("not judged before deploy"), facts no code states (target health, what is served, certificate bodies that
 * are not in the code) as skipped attempts. When the snapshot grows observation statuses, this file adapts.
 */
import type { Attempt, CertificateRecord, HsmCluster, ClassicPolicy, Listener, ListenerAction, LoadBalancer, LoadBalancerType, Observation, Snapshot, TargetGroup, TrustStoreRecord } from '../model/snapshot.ts';
import { OBSERVED } from '../model/snapshot.ts';
import { hsmClusterArn } from '../enrich/hsm-cluster.ts';
import { buildSnapshot } from '../snapshot/builder.ts';
import { compareCodePoints } from '../text/order.ts';
import { TOOL_VERSION } from '../version.ts';
import { addressHash, iacArns } from './arns.ts';
import { CLASSIC_DEFAULT_SSL_POLICY, ELBV2_DEFAULT_SSL_POLICY, DNS_AFTER_DEPLOY } from './defaults.ts';
import { ZONE_FACTS, type ActionDraft, type IacEstate, type ListenerDraft, type Origin } from './estate.ts';
import { isRef, isUnknown } from './values.ts';

/** Why IaC cannot know some facts at all; reports list these as skipped. */
export const NOT_FROM_CODE = 'not known from infrastructure code';

export interface IacSnapshot {
  snapshot: Snapshot;
  /** Snapshot ARN -> where the resource is written. */
  origins: Map<string, Origin>;
  /**
   * Subject ARN -> facts that are unknown before deploy, with why and the property that holds the value. An entry
   * is an error ("not judged before deploy") unless its status says `skipped`: a fact no code can state at all.
   */
  unknownFacts: Map<string, Map<string, UnknownFact>>;
  /** Load balancers that are not in the code (a listener points at an existing one): not judged themselves. */
  externalLoadBalancers: Set<string>;
  /** Subject ARN -> why a value was filled in from the API default. */
  defaulted: Map<string, string>;
}

export interface UnknownFact { reason: string; property: string; status?: 'error' | 'skipped' }

interface LbEntry { lb: LoadBalancer; origin: Origin; external: boolean }

/** What no infrastructure code states: target health and registered instances. */
const FROM_DEPLOY: Observation = { status: 'skipped', reason: NOT_FROM_CODE };
const lbObserved = (external: boolean): LoadBalancer['observed'] => {
  // A load balancer outside the code: only the listeners the code adds to it are known.
  const seen = external ? { status: 'skipped' as const, reason: `the load balancer is ${NOT_FROM_CODE}` } : OBSERVED;
  return { listeners: seen, attributes: seen, tags: seen, classicPolicies: seen, registeredInstances: FROM_DEPLOY, targetGroups: seen };
};
const listenerObserved: Listener['observed'] = { certificates: OBSERVED, rules: OBSERVED };

const TLS_FRONT = new Set(['HTTPS', 'SSL', 'TLS']);
const LISTENER_FACTS = new Set(['policy', 'protocol', 'terminatesTls', 'backend', 'redirectsToHttps', 'port', 'mtls', 'certificateArns']);

export function buildIacSnapshot(estate: IacEstate, capturedAt: string): IacSnapshot {
  const origins = new Map<string, Origin>();
  const attempts: Attempt[] = [];
  const defaulted = new Map<string, string>();
  const externalLoadBalancers = new Set<string>();
  const arnOfAddress = new Map<string, string[]>();
  const bind = (address: string, arn: string) => arnOfAddress.set(address, [...(arnOfAddress.get(address) ?? []), arn]);
  const seen = new Set<string>();
  const record = (attempt: Attempt) => {
    const key = JSON.stringify([attempt.status, attempt.operation, attempt.reason, attempt.covers]);
    if (!seen.has(key)) attempts.push(attempt);
    seen.add(key);
  };
  const skipped = (origin: Origin, operation: string, reason: string, covers: string[]) =>
    record({ service: 'iac', account: origin.account, region: origin.region, operation, status: 'skipped', reason, covers });

  // Load balancers, with their zones looked up from subnets in the code.
  const lbs = new Map<string, LbEntry>();
  const classicByName = new Map<string, LbEntry>();
  for (const d of estate.loadBalancers) {
    const arn = iacArns.loadBalancer(d.record.type, d.record.name, d.origin.address, d.origin.region, d.origin.account);
    const zones = d.zones.map((z) => ({ zoneName: z, subnetId: null as string | null }));
    for (const subnet of d.subnets) {
      const zone = isRef(subnet) ? estate.subnets.get(subnet.address) : undefined;
      if (typeof zone === 'string') zones.push({ zoneName: zone, subnetId: isRef(subnet) ? subnet.address : null });
      else {
        const what = typeof subnet === 'string' ? `subnet ${subnet} is not in the code` : isUnknown(subnet) ? subnet.reason : isUnknown(zone) ? zone.reason : 'the subnet is not in the code';
        estate.unknown(d.origin.address, 'Subnets', `the availability zone is not known: ${what}`, ZONE_FACTS);
      }
    }
    const lb: LoadBalancer = { ...d.record, arn, availabilityZones: zones, listeners: [], targetGroups: [], observed: lbObserved(false) };
    const entry = { lb, origin: d.origin, external: false };
    lbs.set(d.origin.address, entry);
    if (lb.type === 'classic') classicByName.set(lb.name, entry);
    origins.set(arn, d.origin);
    bind(d.origin.address, arn);
    skipped(d.origin, 'DescribeTargetHealth', `target health: ${NOT_FROM_CODE}`, [arn]);
    skipped(d.origin, 'probe', `what the load balancer serves: ${NOT_FROM_CODE} (audit it after deploy)`, [arn]);
  }
  const externalLb = (ref: unknown, draft: ListenerDraft): LbEntry => {
    const key = typeof ref === 'string' ? ref : isUnknown(ref) ? `unknown:${draft.origin.address}` : `ref:${String((ref as { address?: string })?.address)}`;
    const found = lbs.get(key);
    if (found) return found;
    const type: LoadBalancerType = ['TCP', 'TLS', 'UDP', 'TCP_UDP'].includes(draft.protocol) ? 'network' : 'application';
    const name = typeof ref === 'string' ? (ref.split('/')[2] ?? 'existing') : 'known-after-deploy';
    const arn = typeof ref === 'string' && ref.startsWith('arn:') ? ref : iacArns.loadBalancer(type, name, key, draft.origin.region, draft.origin.account);
    const lb: LoadBalancer = {
      arn, name, type, account: draft.origin.account, region: draft.origin.region, scheme: 'internet-facing', dnsName: DNS_AFTER_DEPLOY, vpcId: null,
      availabilityZones: [], securityGroups: [], attributes: {}, tags: {}, listeners: [], classicPolicies: [], backendServers: [], registeredInstances: [], targetGroups: [], createdAt: null,
      observed: lbObserved(true),
    };
    const entry = { lb, origin: draft.origin, external: true };
    lbs.set(key, entry);
    externalLoadBalancers.add(arn);
    skipped(draft.origin, 'LoadBalancer', `the load balancer ${typeof ref === 'string' ? ref : ''} is not in the code; only its listener is judged`.replace('  ', ' '), [arn]);
    return entry;
  };
  const lbFor = (ref: unknown, draft: ListenerDraft): LbEntry => {
    if (isRef(ref)) return lbs.get(ref.address) ?? externalLb(ref, draft);
    if (typeof ref === 'string') return classicByName.get(ref) ?? [...lbs.values()].find((e) => e.lb.arn === ref) ?? externalLb(ref, draft);
    return externalLb(ref, draft);
  };

  // Target groups, certificates, trust stores.
  const tgs = new Map<string, TargetGroup>();
  for (const d of estate.targetGroups) {
    const tg: TargetGroup = { ...d.record, arn: iacArns.targetGroup(d.record.name, d.origin.address, d.origin.region, d.origin.account), observed: { targets: FROM_DEPLOY, attributes: OBSERVED } };
    tgs.set(d.origin.address, tg);
    origins.set(tg.arn, d.origin);
  }
  const certificates: CertificateRecord[] = [];
  const certArn = new Map<string, string>();
  for (const d of estate.certificates) {
    const arn = iacArns.certificate(d.source, d.name, d.origin.address, d.origin.region, d.origin.account);
    certArn.set(d.origin.address, arn);
    origins.set(arn, d.origin);
    bind(d.origin.address, arn);
    if (d.record) certificates.push({ ...d.record, arn, observed: { metadata: OBSERVED, body: OBSERVED } });
    else skipped(d.origin, 'GetCertificate', `the certificate is issued by ACM at deploy; its body is ${NOT_FROM_CODE}`, [arn]);
  }
  const trustStores: TrustStoreRecord[] = [];
  const trustArn = new Map<string, string>();
  for (const d of estate.trustStores) {
    const arn = iacArns.trustStore(d.record.name, d.origin.address, d.origin.region, d.origin.account);
    const revocations = estate.revocations.filter((r) => isRef(r.trustStore) && r.trustStore.address === d.origin.address).length;
    trustStores.push({ ...d.record, arn, revocationCount: revocations });
    trustArn.set(d.origin.address, arn);
    origins.set(arn, d.origin);
  }

  const certificateArnOf = (ref: unknown, origin: Origin): string => {
    if (isRef(ref)) return certArn.get(ref.address) ?? iacArns.unknownCertificate(`${origin.address}|${ref.address}`);
    if (typeof ref === 'string') {
      if (!certificates.some((c) => c.arn === ref)) skipped(origin, 'GetCertificate', `certificate ${ref} is referenced by ARN; its body is ${NOT_FROM_CODE} (not judged before deploy)`, [ref]);
      return ref;
    }
    estate.unknown(origin.address, 'Certificates', isUnknown(ref) ? ref.reason : 'a certificate known only after deploy');
    return iacArns.unknownCertificate(origin.address);
  };
  const actionsOf = (drafts: ActionDraft[], lb: LoadBalancer, origin: Origin): ListenerAction[] => drafts.map((a) => ({
    type: a.type,
    targetGroupArns: a.targetGroups.flatMap((ref) => {
      const tg = isRef(ref) ? tgs.get(ref.address) : undefined;
      if (tg) {
        if (!lb.targetGroups.includes(tg)) lb.targetGroups.push(tg);
        return [tg.arn];
      }
      if (typeof ref === 'string') return [ref];
      estate.unknown(origin.address, 'DefaultActions', isUnknown(ref) ? ref.reason : 'a target group known only after deploy', ['backend']);
      return [];
    }),
    redirect: a.redirect,
  }));

  // Listeners.
  const listeners = new Map<string, { listener: Listener; lb: LbEntry }>();
  for (const d of estate.listeners) {
    const entry = lbFor(d.loadBalancer, d);
    const lb = entry.lb;
    const arn = iacArns.listener(lb.arn, lb.type, d.port, d.origin.address);
    const unknownPolicy = estate.unknowns.some((u) => u.address === d.origin.address && u.property === 'SslPolicy');
    let sslPolicy = d.sslPolicy;
    if (lb.type !== 'classic' && TLS_FRONT.has(d.protocol) && sslPolicy === null && !unknownPolicy) {
      sslPolicy = ELBV2_DEFAULT_SSL_POLICY;
      defaulted.set(arn, `no SslPolicy/ssl_policy is set, so the API default ${ELBV2_DEFAULT_SSL_POLICY} applies`);
    }
    const mutual = d.mutualAuthentication;
    const listener: Listener = {
      arn, port: d.port, protocol: d.protocol, instanceProtocol: d.instanceProtocol, instancePort: d.instancePort,
      policyNames: [...d.policyNames], sslPolicy,
      certificates: d.certificates.map((c) => ({ arn: certificateArnOf(c.ref, d.origin), isDefault: c.isDefault })),
      defaultActions: actionsOf(d.defaultActions, lb, d.origin), rules: [], alpnPolicy: d.alpnPolicy,
      mutualAuthentication: mutual
        ? {
            mode: mutual.mode, ignoreClientCertificateExpiry: mutual.ignoreClientCertificateExpiry, advertiseTrustStoreCaNames: mutual.advertiseTrustStoreCaNames,
            trustStoreArn: mutual.trustStore === null ? null : isRef(mutual.trustStore) ? (trustArn.get(mutual.trustStore.address) ?? null) : typeof mutual.trustStore === 'string' ? mutual.trustStore : null,
          }
        : null,
      observed: listenerObserved,
    };
    lb.listeners.push(listener);
    listeners.set(d.origin.address, { listener, lb: entry });
    origins.set(arn, d.origin);
    bind(d.origin.address, arn);
  }
  const listenerFor = (ref: unknown, origin: Origin, what: string) => {
    const found = isRef(ref) ? listeners.get(ref.address) : [...listeners.values()].find((l) => l.listener.arn === ref);
    if (!found) skipped(origin, what, `the listener ${typeof ref === 'string' ? ref : ''} is not in the code, so this ${what} is not judged`.replace('  ', ' '), []);
    return found;
  };
  for (const r of estate.rules) {
    const target = listenerFor(r.listener, r.origin, 'listener rule');
    if (target) target.listener.rules.push({ arn: `${target.listener.arn}/rule/${r.priority}`, priority: r.priority, conditions: r.conditions, actions: actionsOf(r.actions, target.lb.lb, r.origin) });
  }
  for (const c of estate.listenerCertificates) {
    const target = listenerFor(c.listener, c.origin, 'listener certificate');
    if (target) for (const ref of c.certificates) target.listener.certificates.push({ arn: certificateArnOf(ref, c.origin), isDefault: false });
  }

  // Classic policies and their attachment to listener and instance ports.
  const classicEntry = (ref: unknown) => (isRef(ref) ? lbs.get(ref.address) : typeof ref === 'string' ? classicByName.get(ref) : undefined);
  for (const p of estate.classicPolicies) {
    const entry = classicEntry(p.loadBalancer);
    if (entry) entry.lb.classicPolicies.push(p.policy);
    else skipped(p.origin, 'DescribeLoadBalancerPolicies', `policy ${p.policy.name} belongs to a load balancer that is not in the code`, []);
  }
  for (const a of estate.classicAttachments) {
    const entry = classicEntry(a.loadBalancer);
    if (!entry) continue;
    if (a.side === 'listener') {
      for (const l of entry.lb.listeners.filter((x) => x.port === a.port)) l.policyNames = [...new Set([...l.policyNames, ...a.policyNames])];
    } else {
      const backend = entry.lb.backendServers.find((b) => b.instancePort === a.port);
      if (backend) backend.policyNames = [...new Set([...backend.policyNames, ...a.policyNames])];
      else entry.lb.backendServers.push({ instancePort: a.port, policyNames: [...a.policyNames] });
    }
  }
  for (const { lb } of lbs.values()) if (lb.type === 'classic') applyClassicDefault(lb, defaulted);

  // What the code leaves unknown: error attempts and the facts they blank.
  const unknownFacts = new Map<string, Map<string, UnknownFact>>();
  const lbByArn = new Map([...lbs.values()].map((e) => [e.lb.arn, e.lb]));
  for (const u of estate.unknowns) {
    const why = `not judged before deploy: ${u.address} ${u.property}: ${u.reason}`;
    const blank = (arn: string, facts: readonly string[]) => {
      const map = unknownFacts.get(arn) ?? new Map<string, UnknownFact>();
      for (const f of facts) if (!map.has(f)) map.set(f, { reason: why, property: u.property });
      unknownFacts.set(arn, map);
    };
    const covers: string[] = [];
    for (const arn of arnOfAddress.get(u.address) ?? []) {
      covers.push(arn);
      const lb = lbByArn.get(arn);
      if (!lb) {
        blank(arn, u.facts);
        continue;
      }
      // An inline Classic listener's unknown is recorded on its load balancer: it blanks that listener's facts.
      blank(arn, u.facts.filter((f) => !LISTENER_FACTS.has(f)));
      const onListeners = u.facts.filter((f) => LISTENER_FACTS.has(f));
      if (onListeners.length > 0) for (const l of lb.listeners) {
        blank(l.arn, onListeners);
        covers.push(l.arn);
      }
    }
    // A target group's unknown changes the back end of every listener forwarding to it.
    const tg = tgs.get(u.address);
    if (tg) for (const { listener } of listeners.values()) if ([...listener.defaultActions, ...listener.rules.flatMap((r) => r.actions)].some((a) => a.targetGroupArns.includes(tg.arn))) {
      covers.push(listener.arn);
      blank(listener.arn, ['backend']);
    }
    const origin = estate.origins.get(u.address);
    record({
      service: 'iac', account: origin?.account ?? 'unknown', region: origin?.region ?? 'unknown', operation: u.property, status: 'error',
      reason: `not judged before deploy: ${u.address} ${u.property}: ${u.reason}`, covers: covers.length > 0 ? covers : [u.address],
    });
  }

  const hsmClusters = buildHsmClusters(estate, origins, unknownFacts, defaulted, skipped);

  const all = [...lbs.values()].filter((e) => !e.external || e.lb.listeners.length > 0).map((e) => e.lb);
  const snapshot: Snapshot = buildSnapshot(
    {
      capturedAt,
      generator: { name: 'elb-tls-audit iac', version: TOOL_VERSION },
      scope: { accounts: [...new Set(all.map((l) => l.account))].sort(), regions: [...new Set(all.map((l) => l.region))].sort() },
    },
    { loadBalancers: all, certificates, trustStores, hsmClusters, attempts },
  );
  return { snapshot, origins, unknownFacts, externalLoadBalancers, defaulted };
}

/**
 * CloudHSM clusters as the code declares them, judged as they will be once in service (state ACTIVE, each
 * declared HSM active): HSM count and zones come from the code; backups, health and the web servers that use
 * the cluster are facts no code states (skipped), and an HSM zone the code leaves to deploy is not judged.
 */
function buildHsmClusters(
  estate: IacEstate, origins: Map<string, Origin>, unknownFacts: Map<string, Map<string, UnknownFact>>, defaulted: Map<string, string>,
  skipped: (origin: Origin, operation: string, reason: string, covers: string[]) => void,
): HsmCluster[] {
  const zoneOf = (zone: unknown): string | null => (typeof zone === 'string' && zone !== '' ? zone : null);
  const subnetZone = (subnet: unknown): string | null => {
    const zone = isRef(subnet) ? estate.subnets.get(subnet.address) : undefined;
    return typeof zone === 'string' ? zone : null;
  };
  const clusters: HsmCluster[] = [];
  const byAddress = new Map<string, HsmCluster>();
  for (const d of estate.hsmClusters) {
    const clusterId = `${d.origin.address.split(/[./]/).pop() ?? 'cluster'}-iac${addressHash(d.origin.address)}`;
    const subnetMapping: Record<string, string> = {};
    for (const subnet of d.subnets) {
      const zone = subnetZone(subnet);
      if (zone !== null) subnetMapping[zone] = isRef(subnet) ? subnet.address : String(subnet);
    }
    const cluster: HsmCluster = {
      clusterId, account: d.origin.account, region: d.origin.region, state: 'ACTIVE', hsmType: d.hsmType, vpcId: null, securityGroup: null,
      subnetMapping, hsms: [], backups: [], observed: { backups: { status: 'skipped', reason: `the cluster's backups are ${NOT_FROM_CODE}` } },
    };
    const arn = hsmClusterArn(cluster);
    const facts = new Map<string, UnknownFact>();
    const notFromCode = (fact: string, reason: string, property: string) => facts.set(fact, { reason, property, status: 'skipped' });
    notFromCode('degraded', `the health of the cluster and its HSMs is ${NOT_FROM_CODE}`, 'HsmType');
    for (const f of ['clientInstanceZones', 'clientZonesWithoutHsm', 'clientVpcMismatch']) notFromCode(f, `the web servers that use the cluster are ${NOT_FROM_CODE}`, 'SubnetIds');
    if (!d.declaresHsms) {
      const why = 'AWS::CloudHSM::Cluster declares no HSMs: CloudFormation has no HSM resource, they are added with CreateHsm after deploy (audit it after deploy)';
      for (const f of ['activeHsmCount', 'activeHsmZones']) notFromCode(f, why, 'HsmType');
      skipped(d.origin, 'CreateHsm', why, [arn]);
    }
    skipped(d.origin, 'DescribeBackups', `the cluster's backups are ${NOT_FROM_CODE}`, [arn]);
    unknownFacts.set(arn, facts);
    defaulted.set(arn, 'judged as the cluster will be once initialised and in service (state ACTIVE, every HSM in the code active)');
    origins.set(arn, d.origin);
    clusters.push(cluster);
    byAddress.set(d.origin.address, cluster);
  }
  for (const h of estate.hsms) {
    const cluster = isRef(h.cluster) ? byAddress.get(h.cluster.address) : clusters.find((c) => c.clusterId === h.cluster);
    if (!cluster) {
      skipped(h.origin, 'DescribeClusters', `the HSM's cluster ${typeof h.cluster === 'string' ? `${h.cluster} ` : ''}is not in the code, so the HSM is not judged`, []);
      continue;
    }
    const zone = zoneOf(h.zone) ?? subnetZone(h.subnet);
    if (zone === null) {
      const facts = unknownFacts.get(hsmClusterArn(cluster))!;
      const what = isUnknown(h.zone) && !h.subnet ? h.zone.reason : isUnknown(h.subnet) ? h.subnet.reason : typeof h.subnet === 'string' ? `subnet ${h.subnet} is not in the code` : 'the subnet is not in the code';
      facts.set('activeHsmZones', { reason: `not judged before deploy: ${h.origin.address}: the HSM's availability zone is not known: ${what}`, property: 'availability_zone' });
    }
    cluster.hsms.push({ hsmId: `hsm-iac${addressHash(h.origin.address)}`, availabilityZone: zone ?? 'known-after-deploy', subnetId: isRef(h.subnet) ? h.subnet.address : typeof h.subnet === 'string' ? h.subnet : null, state: 'ACTIVE', eniIp: null });
  }
  for (const c of clusters) c.hsms.sort((a, b) => compareCodePoints(a.hsmId, b.hsmId));
  return clusters;
}

/** A Classic HTTPS/SSL listener with no SSL negotiation policy gets the default predefined one. */
function applyClassicDefault(lb: LoadBalancer, defaulted: Map<string, string>): void {
  const negotiation = new Set(lb.classicPolicies.filter((p: ClassicPolicy) => p.type === 'SSLNegotiationPolicyType').map((p) => p.name));
  for (const l of lb.listeners) {
    if (!TLS_FRONT.has(l.protocol)) continue;
    if (l.policyNames.some((n) => negotiation.has(n) || /^ELB(Security|Sample)/.test(n))) continue;
    l.policyNames = [...l.policyNames, CLASSIC_DEFAULT_SSL_POLICY];
    defaulted.set(l.arn, `no SSL negotiation policy is attached, so the default ${CLASSIC_DEFAULT_SSL_POLICY} applies`);
  }
}
