/** Option parsing shared by the audit, evaluate and demo commands: flags -> AuditOptions pieces. */
import { Option, type Command } from 'commander';
import type { AuditOptions, AuditOutcome } from '../audit.ts';
import { AuditError } from '../model/errors.ts';
import type { AuditResult } from '../model/finding.ts';
import { loadPreviousRun } from '../report/changes.ts';
import { KNOWN_FORMATS } from '../report/index.ts';
import { describeSecurityHubReport, importToSecurityHub } from '../securityhub/index.ts';
import type { ReportFormat } from '../report/reporter.ts';
import { parseFailOn } from './parse.ts';
import { escapeTerminal } from '../text/escape-terminal.ts';

export interface ReportFlags {
  rulesProfile: string;
  format: string;
  out: string;
  failOn: string;
  waivers?: string;
  baseline?: string;
  snapshotOut?: string;
  allowPartial?: boolean;
  failOnEmpty?: boolean;
  trustStore?: string;
  asOf?: string;
  strictWaivers?: boolean;
  quiet?: boolean;
  sarifCategory: string;
  previous?: string;
  securityHub?: boolean;
  securityHubRegion?: string;
}

/** Adds the report and gate flags every auditing command shares. */
export function addReportFlags(command: Command, defaultOut: string): Command {
  return command
    .option('--rules-profile <name>', 'rules profile (default, aws-fsbp, nist-800-52r2, pci-dss-4.0, mozilla-intermediate, mozilla-modern, fips) or a profile file', 'default')
    .option('--format <list>', 'reports to write: sarif,html,json,md,asff,ocsf,csv', 'sarif,html,json,md')
    .option('--out <dir>', 'folder for the reports', defaultOut)
    .option('--fail-on <severity>', 'exit 1 when a finding at or above this severity fails (critical|high|medium|low|info|none)', 'high')
    .option('--waivers <file>', 'waivers JSON: {"waivers":[{"rule","resource","reason","expires"}]}')
    .option('--strict-waivers', 'a waiver that matches no rule or no resource is an error (exit 2), not a warning')
    .option('--baseline <file>', 'a previous findings.json or results.sarif: fail only on findings not in it (same identity as the SARIF fingerprint)')
    .option('--snapshot-out <file>', 'also save the snapshot for offline re-evaluation')
    .option('--allow-partial', 'exit by findings even when part of the estate could not be seen')
    .option('--fail-on-empty', 'exit 1 when the scope was read completely and holds no load balancer')
    .option('--trust-store <pem>', 'extra trust anchors (private CAs), PEM bundle')
    .option('--as-of <iso-date>', 'judge expiry as of this instant (default: the snapshot time)')
    .option('--sarif-category <id>', 'SARIF automationDetails category', 'elb-tls-audit')
    .addOption(new Option('--quiet', 'no progress on stderr'))
    .option('--previous <file>', "a previous run's findings.json: findings.json gets `changes`, the HTML report a trend")
    .option('--security-hub', "import the findings into the credentials' Security Hub (ASFF) and archive those fixed since")
    .option('--security-hub-region <region>', 'the hub to import into (default: AWS_REGION)');
}

/** Parses --format. */
export function parseFormats(value: string): ReportFormat[] {
  const known = KNOWN_FORMATS;
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const f of list) if (!known.includes(f as ReportFormat)) throw new AuditError('BAD_USAGE', `unknown format "${f}" (${known.join(', ')})`, '--format');
  if (list.length === 0) throw new AuditError('BAD_USAGE', 'no format given', '--format');
  return list as ReportFormat[];
}

/** Validates a SARIF automationDetails category (CLI and Action alike): letters, digits, '.', '_', '-' and '/'. */
export function parseSarifCategory(value: string, where: string): string {
  if (!/^[\w./-]+$/.test(value)) throw new AuditError('BAD_USAGE', `"${value}" may only hold letters, digits, '.', '_', '-' and '/'`, where);
  return value;
}

