import type { Command } from 'commander';
import { audit, type AuditOptions } from '../../audit.ts';
import { accountsSource, addAccountFlags, type AccountFlags } from '../../accounts/flags.ts';
import { sdkClientFactory } from '../../collect/index.ts';
import { parseConnectTo } from '../../probe/connect-to.ts';
import { addApiBudgetFlag, apiBudgetOf } from '../api-budget-flag.ts';
import { configUsed } from '../config-file.ts';
import { addReportFlags, exportFindings, reportOptions, writeRunOutput, type ReportFlags } from '../options.ts';
import { preflight } from '../preflight.ts';
import { parseRegions } from '../parse.ts';

interface AuditFlags extends ReportFlags, AccountFlags {
  regions?: string;
  profile?: string;
  probe: boolean;
  connectTo: string[];
  allCertificates?: boolean;
  includeInternal?: boolean;
  vulnerabilityChecks: boolean;
  apiBudget?: string;
}

const collectList = (value: string, previous: string[]) => [...previous, value];

/** `audit`: check the credentials (preflight), collect a live estate, probe it, judge it and write the reports. */
export function registerAuditCommand(program: Command): void {
  addApiBudgetFlag(addAccountFlags(addReportFlags(program.command('audit').description('collect, probe, judge and report a live AWS estate'), 'reports/out')
    .option('--regions <list>', 'comma-separated regions, or all (default: AWS_REGION)')
    .option('--profile <name>', 'AWS credentials profile (same as AWS_PROFILE)')
    .option('--probe', 'probe live endpoints (default)', true)
    .option('--no-probe', 'judge configuration only')
    .option('--connect-to <HOST:PORT:HOST2:PORT2>', 'send probes for HOST:PORT to HOST2:PORT2 (curl semantics; repeatable)', collectList, [])
    .option('--all-certificates', 'fetch every certificate in full, not only those listeners use')
    .option('--include-internal', 'probe internal load balancers too (when reachable from here)')
    .option('--no-vulnerability-checks', 'skip the renegotiation, compression, fallback, Heartbleed, CCS and ROBOT checks')))
    .action(async (flags: AuditFlags, command: Command) => {
      const setup = reportOptions(flags, configUsed(command)?.path ?? null);
      // Checked even with --no-probe: a typo must not wait for the day the probe is switched on.
      for (const rule of flags.connectTo) parseConnectTo(rule);
      if (flags.profile) process.env.AWS_PROFILE = flags.profile;
      const regions = parseRegions(flags.regions);
      const collect = { regions, allCertificates: flags.allCertificates === true, apiBudget: apiBudgetOf(flags.apiBudget) };
      const source: AuditOptions['source'] = accountsSource(flags, collect) ?? { kind: 'aws', collect: { ...collect, clients: sdkClientFactory() } };
      const outcome = await audit({
        ...setup.options,
        // After every input is validated, before anything is collected.
        preflight: async () => {
          setup.options.onProgress('checking credentials (STS GetCallerIdentity)…');
          const caller = await preflight({ region: regions === 'all' ? (process.env['AWS_REGION'] ?? 'us-east-1') : regions[0]! });
          setup.options.onProgress(`credentials of ${caller.arn} (account ${caller.account})`);
        },
        source,
        probe: flags.probe ? { connectTo: flags.connectTo, includeInternal: flags.includeInternal === true, vulnerabilities: flags.vulnerabilityChecks } : false,
      });
      writeRunOutput(setup, outcome);
      await exportFindings(setup, outcome);
      process.exitCode = outcome.exitCode;
    });
}
