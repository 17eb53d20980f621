import type { Command } from 'commander';
import { audit } from '../../audit.ts';
import { readSnapshot } from '../../snapshot/io.ts';
import { configUsed } from '../config-file.ts';
import { addReportFlags, exportFindings, reportOptions, writeRunOutput, type ReportFlags } from '../options.ts';

/** `evaluate --snapshot FILE`: judge a saved snapshot offline. */
export function registerEvaluateCommand(program: Command): void {
  addReportFlags(program.command('evaluate').description('judge a saved snapshot offline and write the reports'), 'reports/out')
    .requiredOption('--snapshot <file>', 'snapshot JSON written by collect or --snapshot-out')
    .action(async (flags: ReportFlags & { snapshot: string }, command: Command) => {
      const setup = reportOptions(flags, configUsed(command)?.path ?? null);
      const snapshot = readSnapshot(flags.snapshot);
      const outcome = await audit({ ...setup.options, source: { kind: 'snapshot', snapshot }, probe: false });
      writeRunOutput(setup, outcome);
      await exportFindings(setup, outcome);
      process.exitCode = outcome.exitCode;
    });
}
