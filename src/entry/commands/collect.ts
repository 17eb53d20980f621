/** `elb-tls-audit collect`: read the estate through the AWS SDK and save the Snapshot, for offline evaluation. */
import type { Command } from 'commander';
import { collectSnapshot } from '../../collect/index.ts';
import { AuditError, EXIT } from '../../model/errors.ts';
import { writeSnapshot } from '../../snapshot/io.ts';
import { parseRegions } from '../parse.ts';

interface CollectFlags {
  regions?: string;
  allCertificates?: boolean;
  allowPartial?: boolean;
  quiet?: boolean;
  out: string;
  concurrency: string;
}

/** Registers `collect`. */
export function registerCollectCommand(program: Command): void {
  program
    .command('collect')
    .description('read load balancers, listeners, policies, certificates and CloudHSM placement into a snapshot file')
    .option('--regions <list>', 'comma-separated regions, or "all" (default: AWS_REGION)')
    .option('--all-certificates', 'fetch body and chain of every certificate, not only those listeners use')
    .option('--allow-partial', 'exit 0 even when part of the estate could not be read')
    .option('--quiet', 'no progress on stderr')
    .option('--concurrency <n>', 'requests in flight per service and region', '8')
    .requiredOption('--out <file>', 'where to write the snapshot JSON')
    .action(async (opts: CollectFlags) => {
      const regions = parseRegions(opts.regions);
      const concurrency = Number(opts.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
        throw new AuditError('BAD_USAGE', `expected a whole number 1-64, got "${opts.concurrency}"`, '--concurrency');
      }
      const showProgress = !opts.quiet && process.stderr.isTTY === true;
      const snapshot = await collectSnapshot({
        regions,
        allCertificates: opts.allCertificates === true,
        concurrency,
        ...(showProgress ? { onProgress: (line: string) => process.stderr.write(`${line}\n`) } : {}),
      });
      try {
        writeSnapshot(opts.out, snapshot);
      } catch (error) {
        throw new AuditError('IO', `cannot write the snapshot: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, opts.out, { cause: error });
      }
      const failed = snapshot.attempts.filter((a) => a.status === 'error');
      if (failed.length === 0) return;
      // Fail closed: the snapshot is written either way, but a partial read is not a clean result.
      if (!opts.quiet || !opts.allowPartial) {
        for (const a of failed) {
          process.stderr.write(`incomplete: ${a.service} ${a.region} ${a.operation}: ${a.reason ?? 'failed'} (${a.covers.length} resources)\n`);
        }
      }
      if (!opts.allowPartial) process.exitCode = EXIT.INCOMPLETE;
    });
}
