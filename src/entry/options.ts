/** Option parsing shared by the audit, evaluate and demo commands: flags -> AuditOptions pieces. */
import { Option, type Command } from 'commander';
import type { AuditOptions } from '../audit.ts';
import { AuditError } from '../model/errors.ts';
import type { AuditResult } from '../model/finding.ts';
import type { ReportFormat } from '../report/reporter.ts';
import { parseFailOn } from './parse.ts';

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
  quiet?: boolean;
  sarifCategory: string;
}

/** Adds the report and gate flags every auditing command shares. */
export function addReportFlags(command: Command, defaultOut: string): Command {
  return command
    .option('--rules-profile <name>', 'rules profile (default, aws-fsbp, nist-800-52r2, pci-dss-4.0, mozilla-intermediate, mozilla-modern, fips) or a profile file', 'default')
    .option('--format <list>', 'reports to write: sarif,html,json,md', 'sarif,html,json,md')
    .option('--out <dir>', 'folder for the reports', defaultOut)
    .option('--fail-on <severity>', 'exit 1 when a finding at or above this severity fails (critical|high|medium|low|info|none)', 'high')
    .option('--waivers <file>', 'waivers JSON: {"waivers":[{"rule","resource","reason","expires"}]}')
    .option('--baseline <file>', 'a previous findings.json or results.sarif: fail only on findings not in it (same identity as the SARIF fingerprint)')
    .option('--snapshot-out <file>', 'also save the snapshot for offline re-evaluation')
    .option('--allow-partial', 'exit by findings even when part of the estate could not be seen')
    .option('--fail-on-empty', 'exit 1 when the scope was read completely and holds no load balancer')
    .option('--trust-store <pem>', 'extra trust anchors (private CAs), PEM bundle')
    .option('--as-of <iso-date>', 'judge expiry as of this instant (default: the snapshot time)')
    .option('--sarif-category <id>', 'SARIF automationDetails category', 'elb-tls-audit')
    .addOption(new Option('--quiet', 'no progress on stderr'));
}

/** Parses --format. */
export function parseFormats(value: string): ReportFormat[] {
  const known: ReportFormat[] = ['sarif', 'html', 'json', 'md'];
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const f of list) if (!known.includes(f as ReportFormat)) throw new AuditError('BAD_USAGE', `unknown format "${f}" (${known.join(', ')})`, '--format');
  if (list.length === 0) throw new AuditError('BAD_USAGE', 'no format given', '--format');
  return list as ReportFormat[];
}

/** Turns shared flags into the report/gate part of AuditOptions. */
export function reportOptions(flags: ReportFlags): Omit<AuditOptions, 'source' | 'probe'> {
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
    ...(files.length > 0 ? ['  reports:', ...files.map((f) => `    ${f}`)] : []),
    `  ${exitLabel} ${v.exitCode}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
