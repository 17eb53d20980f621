/** enrich: Snapshot -> one facts object per subject, in a stable order. Pure; no I/O. */
import type { FactsBySubject, ListenerFacts, ResolvedPolicy } from '../model/facts.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { certificateFacts, privateCaAnchors } from './certificate.ts';
import { endpointFacts } from './endpoint.ts';
import { securityGroupIndex } from './exposure.ts';
import { hsmClusterFacts } from './hsm-cluster.ts';
import { buildListenerContext, listenerFacts } from './listener.ts';
import { loadBalancerFacts } from './load-balancer.ts';
import { buildPolicyCatalogue } from './policy.ts';
import { sortByArn } from '../text/order.ts';

export interface EnrichOptions {
  /** The instant expiry windows are judged at; defaults to the snapshot's capture time (deterministic). */
  asOf: string;
  /** Extra trust anchors (private CAs) as PEM. */
  trustAnchorsPem: string[];
  /** Extra host names certificates must cover, per certificate ARN. */
  hostnames: Map<string, string[]>;
}

/** Tag listing the names clients use (CNAMEs, aliases): on a load balancer, its default certificates must cover them; on a certificate, it must. */
export const HOSTNAMES_TAG = 'elb-tls-audit:hostnames';

/**
 * Which listeners serve each certificate (from the listener facts, in ARN order, so each certificate's list
 * arrives ordered), and which names each must cover (tag names plus --hostnames, in snapshot order).
 */
function certificateUsage(snapshot: Snapshot, listeners: readonly ListenerFacts[], extra: Map<string, string[]>) {
  const usedBy = new Map<string, { listenerArn: string; loadBalancerType: string }[]>();
  for (const listener of listeners) {
    for (const arn of listener.certificateArns) {
      let users = usedBy.get(arn);
      if (!users) usedBy.set(arn, (users = []));
      // A listener's facts always name its load balancer's type (null is for subjects without one).
      users.push({ listenerArn: listener.arn, loadBalancerType: listener.loadBalancerType! });
    }
  }
  const hostnames = new Map<string, string[]>(extra);
  for (const lb of snapshot.loadBalancers) {
    const tag = lb.tags[HOSTNAMES_TAG];
    if (tag === undefined) continue;
    const tagged = tag.split(/[\s,]+/).filter(Boolean);
    if (tagged.length === 0) continue;
    for (const listener of lb.listeners) {
      for (const cert of listener.certificates) {
        if (cert.isDefault) hostnames.set(cert.arn, [...new Set([...(hostnames.get(cert.arn) ?? []), ...tagged])]);
      }
    }
  }
  // The same tag on an ACM or IAM certificate names what that certificate must cover wherever it is served.
  for (const cert of snapshot.certificates) {
    const tagged = (cert.tags[HOSTNAMES_TAG] ?? '').split(/[\s,]+/).filter(Boolean);
    if (tagged.length > 0) hostnames.set(cert.arn, [...new Set([...(hostnames.get(cert.arn) ?? []), ...tagged])]);
  }
  return { usedBy, hostnames, usageUnseen: usageUnseen(snapshot) };
}

/** Where a certificate's use cannot be known: an account and region (and IAM, global) with a listener or SNI list not seen. */
function usageUnseen(snapshot: Snapshot): Map<string, string> {
  const unseen = new Map<string, string>();
  for (const lb of snapshot.loadBalancers) {
    const gap = lb.observed.listeners.status !== 'ok'
      ? `the listeners of ${lb.name} could not be read`
      : lb.listeners.some((l) => l.observed.certificates.status !== 'ok') ? `an SNI certificate list of ${lb.name} could not be read` : null;
    if (gap === null) continue;
    for (const scope of [`${lb.account}|${lb.region}`, `${lb.account}|global`]) if (!unseen.has(scope)) unseen.set(scope, `whether a listener uses it is unknown: ${gap}`);
  }
  return unseen;
}

/**
 * Listener facts in ARN order without comparing tens of thousands of long ARNs with each other: the listeners
 * of one load balancer share their ARN up to its last part, so each load balancer's few are ordered, then the
 * load balancers by that shared part (in snapshot order they are already in a few ordered runs). sortByArn
 * then only checks the result, and sorts it whole should some ARN not follow that pattern.
 */
function listenersInArnOrder(snapshot: Snapshot, context: ReturnType<typeof buildListenerContext>): ListenerFacts[] {
  const groups = snapshot.loadBalancers.map((lb) => {
    const facts = lb.listeners.map((l) => listenerFacts(lb, l, context));
    // A load balancer has a few listeners: insertion in place, without sort's work array per load balancer.
    for (let i = 1; i < facts.length; i++) {
      const item = facts[i]!;
      let j = i;
      for (; j > 0 && facts[j - 1]!.arn > item.arn; j--) facts[j] = facts[j - 1]!;
      facts[j] = item;
    }
    const first = facts.length > 0 ? facts[0]!.arn : '';
    return { key: first.slice(0, first.lastIndexOf('/') + 1), facts };
  });
  groups.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const out: ListenerFacts[] = [];
  for (const group of groups) for (const facts of group.facts) out.push(facts);
  return sortByArn(out);
}

/** Derives the facts every rule reads (asynchronous: certification paths are validated with WebCrypto). */
export async function enrich(snapshot: Snapshot, options: EnrichOptions): Promise<FactsBySubject> {
  const catalogue = buildPolicyCatalogue(snapshot);
  const context = buildListenerContext(snapshot, catalogue, options.asOf);
  const instances = new Map(snapshot.instances.map((i) => [i.instanceId, i]));
  const groups = securityGroupIndex(snapshot.securityGroups, snapshot.attempts);
  const listeners = listenersInArnOrder(snapshot, context);
  // Only endpoints (probe observations) look policies up by listener.
  const policies = new Map<string, ResolvedPolicy | null>(snapshot.observations.length === 0 ? [] : listeners.map((l) => [l.arn, l.policy]));
  const usage = certificateUsage(snapshot, listeners, options.hostnames);
  const privateCaAnchorsPem = privateCaAnchors(snapshot.privateCas);
  const [certificates, endpoints] = await Promise.all([
    certificateFacts(snapshot, { asOf: options.asOf, trustAnchorsPem: options.trustAnchorsPem, privateCaAnchorsPem, ...usage }),
    endpointFacts(snapshot, policies, { asOf: options.asOf, trustAnchorsPem: options.trustAnchorsPem, privateCaAnchorsPem }),
  ]);
  return {
    listener: listeners,
    loadBalancer: sortByArn(snapshot.loadBalancers.map((lb) => loadBalancerFacts(lb, instances, groups))),
    certificate: sortByArn(certificates),
    hsmCluster: sortByArn(snapshot.hsmClusters.map((c) => hsmClusterFacts(c, snapshot.instances))),
    endpoint: sortByArn(endpoints),
  };
}
