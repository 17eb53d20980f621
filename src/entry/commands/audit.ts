import type { Command } from 'commander';
import { audit, type AuditOptions, type AuditOutcome } from '../../audit.ts';
import { accountsSource, addAccountFlags, type AccountFlags } from '../../accounts/flags.ts';
import { CollectionStopped, sdkClientFactory } from '../../collect/index.ts';
import { AuditError } from '../../model/errors.ts';
import { parseConnectTo } from '../../probe/connect-to.ts';
import { addApiBudgetFlag, apiBudgetOf } from '../api-budget-flag.ts';
import { configUsed } from '../config-file.ts';
import { addReportFlags, exportFindings, reportOptions, writeRunOutput, type ReportFlags } from '../options.ts';
import { preflight } from '../preflight.ts';
import { stopAllProgress } from '../progress.ts';
import { parseRegions } from '../parse.ts';
import { addResumeFlags, defaultCheckpointFor, finishStopped, resumePlan, watchForStop, type ResumeFlags, type StopControl } from '../resume.ts';

interface AuditFlags extends ReportFlags, AccountFlags, ResumeFlags {
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
  addApiBudgetFlag(addResumeFlags(addAccountFlags(addReportFlags(program.command('audit').description('collect, probe, judge and report a live AWS estate'), 'reports/out')
    .option('--regions <list>', 'comma-separated regions, or all (default: AWS_REGION)')
    .option('--profile <name>', 'AWS credentials profile (same as AWS_PROFILE)')
    .option('--probe', 'probe live endpoints (default)', true)
    .option('--no-probe', 'judge configuration only')
    .option('--connect-to <HOST:PORT:HOST2:PORT2>', 'send probes for HOST:PORT to HOST2:PORT2 (curl semantics; repeatable)', collectList, [])
    .option('--all-certificates', 'fetch every certificate in full, not only those listeners use')
    .option('--include-internal', 'probe internal load balancers too (when reachable from here)')
    .option('--no-vulnerability-checks', 'skip the renegotiation, compression, fallback, Heartbleed, CCS and ROBOT checks'))))
    .action(async (flags: AuditFlags, command: Command) => {
      const setup = reportOptions(flags, configUsed(command)?.path ?? null);
      // Checked even with --no-probe: a typo must not wait for the day the probe is switched on.
      for (const rule of flags.connectTo) parseConnectTo(rule);
      if (flags.profile) process.env.AWS_PROFILE = flags.profile;
      const regions = parseRegions(flags.regions);
      const collect = { regions, allCertificates: flags.allCertificates === true, apiBudget: apiBudgetOf(flags.apiBudget) };
      const accounts = accountsSource(flags, collect);
      const resumable = flags.checkpoint !== undefined || flags.resume !== undefined || flags.deadline !== undefined;
      if (accounts && resumable) {
        throw new AuditError('BAD_USAGE', 'a checkpoint holds one account: --checkpoint, --resume and --deadline work without --accounts/--organization (the Lambda state machine resumes per account)', flags.resume !== undefined ? '--resume' : flags.deadline !== undefined ? '--deadline' : '--checkpoint');
      }
      const plan = accounts ? null : resumePlan(flags, defaultCheckpointFor(flags.out));
      // Ctrl-C, SIGTERM and --deadline ask the collection to stop only while it runs: from preflight to afterCollect.
      const watch: { control: StopControl | null } = { control: null };
      const source: AuditOptions['source'] = accounts ?? {
        kind: 'aws',
        collect: {
          ...collect,
          clients: sdkClientFactory(),
          stop: () => watch.control?.stop() ?? false,
          ...(plan?.resumeFrom ? { resumeFrom: plan.resumeFrom, resumeSource: plan.resumePath ?? '--resume' } : {}),
        },
      };
      let outcome: AuditOutcome;
      try {
        outcome = await audit({
          ...setup.options,
          // After every input is validated, before anything is collected.
          preflight: async () => {
            setup.options.onProgress('checking credentials (STS GetCallerIdentity)…');
            const caller = await preflight({ region: regions === 'all' ? (process.env['AWS_REGION'] ?? 'us-east-1') : regions[0]! });
            setup.options.onProgress(`credentials of ${caller.arn} (account ${caller.account})`);
            if (plan?.resumeFrom) setup.options.onProgress(`resuming from ${plan.resumePath} (${plan.resumeFrom.entries.length} answers)`);
            if (plan) watch.control = watchForStop(plan.deadlineMs);
          },
          afterCollect: () => watch.control?.dispose(),
          source,
          probe: flags.probe ? { connectTo: flags.connectTo, includeInternal: flags.includeInternal === true, vulnerabilities: flags.vulnerabilityChecks } : false,
        });
      } catch (error) {
        if (!(error instanceof CollectionStopped) || plan === null) throw error;
        stopAllProgress();
        process.exitCode = finishStopped(error, command, plan, watch.control?.reason() ?? null);
        return;
      } finally {
        watch.control?.dispose();
      }
      writeRunOutput(setup, outcome);
      await exportFindings(setup, outcome);
      process.exitCode = outcome.exitCode;
    });
}
