/** The multi-account flags of `audit` (--accounts / --organization with --assume-role) and their parsing. */
import type { Command } from 'commander';
import type { AuditOptions } from '../audit.ts';
import type { CollectOptions } from '../collect/index.ts';
import { AuditError } from '../model/errors.ts';
import { DEFAULT_ACCOUNT_CONCURRENCY, parseAccountIds, parseRoleName } from './index.ts';

export interface AccountFlags {
  accounts?: string;
  organization?: boolean;
  assumeRole?: string;
  externalId?: string;
  accountConcurrency?: string;
}

/** Adds --accounts, --organization, --assume-role, --external-id and --account-concurrency. */
export function addAccountFlags(command: Command): Command {
  return command
    .option('--accounts <ids>', 'audit these accounts (comma-separated 12-digit ids), entering each with --assume-role')
    .option('--organization', 'audit every ACTIVE account of the organisation (Organizations ListAccounts), with --assume-role')
    .option('--assume-role <name>', 'role name assumed in every account (STS AssumeRole)')
    .option('--external-id <id>', 'external id for the AssumeRole calls')
    .option('--account-concurrency <n>', `accounts collected at once (default ${DEFAULT_ACCOUNT_CONCURRENCY})`);
}

/** The accounts source for audit(), or null when neither --accounts nor --organization was given. */
export function accountsSource(flags: AccountFlags, collect: Omit<CollectOptions, 'clients'>): AuditOptions['source'] | null {
  if (flags.accounts !== undefined && flags.organization === true) throw new AuditError('BAD_USAGE', 'give --accounts or --organization, not both', '--accounts');
  if (flags.accounts === undefined && flags.organization !== true) {
    if (flags.assumeRole !== undefined) throw new AuditError('BAD_USAGE', '--assume-role needs --accounts or --organization', '--assume-role');
    return null;
  }
  if (flags.assumeRole === undefined) throw new AuditError('BAD_USAGE', 'multi-account audits need --assume-role NAME (the role to enter in every account)', '--assume-role');
  return {
    kind: 'accounts',
    accounts: {
      accounts: flags.organization === true ? 'organization' : parseAccountIds(flags.accounts ?? ''),
      roleName: parseRoleName(flags.assumeRole),
      ...(flags.externalId !== undefined ? { externalId: flags.externalId } : {}),
      accountConcurrency: parseConcurrency(flags.accountConcurrency),
      collect,
    },
  };
}

function parseConcurrency(value: string | undefined): number {
  if (value === undefined) return DEFAULT_ACCOUNT_CONCURRENCY;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new AuditError('BAD_USAGE', `"${value}" is not a number from 1 to 64`, '--account-concurrency');
  return n;
}
