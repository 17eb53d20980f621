import type { Command } from 'commander';
import { audit } from '../../audit.ts';
import { startDemoEndpoints } from '../../demo/endpoints.ts';
import { demoSnapshot, demoTrustAnchors, withDemoCollectionGap } from '../../demo/estate.ts';
import { addReportFlags, printSummary, reportOptions, type ReportFlags } from '../options.ts';

/** `demo`: the full audit of the embedded demo estate, probing local stand-ins of its endpoints; exits 0 when the audit itself worked. */
export function registerDemoCommand(program: Command): void {
  addReportFlags(program.command('demo').description('audit the embedded demo estate (probing local stand-ins of its endpoints) and write every report'), 'reports/out/demo')
    .option('--no-probe', 'judge the demo configuration only')
    .action(async (flags: ReportFlags & { probe: boolean }) => {
      const options = reportOptions(flags);
      // Fail closed, shown: one simulated AccessDenied (and, when probing, one dead endpoint) make the run incomplete.
      const snapshot = withDemoCollectionGap(demoSnapshot());
      const endpoints = flags.probe ? await startDemoEndpoints(snapshot) : null;
      try {
        const outcome = await audit({
          ...options,
          snapshotOut: flags.snapshotOut ?? `${flags.out}/snapshot.json`,
          trustAnchorsPem: demoTrustAnchors(),
          source: { kind: 'snapshot', snapshot },
          probe: endpoints ? { connectTo: endpoints.connectTo, timeoutMs: 3000 } : false,
        });
        printSummary(outcome.result, outcome.files, 'as a gate (--fail-on) this estate would exit');
        process.stdout.write('  the demo estate is built to fail: its findings are the point, so the demo itself exits 0\n');
      } finally {
        await endpoints?.stop();
      }
    });
}
