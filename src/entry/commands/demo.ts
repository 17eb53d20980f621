import type { Command } from 'commander';
import { audit } from '../../audit.ts';
import { demoSnapshot, demoTrustAnchors } from '../../demo/estate.ts';
import { addReportFlags, printSummary, reportOptions, type ReportFlags } from '../options.ts';

/** `demo`: the full audit of the embedded demo estate; exits 0 when the audit itself worked. */
export function registerDemoCommand(program: Command): void {
  addReportFlags(program.command('demo').description('audit the embedded demo estate and write every report'), 'reports/out/demo')
    .action(async (flags: ReportFlags) => {
      const options = reportOptions(flags);
      const outcome = await audit({ ...options, snapshotOut: flags.snapshotOut ?? `${flags.out}/snapshot.json`, trustAnchorsPem: demoTrustAnchors(), source: { kind: 'snapshot', snapshot: demoSnapshot() }, probe: false });
      printSummary(outcome.result, outcome.files, outcome.exitCode, 'as a gate (--fail-on) this estate would exit');
      process.stdout.write('  the demo estate is built to fail: its findings are the point, so the demo itself exits 0\n');
    });
}
