import type { Command } from 'commander';
import { audit } from '../../audit.ts';
import { blankUnknownFacts, IAC_SARIF_CATEGORY, iacLocator, loadInfrastructure, parseParameters } from '../../iac/index.ts';
import { resolveLive } from '../../iac/live.ts';
import { AuditError } from '../../model/errors.ts';
import { configUsed } from '../config-file.ts';
import { addReportFlags, reportOptions, writeRunOutput, type ReportFlags } from '../options.ts';
import { preflight } from '../preflight.ts';

interface IacFlags extends ReportFlags {
  parameter: string[];
  account?: string;
  region?: string;
  sourceRoot: string;
  resolveLive?: boolean;
}

const collectList = (value: string, previous: string[]) => [...previous, value];

/** `iac PATH...`: judge CloudFormation/SAM templates, CDK assemblies and Terraform plans before they are deployed. */
export function registerIacCommand(program: Command): void {
  const command = addReportFlags(program.command('iac').description('judge infrastructure as code (CloudFormation/SAM, CDK cdk.out, Terraform plan JSON + .tf) before deploy'), 'reports/out/iac')
    .argument('<paths...>', 'templates, cdk.out folders, plan JSON files, .tf files or folders')
    .option('--parameter <Name=Value>', 'CloudFormation parameter value (repeatable; wins over Default)', collectList, [])
    .option('--account <id>', 'account id for AWS::AccountId and ARNs (default: from the CDK environment, else unknown)')
    .option('--region <name>', 'region for AWS::Region (default: the CDK environment or the Terraform provider, else unknown)')
    .option('--source-root <dir>', 'SARIF file paths are relative to this folder (the repository root)', '.')
    .option('--resolve-live', 'look up what the code only refers to (certificates by ARN, existing load balancers, SSL policies) in the account, with the standard AWS credentials');
  command.action(async (paths: string[], flags: IacFlags, self: Command) => {
    const setup = reportOptions(flags, configUsed(self)?.path ?? null);
    const options = setup.options;
    if (flags.account !== undefined && !/^\d{12}$/.test(flags.account)) throw new AuditError('BAD_USAGE', `"${flags.account}" is not a 12-digit account id`, '--account');
    const capturedAt = flags.asOf ?? new Date().toISOString();
    let iac = await loadInfrastructure({
      paths, parameters: parseParameters(flags.parameter), account: flags.account ?? null, region: flags.region ?? null,
      sourceRoot: flags.sourceRoot, capturedAt,
    });
    if (flags.resolveLive === true) {
      const regions = flags.region !== undefined ? [flags.region] : process.env['AWS_REGION'] ? [process.env['AWS_REGION']] : [];
      // The same preflight as audit: broken credentials stop here, in seconds, not as a gap per lookup.
      if (regions.length > 0) await preflight({ region: regions[0]! });
      iac = await resolveLive(iac, { regions, ...(flags.quiet === true ? {} : { onProgress: options.onProgress }) });
    }
    // Notes stay on screen: the live line (if any) is ended before they are written.
    options.onProgress.stop();
    for (const note of iac.notes) if (flags.quiet !== true) process.stderr.write(`elb-tls-audit iac: ${note}\n`);
    const outcome = await audit({
      ...options,
      sarifCategory: command.getOptionValueSource('sarifCategory') === 'default' ? IAC_SARIF_CATEGORY : flags.sarifCategory,
      source: { kind: 'snapshot', snapshot: iac.snapshot },
      probe: false,
      refineFacts: (facts) => blankUnknownFacts(facts, iac),
      locate: iacLocator(iac.origins, iac.defaulted, iac.unknownFacts),
    });
    writeRunOutput(setup, outcome);
    process.exitCode = outcome.exitCode;
  });
}
