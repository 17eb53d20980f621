/**
 * The distributed (Step Functions) run: one stored snapshot per account, merged into one estate. A bad or
 * missing account snapshot, or an unreadable account list, is a collection gap of that account, never a
 * reason to lose the others' report.
 */
import type { Attempt, Snapshot } from '../model/snapshot.ts';
import { validateSnapshot } from '../snapshot/io.ts';
import { accountFailure, mergeSnapshots } from './merge.ts';

/** Where the per-account snapshots of a run are, and how to read one. */
export interface StoredRun {
  /** The account list as stored by the list step (parsed JSON), or the error reading it. */
  accountList: unknown;
  /** Account id -> where its snapshot is (for messages); only accounts whose snapshot exists. */
  stored: ReadonlyMap<string, string>;
  /** Reads one stored snapshot's text. */
  read: (account: string) => Promise<string>;
}

const ACCOUNT_ID = /^\d{12}$/;

/** The accounts a run expected, and a gap when the list itself could not be read. */
function expectedAccounts(run: StoredRun, region: string): { accounts: string[]; gap: Attempt | null } {
  const list = run.accountList;
  if (Array.isArray(list) && list.every((a) => typeof a === 'string' && ACCOUNT_ID.test(a))) return { accounts: [...new Set(list as string[])].sort(), gap: null };
  const why = list instanceof Error ? list.message : 'accounts.json is not a JSON array of 12-digit account ids';
  // Without the list, every account whose snapshot was stored is still judged; accounts the list named but never stored are unknown.
  return { accounts: [...run.stored.keys()].sort(), gap: accountFailure('organization', region, 'ReadAccountList', new Error(why), 'stepfunctions') };
}

/** Reads and merges every account's snapshot; each failure becomes that account's gap. */
export async function mergeStoredRun(run: StoredRun, options: { capturedAt: string; generator: Snapshot['generator']; regions: readonly string[]; homeRegion: string }): Promise<Snapshot> {
  const { accounts, gap } = expectedAccounts(run, options.homeRegion);
  const snapshots: Snapshot[] = [];
  const gaps: Attempt[] = gap ? [gap] : [];
  for (const account of accounts) {
    const where = run.stored.get(account);
    if (where === undefined) {
      gaps.push(accountFailure(account, options.homeRegion, 'CollectAccount', new Error('the map iteration for this account failed or timed out; no snapshot was stored'), 'stepfunctions'));
      continue;
    }
    try {
      const text = await run.read(account);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new Error(`${where}: not valid JSON (${(error as Error).message})`);
      }
      snapshots.push(validateSnapshot(parsed, where));
    } catch (error) {
      gaps.push(accountFailure(account, options.homeRegion, 'ReadAccountSnapshot', error, 'stepfunctions'));
    }
  }
  return mergeSnapshots(snapshots, { ...options, accounts, extraAttempts: gaps });
}
