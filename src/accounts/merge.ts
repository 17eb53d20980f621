/** Merges per-account snapshots into one, so one audit judges (and one report shows) the whole estate. */
import type { Attempt, Snapshot } from '../model/snapshot.ts';
import { SnapshotBuilder } from '../snapshot/builder.ts';

/** One snapshot of every account; `extraAttempts` records accounts that could not be read at all. */
export function mergeSnapshots(snapshots: readonly Snapshot[], options: { capturedAt: string; generator: Snapshot['generator']; accounts: readonly string[]; regions: readonly string[]; extraAttempts?: readonly Attempt[] }): Snapshot {
  const builder = new SnapshotBuilder({ capturedAt: options.capturedAt, generator: options.generator, scope: { accounts: [...options.accounts], regions: [...options.regions] } });
  for (const snapshot of snapshots) builder.addSnapshot(snapshot);
  return builder.add({ attempts: options.extraAttempts ?? [] }).build();
}

/** The attempt that records an account the audit could not enter or read (fail closed: it makes the run incomplete). */
export function accountFailure(account: string, region: string, operation: string, error: unknown, service = 'sts'): Attempt {
  const e = error as { name?: string; message?: string };
  const reason = [e?.name, e?.message].filter((s) => typeof s === 'string' && s !== '').join(': ') || String(error);
  return { service, account, region, operation, status: 'error', reason, covers: [] };
}
