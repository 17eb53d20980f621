import type { Command } from 'commander';
import { audit } from '../../audit.ts';
import { startDemoEndpoints } from '../../demo/endpoints.ts';
import { demoSnapshot, demoTrustAnchors, withDemoCollectionGap } from '../../demo/estate.ts';
import { configUsed } from '../config-file.ts';
import { addReportFlags, exportFindings, reportOptions, writeRunOutput, type ReportFlags } from '../options.ts';

// The gate flags: given any of them, the demo exits as the gate would, instead of 0.
const GATE_FLAGS = ['failOn', 'allowPartial', 'failOnEmpty', 'baseline'] as const;

/** `demo`: the full audit of the embedded demo estate, probing local stand-ins of its endpoints. */
export function registerDemoCommand(program: Command): void {
  addReportFlags(program.command('demo').description('audit the embedded demo estate (probing local stand-ins of its endpoints) and write every report; exits 0 unless a gate flag (--fail-on, --allow-partial, --fail-on-empty, --baseline) is given'), 'reports/out/demo')
    .option('--no-probe', 'judge the demo configuration only')
    .action(async (flags: ReportFlags & { probe: boolean }, command: Command) => {
      const setup = reportOptions(flags, configUsed(command)?.path ?? null);
      const gated = GATE_FLAGS.some((name) => { const source = command.getOptionValueSource(name); return source !== undefined && source !== 'default'; });
      // Fail closed, shown: one simulated AccessDenied (and, when probing, one dead endpoint) make the run incomplete.
      const snapshot = withDemoCollectionGap(demoSnapshot());
      const endpoints = flags.probe ? await startDemoEndpoints(snapshot) : null;
      try {
        const outcome = await audit({
          ...setup.options,
          ...(setup.target.kind === 'folder' ? { snapshotOut: flags.snapshotOut ?? `${setup.target.dir}/snapshot.json` } : {}),
          trustAnchorsPem: demoTrustAnchors(),
          source: { kind: 'snapshot', snapshot },
          probe: endpoints ? { connectTo: endpoints.connectTo, timeoutMs: 3000 } : false,
        });
        writeRunOutput(setup, outcome, gated ? 'exit' : 'as a gate (--fail-on) this estate would exit');
        await exportFindings(setup, outcome);
        if (gated) process.exitCode = outcome.exitCode;
        else if (flags.quiet !== true) process.stderr.write('the demo estate is built to fail: its findings are the point, so the demo itself exits 0 (give --fail-on to gate on it)\n');
      } finally {
        await endpoints?.stop();
      }
    });
}
