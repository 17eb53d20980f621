/** Listener facts: transport, redirects, backend protection and the resolved TLS policy. */
import type { ListenerFacts, ResolvedPolicy } from '../model/facts.ts';
import type { LoadBalancer, Listener, ListenerAction, ListenerProtocol, ProbeObservation, Snapshot, TargetGroup, TrustStoreRecord } from '../model/snapshot.ts';
import { classicPolicyNamed, resolveClassicPolicy, resolveElbv2Policy, type PolicyCatalogue } from './policy.ts';
import { NO_TRUST_STORE_FACTS, trustStoreFacts } from './trust-store.ts';
import { unknownFacts, type UnknownFactsCollector } from './unknown.ts';
import { sortedDistinct } from '../text/order.ts';

const TLS_FRONT: ReadonlySet<ListenerProtocol> = new Set(['HTTPS', 'SSL', 'TLS']);

/** HTTPS, SSL or TLS: the load balancer itself terminates TLS on this listener. */
export const terminatesTls = (protocol: ListenerProtocol): boolean => TLS_FRONT.has(protocol);
const ENCRYPTED_BACK: ReadonlySet<ListenerProtocol> = new Set(['HTTPS', 'SSL', 'TLS', 'QUIC', 'TCP_QUIC']);
const CLEARTEXT_FRONT: ReadonlySet<ListenerProtocol> = new Set(['HTTP', 'TCP', 'UDP', 'TCP_UDP']);

/** Per-snapshot lookups listener facts need. */
export interface ListenerContext {
  catalogue: PolicyCatalogue;
  trustStores: Map<string, TrustStoreRecord>;
  observationsByListener: Map<string, ProbeObservation[]>;
  /** The instant trust-store CAs and CRLs are judged at. */
  asOf: string;
}

/** Builds the lookups once per snapshot. */
export function buildListenerContext(snapshot: Snapshot, catalogue: PolicyCatalogue, asOf: string = snapshot.capturedAt): ListenerContext {
  const observationsByListener = new Map<string, ProbeObservation[]>();
  for (const o of snapshot.observations) {
    if (!o.listenerArn) continue;
    const list = observationsByListener.get(o.listenerArn) ?? [];
    list.push(o);
    observationsByListener.set(o.listenerArn, list);
  }
  return {
    catalogue,
    trustStores: new Map(snapshot.trustStores.map((t) => [t.arn, t])),
    observationsByListener,
    asOf,
  };
}

function redirectsToHttps(action: ListenerAction): boolean {
  if (action.type === 'fixed-response') return true;
  return action.type === 'redirect' && (action.redirect?.protocol ?? '#{protocol}') === 'HTTPS';
}

/** The actions after any authentication all end in an HTTPS redirect or a fixed response. */
function endsInRedirect(actions: ListenerAction[]): boolean {
  return actions.every((a) => a.type.startsWith('authenticate') || redirectsToHttps(a));
}

/** Every path through an HTTP listener (default action and every rule) ends in an HTTPS redirect or a fixed response. */
function allPathsRedirect(listener: Listener): boolean {
  if (listener.defaultActions.length === 0) return false;
  return endsInRedirect(listener.defaultActions) && listener.rules.every((r) => endsInRedirect(r.actions));
}

function forwardedTargetGroupArns(listener: Listener): string[] {
  const arns: string[] = [];
  for (const action of listener.defaultActions) for (const arn of action.targetGroupArns) arns.push(arn);
  for (const rule of listener.rules) for (const action of rule.actions) for (const arn of action.targetGroupArns) arns.push(arn);
  return sortedDistinct(arns);
}

function backendFacts(lb: LoadBalancer, listener: Listener): ListenerFacts['backend'] {
  if (lb.type === 'classic') {
    const protocol = listener.instanceProtocol;
    const encrypted = protocol ? ENCRYPTED_BACK.has(protocol) : null;
    const backend = lb.backendServers.find((b) => b.instancePort === listener.instancePort);
    let publicKeyCount = 0;
    for (const name of backend?.policyNames ?? []) {
      const auth = classicPolicyNamed(lb, name);
      if (auth?.type !== 'BackendServerAuthenticationPolicyType') continue;
      for (const a of auth.attributes) if (a.name === 'PublicKeyPolicyName' && classicPolicyNamed(lb, a.value)?.type === 'PublicKeyPolicyType') publicKeyCount++;
    }
    return { protocol, port: listener.instancePort, encrypted, authenticated: publicKeyCount > 0, publicKeyCount, healthCheckProtocol: null, healthCheckEncrypted: null };
  }
  const groups: TargetGroup[] = [];
  for (const arn of forwardedTargetGroupArns(listener)) {
    const tg = lb.targetGroups.find((g) => g.arn === arn);
    if (tg !== undefined && tg.targetType !== 'lambda' && tg.protocol !== null) groups.push(tg);
  }
  if (groups.length === 0) {
    return { protocol: null, port: null, encrypted: null, authenticated: null, publicKeyCount: 0, healthCheckProtocol: null, healthCheckEncrypted: null };
  }
  // The weakest forwarded group decides: one plaintext target group is enough to expose traffic.
  const plaintext = groups.find((tg) => !ENCRYPTED_BACK.has(tg.protocol!));
  const shown = plaintext ?? groups[0]!;
  // ELB.21: a health check that is not HTTPS (HTTP or TCP) fails; an unknown protocol makes the verdict unknown.
  const weak = groups.find((tg) => tg.healthCheckProtocol !== null && tg.healthCheckProtocol.toUpperCase() !== 'HTTPS');
  const unknownCheck = weak === undefined && groups.some((tg) => tg.healthCheckProtocol === null);
  return {
    protocol: shown.protocol, port: shown.port, encrypted: plaintext === undefined, authenticated: null, publicKeyCount: 0,
    healthCheckProtocol: weak !== undefined ? weak.healthCheckProtocol!.toUpperCase() : unknownCheck ? null : 'HTTPS',
    healthCheckEncrypted: weak !== undefined ? false : unknownCheck ? null : true,
  };
}

