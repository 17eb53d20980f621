import type { Command } from 'commander';
import { audit } from '../../audit.ts';
import { readSnapshot } from '../../snapshot/io.ts';
import { addReportFlags, printSummary, reportOptions, type ReportFlags } from '../options.ts';

/** `evaluate --snapshot FILE`: judge a saved snapshot offline. */
export function registerEvaluateCommand(program: Command): void {
  addReportFlags(program.command('evaluate').description('judge a saved snapshot offline and write the reports'), 'reports/out')
    .requiredOption('--snapshot <file>', 'snapshot JSON written by collect or --snapshot-out')
    .action(async (flags: ReportFlags & { snapshot: string }) => {
      const options = reportOptions(flags);
      const snapshot = readSnapshot(flags.snapshot);
      const outcome = await audit({ ...options, source: { kind: 'snapshot', snapshot }, probe: false });
      printSummary(outcome.result, outcome.files);
      process.exitCode = outcome.exitCode;
    });
}
