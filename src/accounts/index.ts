/**
 * Many accounts: --accounts ID,.. or --organization, each entered with STS AssumeRole into the same role
 * name, a bounded number at a time. An account that cannot be entered or read does not stop the others;
 * it is recorded as a failed attempt, so the audit is incomplete (fail closed) and says which account.
 */
import { collectSnapshot, sdkClientFactory, type CollectOptions, type SdkClientSettings } from '../collect/index.ts';
import pMap from 'p-map';
import { AuditError } from '../model/errors.ts';
import type { Attempt, Snapshot } from '../model/snapshot.ts';
import { TOOL_VERSION } from '../version.ts';
import { assumeAuditRole } from './assume.ts';
import { accountFailure, mergeSnapshots } from './merge.ts';
import { listOrganizationAccounts } from './organization.ts';
import { compareCodePoints } from '../text/order.ts';

export { accountFailure, mergeSnapshots } from './merge.ts';
export { assumeAuditRole, partitionOf, roleArn } from './assume.ts';
export { listOrganizationAccounts } from './organization.ts';

export interface AccountsCollectOptions {
  /** Account ids, or 'organization' for every ACTIVE account Organizations lists. */
  accounts: string[] | 'organization';
  /** Role assumed in every account (name, or path/name). */
  roleName: string;
  externalId?: string;
  /** Accounts collected at once (each account also bounds its own calls). */
  accountConcurrency?: number;
  /** Per-account collection settings; clients are built per account from the assumed credentials. */
  collect: Omit<CollectOptions, 'clients'>;
  /** Caller endpoint and credentials (default: the SDK chain); member clients share the endpoint. */
  settings?: SdkClientSettings;
  sessionName?: string;
}

export const DEFAULT_ACCOUNT_CONCURRENCY = 4;

/** Parses an --accounts list: 12-digit ids, comma or whitespace separated, deduplicated and sorted. */
export function parseAccountIds(value: string, where = '--accounts'): string[] {
  const ids = value.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  for (const id of ids) if (!/^\d{12}$/.test(id)) throw new AuditError('BAD_USAGE', `"${id}" is not a 12-digit AWS account id`, where);
  if (ids.length === 0) throw new AuditError('BAD_USAGE', 'no account id given', where);
  return [...new Set(ids)].sort();
}

/** Parses an IAM role name (optionally with a path), as --assume-role takes it. */
export function parseRoleName(value: string, where = '--assume-role'): string {
  if (!/^[\w+=,.@/-]{1,512}$/.test(value) || value.startsWith('arn:')) throw new AuditError('BAD_USAGE', `"${value}" is not a role name (give the name, e.g. ElbTlsAuditRole, not an ARN)`, where);
  return value;
}

/** Collects every account into one snapshot; failures become error attempts, never exceptions. */
export async function collectAccounts(options: AccountsCollectOptions): Promise<Snapshot> {
  const settings = options.settings ?? {};
  const explicit = options.collect.regions === 'all' ? [] : options.collect.regions;
  const homeRegion = options.collect.homeRegion ?? process.env['AWS_REGION'] ?? explicit[0] ?? 'us-east-1';
  const capturedAt = (options.collect.now ?? (() => new Date()))().toISOString();
  const progress = options.collect.onProgress ?? (() => {});
  const failures: Attempt[] = [];

  let accounts: string[];
  if (options.accounts === 'organization') {
    try {
      accounts = await listOrganizationAccounts(settings, homeRegion);
      progress(`organizations: ${accounts.length} active accounts`);
    } catch (error) {
      accounts = [];
      failures.push(accountFailure('organization', homeRegion, 'ListAccounts', error, 'organizations'));
    }
  } else accounts = options.accounts;

  const sessionName = options.sessionName ?? 'elb-tls-audit';
  const snapshots = await pMap(accounts, async (account) => {
    let credentials: NonNullable<SdkClientSettings['credentials']>;
    try {
      credentials = await assumeAuditRole(settings, {
        account,
        roleName: options.roleName,
        sessionName,
        homeRegion,
        ...(options.externalId !== undefined ? { externalId: options.externalId } : {}),
      });
    } catch (error) {
      progress(`${account}: cannot assume ${options.roleName}`);
      failures.push(accountFailure(account, homeRegion, 'AssumeRole', error));
      return null;
    }
    const clients = sdkClientFactory({ ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}), credentials });
    const snapshot = await collectSnapshot({ ...options.collect, homeRegion, clients, onProgress: (line) => progress(`${account} ${line}`) });
    // An account whose STS identity could not be read still belongs to the account we entered.
    return stampAccount(snapshot, account);
  }, { concurrency: Math.max(1, options.accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY) });

  return mergeSnapshots(
    snapshots.filter((s): s is Snapshot => s !== null),
    {
      capturedAt,
      generator: { name: 'elb-tls-audit', version: TOOL_VERSION },
      accounts,
      regions: explicit,
      extraAttempts: failures.sort((a, b) => compareCodePoints(a.account, b.account)),
    },
  );
}

function stampAccount(snapshot: Snapshot, account: string): Snapshot {
  if (!snapshot.scope.accounts.includes('unknown')) return snapshot;
  return {
    ...snapshot,
    scope: { ...snapshot.scope, accounts: [account] },
    attempts: snapshot.attempts.map((a) => (a.account === 'unknown' ? { ...a, account } : a)),
  };
}
