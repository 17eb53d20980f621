/** enrich: Snapshot -> one facts object per subject, in a stable order. Pure; no I/O. */
import type { FactsBySubject, ResolvedPolicy } from '../model/facts.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { hsmClusterFacts } from './hsm-cluster.ts';
import { buildListenerContext, listenerFacts } from './listener.ts';
import { loadBalancerFacts } from './load-balancer.ts';
import { buildPolicyCatalogue } from './policy.ts';

export interface EnrichOptions {
  /** The instant expiry windows are judged at; defaults to the snapshot's capture time (deterministic). */
  asOf: string;
  /** Extra trust anchors (private CAs) as PEM. */
  trustAnchorsPem: string[];
  /** Extra host names certificates must cover, per certificate ARN. */
  hostnames: Map<string, string[]>;
}

const byArn = (a: { arn: string }, b: { arn: string }) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0);

/** Derives the facts every rule reads. */
export function enrich(snapshot: Snapshot, options: EnrichOptions): FactsBySubject {
  const catalogue = buildPolicyCatalogue(snapshot);
  const context = buildListenerContext(snapshot, catalogue);
  const instances = new Map(snapshot.instances.map((i) => [i.instanceId, i]));
  const listeners = snapshot.loadBalancers.flatMap((lb) => lb.listeners.map((l) => listenerFacts(lb, l, context)));
  const policies = new Map<string, ResolvedPolicy | null>(listeners.map((l) => [l.arn, l.policy]));
  void policies;
  return {
    listener: listeners.sort(byArn),
    loadBalancer: snapshot.loadBalancers.map((lb) => loadBalancerFacts(lb, instances)).sort(byArn),
    certificate: [],
    hsmCluster: snapshot.hsmClusters.map((c) => hsmClusterFacts(c, snapshot.instances)).sort(byArn),
    endpoint: [],
  };
}
