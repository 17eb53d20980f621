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
import { parseWaivers } from '../evaluate/waivers.ts';
import { parseSeverities, parseTagFilter, splitList, type Selection } from '../evaluate/selection.ts';
import { renderReport } from '../report/index.ts';
import { colorEnabled, renderFindingsTable } from './findings-table.ts';
import { createProgress, type Progress } from './progress.ts';
import { plural } from '../text/plural.ts';

export interface ReportFlags extends SelectionFlags {
  /** A name or file; an object when the config file holds the profile inline. */
  rulesProfile: string | object;
  format: string;
  out: string;
  failOn: string;
  /** A file; an object ({"waivers": [...]}) when the config file holds them inline. */
  waivers?: string | object;
  color?: boolean;
  config?: string;
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

export interface SelectionFlags {
  checks?: string;
  excludeChecks?: string;
  categories?: string;
  severity?: string;
  resource: string[];
  tag: string[];
}

const repeat = (value: string, previous: string[]) => [...previous, value];

/** Adds --config, --quiet and --no-color, which every command that reads the estate shares. */
export function addCommonFlags(command: Command): Command {
  return command
    .option('--config <file>', `config file (JSON or YAML) holding any of these flags; default: ${'elb-tls-audit.config.json|.yaml|.yml'} in the working directory`)
    .addOption(new Option('--quiet', 'print only errors (no progress, table or summary)'))
    .option('--no-color', 'no colour in the terminal (also NO_COLOR)');
}

/** Adds --checks, --exclude-checks, --categories, --severity, --resource and --tag. */
export function addSelectionFlags(command: Command): Command {
  return command
    .option('--checks <ids>', 'run only these checks (rule ids or globs, comma-separated)')
    .option('--exclude-checks <ids>', 'do not run these checks (rule ids or globs)')
    .option('--categories <list>', 'run only checks of these categories (weak-protocol, cert-expiring, ...)')
    .option('--severity <list>', 'run only checks of these severities (critical,high,medium,low,info)')
    .option('--resource <arn-glob>', 'judge only resources whose ARN, or whose load balancer\'s ARN, matches (repeatable)', repeat, [])
    .option('--tag <KEY=VALUE>', 'judge only resources whose own or load balancer\'s tag KEY matches VALUE (a glob; repeatable, all must match)', repeat, []);
}

/** The selection the flags (or the config file) ask for. */
export function selectionOf(flags: SelectionFlags): Selection {
  return {
    checks: splitList(flags.checks),
    excludeChecks: splitList(flags.excludeChecks),
    categories: splitList(flags.categories),
    severities: parseSeverities(flags.severity ?? []),
    resources: flags.resource ?? [],
    tags: (flags.tag ?? []).map((t) => parseTagFilter(t)),
  };
}

/** Adds the report and gate flags every auditing command shares. */
export function addReportFlags(command: Command, defaultOut: string): Command {
  return addSelectionFlags(addCommonFlags(command))
    .option('--rules-profile <name>', 'rules profile (default, aws-fsbp, nist-800-52r2, pci-dss-4.0, mozilla-intermediate, mozilla-modern, fips) or a profile file', 'default')
    .option('--format <list>', `reports to write: ${[...KNOWN_FORMATS, 'text'].join(',')} (with --out -: exactly one, to stdout)`, 'sarif,html,json,md')
    .option('--out <dir>', 'folder for the reports, or - to write the one --format to stdout', defaultOut)
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
    .option('--previous <file>', "a previous run's findings.json: findings.json gets `changes`, the HTML report a trend")
    .option('--security-hub', "import the findings into the credentials' Security Hub (ASFF) and archive those fixed since")
    .option('--security-hub-region <region>', 'the hub to import into (default: AWS_REGION)');
}

/** A format of --format: a report file, or `text` (the findings table and summary, as the terminal shows them). */
export type OutputFormat = ReportFormat | 'text';

/** Parses --format. */
export function parseFormats(value: string): OutputFormat[] {
  const known: readonly string[] = [...KNOWN_FORMATS, 'text'];
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const f of list) if (!known.includes(f)) throw new AuditError('BAD_USAGE', `unknown format "${f}" (${known.join(', ')})`, '--format');
  if (list.length === 0) throw new AuditError('BAD_USAGE', 'no format given', '--format');
  return [...new Set(list)] as OutputFormat[];
}