/** Turns shared flags into the report/gate part of AuditOptions. */
export function reportOptions(flags: ReportFlags): Omit<AuditOptions, 'source' | 'probe'> {
  parseSarifCategory(flags.sarifCategory, '--sarif-category');
  return {
    profile: flags.rulesProfile,
    out: { dir: flags.out, formats: parseFormats(flags.format) },
    failOn: parseFailOn(flags.failOn),
    allowPartial: flags.allowPartial === true,
    failOnEmpty: flags.failOnEmpty === true,
    sarifCategory: flags.sarifCategory,
    ...(flags.waivers !== undefined ? { waiversPath: flags.waivers } : {}),
    ...(flags.baseline !== undefined ? { baselinePath: flags.baseline } : {}),
    ...(flags.snapshotOut !== undefined ? { snapshotOut: flags.snapshotOut } : {}),
    ...(flags.trustStore !== undefined ? { trustStorePath: flags.trustStore } : {}),
    ...(flags.asOf !== undefined ? { asOf: flags.asOf } : {}),
    ...(flags.strictWaivers === true ? { strictWaivers: true } : {}),
    ...(flags.previous !== undefined ? { previous: loadPreviousRun(flags.previous) } : {}),
    onProgress: progressWriter(flags.quiet === true),
  };
}

/** Progress goes to stderr when it is a terminal, never with --quiet. */
export function progressWriter(quiet: boolean): (line: string) => void {
  return quiet || !process.stderr.isTTY ? () => {} : (line) => process.stderr.write(`${line}\n`);
}

/** The short summary printed after an audit: the verdict first, in the words every other output uses. */
export function printSummary(result: AuditResult, files: readonly string[], exitLabel = 'exit'): void {
  const s = result.summary;
  const v = result.verdict;
  const sev = Object.entries(s.bySeverity).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
  const lines = [
    `elb-tls-audit ${result.version} · profile ${result.profile} · ${result.complete ? 'complete' : 'INCOMPLETE (part of the estate could not be seen)'}`,
    `  ${v.headline}`,
    ...v.unseen.causes.map((c) => `    ${c}`),
    ...(v.emptyScopes.length > 0 ? [`  held nothing: ${v.emptyScopes.map((e) => `${e.account}/${e.region}`).join(', ')}`] : []),
    `  ${s.resources.loadBalancers} load balancers, ${s.resources.listeners} listeners, ${s.resources.certificates} certificates, ${s.resources.hsmClusters} HSM clusters, ${s.resources.endpoints} endpoints probed`,
    `  findings: ${s.byStatus.fail} fail, ${s.byStatus.error} error, ${s.byStatus.waived} waived, ${s.byStatus.pass} pass, ${s.byStatus.not_applicable} n/a`,
    `  failing by severity: ${sev}`,
    ...(result.warnings ?? []).map((w) => `  warning: ${w}`),
    ...(files.length > 0 ? ['  reports:', ...files.map((f) => `    ${f}`)] : []),
    `  ${exitLabel} ${v.exitCode}`,
  ];
  process.stdout.write(`${lines.map(escapeTerminal).join('\n')}\n`);
}

/** After the reports: --security-hub imports the run (refusals are printed; a hub that cannot be reached throws). */
export async function exportFindings(flags: ReportFlags, outcome: AuditOutcome): Promise<void> {
  if (flags.securityHub !== true) return;
  const region = flags.securityHubRegion ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
  if (!region) throw new AuditError('BAD_USAGE', 'no region for Security Hub: pass --security-hub-region or set AWS_REGION', '--security-hub');
  const report = await importToSecurityHub(outcome.result, outcome.rules, region);
  const [head, ...rest] = describeSecurityHubReport(report);
  process.stdout.write(`  ${head}\n`);
  for (const line of rest) process.stderr.write(`${line}\n`);
}
