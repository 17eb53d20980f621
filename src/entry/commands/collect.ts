/** `elb-tls-audit collect`: read the estate through the AWS SDK and save the Snapshot, for offline evaluation. */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { collectSnapshot, CollectionStopped } from '../../collect/index.ts';
import { checkFileTarget } from '../../io/targets.ts';
import { AuditError, EXIT } from '../../model/errors.ts';
import { writeSnapshot } from '../../snapshot/io.ts';
import { addApiBudgetFlag, apiBudgetOf } from '../api-budget-flag.ts';
import { addCommonFlags } from '../options.ts';
import { parseRegions } from '../parse.ts';
import { preflight } from '../preflight.ts';
import { createProgress } from '../progress.ts';
import { colorEnabled } from '../findings-table.ts';
import { addResumeFlags, defaultCheckpointFor, finishStopped, resumePlan, watchForStop, type ResumeFlags } from '../resume.ts';

interface CollectFlags extends ResumeFlags {
  regions?: string;
  profile?: string;
  allCertificates?: boolean;
  allowPartial?: boolean;
  quiet?: boolean;
  color?: boolean;
  out: string;
  concurrency: string;
  apiBudget?: string;
}

/**
 * Where the snapshot goes. --out means the same as for the report commands: a folder (the snapshot is
 * `snapshot.json` in it, as `demo` and `--snapshot-out` name it) or `-` for stdout; a path ending in .json is the file itself.
 */
export function snapshotTarget(out: string): string | '-' {
  if (out === '-') return '-';
  if (out.endsWith('.json')) return out;
  let isFile = false;
  try {
    isFile = statSync(out).isFile();
  } catch {
    // absent: a folder to create
  }
  return isFile ? out : join(out, 'snapshot.json');
}

/** Registers `collect`. */
export function registerCollectCommand(program: Command): void {
  addApiBudgetFlag(addResumeFlags(addCommonFlags(program
    .command('collect')
    .description('read load balancers, listeners, policies, certificates and CloudHSM placement into a snapshot file'))
    .option('--regions <list>', 'comma-separated regions, or "all" (default: AWS_REGION)')
    .option('--profile <name>', 'AWS credentials profile (same as AWS_PROFILE)')
    .option('--all-certificates', 'fetch body and chain of every certificate, not only those listeners use')
    .option('--allow-partial', 'exit 0 even when part of the estate could not be read')
    .option('--concurrency <n>', 'requests in flight per service and region', '8')
    .option('--out <path>', 'a folder (the snapshot is snapshot.json in it), a .json file, or - for stdout', 'reports/out')))
    .action(async (opts: CollectFlags, command: Command) => {
      const regions = parseRegions(opts.regions);
      const concurrency = Number(opts.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
        throw new AuditError('BAD_USAGE', `expected a whole number 1-64, got "${opts.concurrency}"`, '--concurrency');
      }
      const apiBudget = apiBudgetOf(opts.apiBudget);
      const target = snapshotTarget(opts.out);
      if (target !== '-') checkFileTarget(target, '--out');
      const plan = resumePlan(opts, defaultCheckpointFor(opts.out));
      if (opts.profile) process.env.AWS_PROFILE = opts.profile;
      const progress = createProgress({ quiet: opts.quiet === true, color: colorEnabled(process.stderr, opts.color) });
      progress('checking credentials (STS GetCallerIdentity)…');
      const caller = await preflight({ region: regions === 'all' ? (process.env['AWS_REGION'] ?? 'us-east-1') : regions[0]! });
      progress(`credentials of ${caller.arn} (account ${caller.account})`);
      if (plan.resumeFrom) progress(`resuming from ${plan.resumePath} (${plan.resumeFrom.entries.length} answers)`);
      const control = watchForStop(plan.deadlineMs);
      let snapshot;
      try {
        snapshot = await collectSnapshot({
          regions, allCertificates: opts.allCertificates === true, concurrency, apiBudget, onProgress: progress, stop: control.stop,
          ...(plan.resumeFrom ? { resumeFrom: plan.resumeFrom, resumeSource: plan.resumePath ?? '--resume' } : {}),
        });
      } catch (error) {
        if (!(error instanceof CollectionStopped)) throw error;
        progress.stop();
        control.dispose();
        process.exitCode = finishStopped(error, command, plan, control.reason());
        return;
      } finally {
        control.dispose();
      }
      progress.stop();
      if (target === '-') process.stdout.write(`${JSON.stringify(snapshot, null, 1)}\n`);
      else {
        try {
          writeSnapshot(target, snapshot, '--out');
        } catch (error) {
          if (error instanceof AuditError) throw error;
          throw new AuditError('IO', `cannot write the snapshot: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, target, { cause: error });
        }
        if (opts.quiet !== true) process.stderr.write(`wrote ${target}\n`);
      }
      const failed = snapshot.attempts.filter((a) => a.status === 'error');
      if (failed.length === 0) return;
      // Fail closed: the snapshot is written either way, but a partial read is not a clean result (errors print even with --quiet).
      for (const a of failed) {
        process.stderr.write(`incomplete: ${a.service} ${a.region} ${a.operation}: ${a.reason ?? 'failed'} (${a.covers.length} resources)\n`);
      }
      if (!opts.allowPartial) process.exitCode = EXIT.INCOMPLETE;
    });
}