/** Where the run's output goes: a folder of reports, or one format on stdout (--out -). */
export type OutputTarget = { kind: 'folder'; dir: string; formats: ReportFormat[]; table: 'short' | 'full' } | { kind: 'stdout'; format: OutputFormat };

/** Parses --out with --format; `-` takes exactly one format. */
export function outputTarget(out: string, format: string): OutputTarget {
  const formats = parseFormats(format);
  if (out === '-') {
    if (formats.length !== 1) throw new AuditError('BAD_USAGE', `--out - writes one format to stdout; pick one of ${formats.join(', ')}`, '--format');
    return { kind: 'stdout', format: formats[0]! };
  }
  const files = formats.filter((f): f is ReportFormat => f !== 'text');
  return { kind: 'folder', dir: out, formats: files, table: formats.includes('text') ? 'full' : 'short' };
}

/** Validates a SARIF automationDetails category (CLI and Action alike): letters, digits, '.', '_', '-' and '/'. */
export function parseSarifCategory(value: string, where: string): string {
  if (!/^[\w./-]+$/.test(value)) throw new AuditError('BAD_USAGE', `"${value}" may only hold letters, digits, '.', '_', '-' and '/'`, where);
  return value;
}

/** The report/gate part of AuditOptions, the output target and the progress display of one run. */
export interface RunSetup {
  options: Omit<AuditOptions, 'source' | 'probe'> & { onProgress: Progress };
  target: OutputTarget;
  flags: ReportFlags;
}

/** Turns shared flags (after the config file filled them) into the report/gate part of AuditOptions. */
export function reportOptions(flags: ReportFlags, configPath: string | null = null): RunSetup {
  parseSarifCategory(flags.sarifCategory, '--sarif-category');
  const target = outputTarget(flags.out, flags.format);
  const inline = (key: string) => `${configPath ?? 'config file'}: /${key}`;
  const profile = typeof flags.rulesProfile === 'object'
    ? { profile: 'inline', profileDefinition: { value: flags.rulesProfile, source: inline('rules-profile') } }
    : { profile: flags.rulesProfile };
  const waivers = typeof flags.waivers === 'object'
    ? { waivers: parseWaivers(flags.waivers, inline('waivers')) }
    : flags.waivers !== undefined ? { waiversPath: flags.waivers } : {};
  const options = {
    ...profile,
    ...waivers,
    selection: selectionOf(flags),
    // No folder with --out - (the format goes to stdout); an empty format list in a folder writes nothing.
    ...(target.kind === 'folder' && target.formats.length > 0 ? { out: { dir: target.dir, formats: target.formats } } : {}),
    failOn: parseFailOn(flags.failOn),
    allowPartial: flags.allowPartial === true,
    failOnEmpty: flags.failOnEmpty === true,
    sarifCategory: flags.sarifCategory,
    ...(flags.baseline !== undefined ? { baselinePath: flags.baseline } : {}),
    ...(flags.snapshotOut !== undefined ? { snapshotOut: flags.snapshotOut } : {}),
    ...(flags.trustStore !== undefined ? { trustStorePath: flags.trustStore } : {}),
    ...(flags.asOf !== undefined ? { asOf: flags.asOf } : {}),
    ...(flags.strictWaivers === true ? { strictWaivers: true } : {}),
    ...(flags.previous !== undefined ? { previous: loadPreviousRun(flags.previous) } : {}),
    onProgress: createProgress({ quiet: flags.quiet === true, color: colorEnabled(process.stderr, flags.color) }),
  };
  return { options, target, flags };
}


