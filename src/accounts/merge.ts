/** Merges per-account snapshots into one, so one audit judges (and one report shows) the whole estate. */
import { SNAPSHOT_SCHEMA_VERSION, type Attempt, type Snapshot } from '../model/snapshot.ts';
import { compareCodePoints } from '../text/order.ts';

/** One snapshot of every account; `extraAttempts` records accounts that could not be read at all. */
export function mergeSnapshots(snapshots: readonly Snapshot[], options: { capturedAt: string; generator: Snapshot['generator']; accounts: readonly string[]; regions: readonly string[]; extraAttempts?: readonly Attempt[] }): Snapshot {
  const all = <T>(pick: (s: Snapshot) => readonly T[]): T[] => snapshots.flatMap((s) => [...pick(s)]);
  const byKey = <T>(items: T[], key: (item: T) => string): T[] => [...new Map(items.map((i) => [key(i), i])).values()];
  const accounts = new Set([...options.accounts, ...snapshots.flatMap((s) => s.scope.accounts)]);
  accounts.delete('unknown');
  const regions = new Set([...options.regions, ...snapshots.flatMap((s) => s.scope.regions)]);
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    generator: options.generator,
    capturedAt: options.capturedAt,
    scope: { accounts: [...accounts].sort(), regions: [...regions].sort() },
    loadBalancers: all((s) => s.loadBalancers).sort((a, b) => compareCodePoints(a.region, b.region) || compareCodePoints(a.arn, b.arn)),
    certificates: byKey(all((s) => s.certificates), (c) => c.arn).sort((a, b) => compareCodePoints(a.arn, b.arn)),
    hsmClusters: all((s) => s.hsmClusters).sort((a, b) => compareCodePoints(a.account, b.account) || compareCodePoints(a.clusterId, b.clusterId)),
    instances: all((s) => s.instances).sort((a, b) => compareCodePoints(a.account, b.account) || compareCodePoints(a.instanceId, b.instanceId)),
    // Predefined policies are the same in every account: one copy per region and name.
    sslPolicies: byKey(all((s) => s.sslPolicies), (p) => `${p.region}|${p.name}`),
    classicPredefinedPolicies: byKey(all((s) => s.classicPredefinedPolicies), (p) => p.name).sort((a, b) => compareCodePoints(a.name, b.name)),
    trustStores: all((s) => s.trustStores).sort((a, b) => compareCodePoints(a.arn, b.arn)),
    observations: all((s) => s.observations),
    attempts: [...all((s) => s.attempts), ...(options.extraAttempts ?? [])],
  };
}

/** The attempt that records an account the audit could not enter or read (fail closed: it makes the run incomplete). */
export function accountFailure(account: string, region: string, operation: string, error: unknown, service = 'sts'): Attempt {
  const e = error as { name?: string; message?: string };
  const reason = [e?.name, e?.message].filter((s) => typeof s === 'string' && s !== '').join(': ') || String(error);
  return { service, account, region, operation, status: 'error', reason, covers: [] };
}
