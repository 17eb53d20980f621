import type { Command } from 'commander';
import { audit, type AuditOptions } from '../../audit.ts';
import { accountsSource, addAccountFlags, type AccountFlags } from '../../accounts/flags.ts';
import { sdkClientFactory } from '../../collect/index.ts';
import { AuditError } from '../../model/errors.ts';
import { addReportFlags, exportFindings, printSummary, reportOptions, type ReportFlags } from '../options.ts';

interface AuditFlags extends ReportFlags, AccountFlags {
  regions?: string;
  profile?: string;
  probe: boolean;
  connectTo: string[];
  allCertificates?: boolean;
  includeInternal?: boolean;
}

/** Parses --regions: a comma list or `all`; default AWS_REGION. */
export function parseRegions(value: string | undefined): string[] | 'all' {
  const raw = value ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!raw) throw new AuditError('BAD_USAGE', 'no region: pass --regions eu-west-1,us-east-1 (or all) or set AWS_REGION', '--regions');
  if (raw === 'all') return 'all';
  const regions = raw.split(',').map((r) => r.trim()).filter(Boolean);
  for (const r of regions) if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(r)) throw new AuditError('BAD_USAGE', `"${r}" is not a region name`, '--regions');
  return regions;
}

const collectList = (value: string, previous: string[]) => [...previous, value];

/** `audit`: collect a live estate, probe it, judge it and write the reports. */
export function registerAuditCommand(program: Command): void {
  addAccountFlags(addReportFlags(program.command('audit').description('collect, probe, judge and report a live AWS estate'), 'reports/out')
    .option('--regions <list>', 'comma-separated regions, or all (default: AWS_REGION)')
    .option('--profile <name>', 'AWS credentials profile (same as AWS_PROFILE)')
    .option('--probe', 'probe live endpoints (default)', true)
    .option('--no-probe', 'judge configuration only')
    .option('--connect-to <HOST:PORT:HOST2:PORT2>', 'send probes for HOST:PORT to HOST2:PORT2 (curl semantics; repeatable)', collectList, [])
    .option('--all-certificates', 'fetch every certificate in full, not only those listeners use')
    .option('--include-internal', 'probe internal load balancers too (when reachable from here)'))
    .action(async (flags: AuditFlags) => {
      const options = reportOptions(flags);
      if (flags.profile) process.env.AWS_PROFILE = flags.profile;
      const regions = parseRegions(flags.regions);
      const collect = { regions, allCertificates: flags.allCertificates === true };
      const source: AuditOptions['source'] = accountsSource(flags, collect) ?? { kind: 'aws', collect: { ...collect, clients: sdkClientFactory() } };
      const outcome = await audit({
        ...options,
        source,
        probe: flags.probe ? { connectTo: flags.connectTo, includeInternal: flags.includeInternal === true } : false,
      });
      printSummary(outcome.result, outcome.files, outcome.exitCode);
      await exportFindings(flags, outcome);
      process.exitCode = outcome.exitCode;
    });
}