/** After audit(): the findings table and summary (stdout), or the one --out - format on stdout and the summary on stderr. */
export function writeRunOutput(setup: RunSetup, outcome: AuditOutcome, exitLabel = 'exit'): void {
  setup.options.onProgress.stop();
  const quiet = setup.flags.quiet === true;
  const color = colorEnabled(process.stdout, setup.flags.color);
  const width = process.stdout.isTTY ? process.stdout.columns ?? 100 : 120;
  const table = (limit?: number) => renderFindingsTable(outcome.result.findings, { width, color, ...(limit !== undefined ? { limit } : {}) });
  if (setup.target.kind === 'stdout') {
    if (setup.target.format === 'text') {
      process.stdout.write(`${table()}${summaryText(outcome.result, outcome.files, exitLabel)}`);
      return;
    }
    process.stdout.write(renderReport(outcome.reportInput, setup.target.format));
    if (!quiet) process.stderr.write(summaryText(outcome.result, outcome.files, exitLabel));
    return;
  }
  if (quiet) return;
  process.stdout.write(`${table(setup.target.table === 'full' ? undefined : 50)}${summaryText(outcome.result, outcome.files, exitLabel)}`);
}

/** The short summary printed after an audit: the verdict first, in the words every other output uses. */
export function summaryText(result: AuditResult, files: readonly string[], exitLabel = 'exit'): string {
  const s = result.summary;
  const v = result.verdict;
  const sev = Object.entries(s.bySeverity).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
  const lines = [
    `elb-tls-audit ${result.version} · profile ${result.profile} · ${result.complete ? 'complete' : 'INCOMPLETE (part of the estate could not be seen)'}`,
    `  ${v.headline}`,
    ...v.unseen.causes.map((c) => `    ${c}`),
    ...(v.emptyScopes.length > 0 ? [`  held nothing: ${v.emptyScopes.map((e) => `${e.account}/${e.region}`).join(', ')}`] : []),
    `  ${plural(s.resources.loadBalancers, 'load balancer')}, ${plural(s.resources.listeners, 'listener')}, ${plural(s.resources.certificates, 'certificate')}, ${plural(s.resources.hsmClusters, 'HSM cluster')}, ${plural(s.resources.endpoints, 'endpoint')} probed`,
    `  findings: ${s.byStatus.fail} fail, ${s.byStatus.error} error, ${s.byStatus.waived} waived, ${s.byStatus.pass} pass, ${s.byStatus.not_applicable} n/a`,
    `  failing by severity: ${sev}`,
    ...(result.selection ? [`  selection: ${Object.entries(result.selection).map(([k, v]) => `${k} ${(v as string[]).join(',')}`).join('; ')} (only these were judged)`] : []),
    ...(result.warnings ?? []).map((w) => `  warning: ${w}`),
    ...(files.length > 0 ? ['  reports:', ...files.map((f) => `    ${f}`)] : []),
    `  ${exitLabel} ${v.exitCode}`,
  ];
  return `${lines.map(escapeTerminal).join('\n')}\n`;
}

/** After the reports: --security-hub imports the run (refusals are printed; a hub that cannot be reached throws). */
export async function exportFindings(setup: RunSetup, outcome: AuditOutcome): Promise<void> {
  const flags = setup.flags;
  if (flags.securityHub !== true) return;
  const region = flags.securityHubRegion ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
  if (!region) throw new AuditError('BAD_USAGE', 'no region for Security Hub: pass --security-hub-region or set AWS_REGION', '--security-hub');
  const report = await importToSecurityHub(outcome.result, outcome.rules, region);
  const [head, ...rest] = describeSecurityHubReport(report);
  (setup.target.kind === 'stdout' ? process.stderr : process.stdout).write(`  ${head}\n`);
  for (const line of rest) process.stderr.write(`${line}\n`);
}
