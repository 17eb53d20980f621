/** Probe attempts for the snapshot: every probe is on record, and so is every TLS listener deliberately not probed. */
import type { Attempt, ProbeObservation, Snapshot } from '../model/snapshot.ts';
import { servesTls, type PlanOptions } from './plan.ts';

/** One attempt per observation, plus a skipped attempt per TLS listener of an internal load balancer the plan left out. */
export function probeAttempts(snapshot: Snapshot, observations: readonly ProbeObservation[], plan: PlanOptions): Attempt[] {
  const byListener = new Map(snapshot.loadBalancers.flatMap((lb) => lb.listeners.map((l) => [l.arn, lb] as const)));
  const attempts: Attempt[] = observations.map((o) => {
    const lb = o.listenerArn ? byListener.get(o.listenerArn) : undefined;
    return {
      service: 'probe', account: lb?.account ?? 'unknown', region: lb?.region ?? 'unknown',
      operation: `TLS ${o.target.host}:${o.target.port}${o.target.sni ? ` (SNI ${o.target.sni})` : ''}`,
      status: o.status, reason: o.reason, covers: o.listenerArn ? [o.listenerArn] : [],
    };
  });
  if (!plan.includeInternal) {
    for (const lb of snapshot.loadBalancers.filter((l) => l.scheme === 'internal')) {
      for (const listener of lb.listeners) {
        if (!servesTls(listener, plan.tlsPorts)) continue;
        attempts.push({
          service: 'probe', account: lb.account, region: lb.region, operation: `TLS ${lb.dnsName}:${listener.port}`, status: 'skipped',
          reason: 'internal load balancer: not probed (use --include-internal where it is reachable)', covers: [listener.arn],
        });
      }
    }
  }
  return attempts;
}