/** Pass-through TLS is known only from what a probe saw on the listener. */
function observedTls(observations: ProbeObservation[] | undefined): boolean | null {
  const ok = observations?.filter((o) => o.status === 'ok') ?? [];
  if (ok.length === 0) return null;
  return ok.some((o) => Object.values(o.protocols).some((v) => v === true));
}

/** What this listener's facts rest on that was not seen: the SNI list, the rules, the target groups, Classic policies. */
function unseenParts(lb: LoadBalancer, listener: Listener, backend: ListenerFacts['backend'], unknown: UnknownFactsCollector): void {
  if (!unknown.from(listener.observed.certificates, 'the SNI certificate list (DescribeListenerCertificates)', 'sniCertificateCount') && listener.certificates.length === 0) {
    unknown.mark('certificateArns', listener.observed.certificates.status === 'skipped' ? 'skipped' : 'error', 'the listener names no default certificate and its certificate list could not be read');
  }
  // Rules decide where traffic goes (backend) and whether every path of an HTTP listener redirects.
  // A plaintext target group already seen settles backend encryption whatever the unseen rules add.
  const backendSettled = backend.encrypted === false;
  if (listener.observed.rules.status !== 'ok') {
    const ruleFacts = [...(backendSettled ? [] : ['backend']), ...(listener.protocol === 'HTTP' ? ['redirectsToHttps', 'acceptsCleartext'] : [])];
    unknown.from(listener.observed.rules, 'the listener rules (DescribeRules)', ...ruleFacts);
  }
  if (lb.type === 'classic') {
    unknown.from(lb.observed.classicPolicies, 'the load balancer policies (DescribeLoadBalancerPolicies)', 'policy', 'backend.authenticated', 'backend.publicKeyCount');
    return;
  }
  if (backendSettled) return;
  if (unknown.from(lb.observed.targetGroups, 'the target groups (DescribeTargetGroups)', 'backend')) {
    const forwarded = new Set(forwardedTargetGroupArns(listener));
    const missing = [...forwarded].filter((arn) => !lb.targetGroups.some((tg) => tg.arn === arn));
    if (missing.length > 0) unknown.mark('backend', 'error', `forwards to target group(s) not in the snapshot: ${missing.join(', ')}`);
  }
}

/** Facts for one listener. */
export function listenerFacts(lb: LoadBalancer, listener: Listener, context: ListenerContext): ListenerFacts {
  const unknown = unknownFacts();
  const backend = backendFacts(lb, listener);
  unseenParts(lb, listener, backend, unknown);
  const tls = terminatesTls(listener.protocol);
  let policy: ResolvedPolicy | null = null;
  if (tls) {
    policy = lb.type === 'classic'
      ? resolveClassicPolicy(lb, listener, context.catalogue)
      : resolveElbv2Policy(lb.region, listener.sslPolicy, context.catalogue);
  }
  const redirects = listener.protocol === 'HTTP' && lb.type !== 'classic' && allPathsRedirect(listener);
  // Most snapshots hold no probe observations: no look-up by a long ARN then.
  const observed = context.observationsByListener;
  const tlsPassthrough = listener.protocol === 'TCP' ? observedTls(observed.size === 0 ? undefined : observed.get(listener.arn)) : null;
  const mutual = listener.mutualAuthentication;
  const certificateArns: string[] = [];
  let sni = 0;
  for (const c of listener.certificates) {
    certificateArns.push(c.arn);
    if (!c.isDefault) sni++;
  }
  return {
    subject: 'listener',
    arn: listener.arn,
    name: `${lb.name}:${listener.port}`,
    account: lb.account,
    region: lb.region,
    loadBalancerArn: lb.arn,
    loadBalancerType: lb.type,
    scheme: lb.scheme,
    port: listener.port,
    protocol: listener.protocol,
    terminatesTls: tls,
    acceptsCleartext: CLEARTEXT_FRONT.has(listener.protocol) && !redirects && tlsPassthrough !== true,
    redirectsToHttps: redirects,
    tlsPassthrough,
    backend,
    policy,
    certificateArns,
    sniCertificateCount: sni,
    mtls: mutual
      ? {
          mode: mutual.mode,
          trustStoreArn: mutual.trustStoreArn,
          ignoreClientCertificateExpiry: mutual.ignoreClientCertificateExpiry,
          trustStoreRevocationCount: mutual.trustStoreArn ? (context.trustStores.get(mutual.trustStoreArn)?.revocationCount ?? null) : null,
          // Only a verify-mode listener checks client certificates against the store.
          ...(mutual.mode === 'verify' && mutual.trustStoreArn
            ? trustStoreFacts(context.trustStores.get(mutual.trustStoreArn), mutual.trustStoreArn, context.asOf, unknown)
            : NO_TRUST_STORE_FACTS),
        }
      : null,
    unknown: unknown.entries,
  };
}
