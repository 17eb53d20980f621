/** `--api-budget FRACTION`: the share of AWS's published request budgets a live collection may use (ADR 0016). */
import type { Command } from 'commander';
import { DEFAULT_API_BUDGET, parseApiBudget } from '../collect/index.ts';
import { AuditError } from '../model/errors.ts';

/** Adds --api-budget to a command that collects from AWS. */
export function addApiBudgetFlag(command: Command): Command {
  return command.option(
    '--api-budget <fraction>',
    `share of each published AWS API request budget (per account, region and API category) to use, 0-1 or a percentage (default ${DEFAULT_API_BUDGET}); the rest is left to the account's own automation`,
  );
}

/** The validated --api-budget (default DEFAULT_API_BUDGET); a bad value is a usage error naming the flag. */
export function apiBudgetOf(value: string | number | undefined): number {
  if (value === undefined) return DEFAULT_API_BUDGET;
  const fraction = parseApiBudget(String(value));
  if (fraction === null) throw new AuditError('BAD_USAGE', `expected a fraction greater than 0 and at most 1 (e.g. 0.5 or 50%), got "${value}"`, '--api-budget');
  return fraction;
}
