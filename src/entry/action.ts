/**
 * The GitHub Action adapter (action.yml, bundled to dist/index.js): read INPUT_* (hyphens kept), validate,
 * call audit(), write summary.md to the job summary, set outputs, and fail the step when findings at or
 * above fail-on exist or the audit could not see everything (unless allow-partial).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as core from '@actions/core';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { accountsSource } from '../accounts/flags.ts';
import { audit, type AuditOptions, type AuditOutcome, type FailOn } from '../audit.ts';
import { sdkClientFactory } from '../collect/index.ts';
import { blankUnknownFacts, IAC_SARIF_CATEGORY, iacLocator, loadInfrastructure } from '../iac/index.ts';
import type { FactsBySubject } from '../model/facts.ts';
import { AuditError, EXIT, exitCodeFor } from '../model/errors.ts';
import { SEVERITIES, type Severity } from '../model/rule.ts';
import { checkFolderTarget } from '../io/targets.ts';
import { ALL_FORMATS } from '../report/index.ts';
import { apiBudgetOf } from './api-budget-flag.ts';
import { parseFailOn, parseRegions } from './parse.ts';
import { cutToBytes, utf8Bytes } from '../text/bytes.ts';
import { escapeMarkdown } from '../text/escape-markdown.ts';
import { parseSarifCategory } from './options.ts';
import { preflight } from './preflight.ts';
import { parseSeverities, parseTagFilter, splitList, type Selection } from '../evaluate/selection.ts';

/** The validated inputs of action.yml. */
export interface ActionInputs {
  regions: string[] | 'all';
  rulesProfile: string;
  failOn: FailOn;
  waivers: string | null;
  baseline: string | null;
  trustStore: string | null;
  probe: boolean;
  outputDir: string;
  allowPartial: boolean;
  failOnEmpty: boolean;
  sarifCategory: string;
  source: AuditOptions['source'] | null;
  /** api-budget: the share of AWS's published request budgets the collection may use (ADR 0016). */
  apiBudget: number;
  /** IaC mode: the paths the iac input's globs matched (empty: audit the live estate). */
  iac: string[];
  /** checks, exclude-checks, categories, severity, resources, tags. */
  selection: Selection;
}

// GitHub caps one step's summary at 1 MiB; keep clear of it and point at the full report instead.
const SUMMARY_LIMIT = 900 * 1024;

/** Reads and validates every input; a bad value throws an AuditError naming the input. */
export function readInputs(env: NodeJS.ProcessEnv = process.env): ActionInputs {
  const input = (name: string): string => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
  const named = <T>(name: string, parse: () => T): T => {
    try {
      return parse();
    } catch (error) {
      const message = error instanceof AuditError ? error.message.replace(/^--[\w-]+: /, '') : (error as Error).message;
      throw new AuditError('BAD_USAGE', message, `input ${name}`);
    }
  };
  const bool = (name: string, fallback: boolean): boolean =>
    named(name, () => {
      const value = input(name);
      if (value === '') return fallback;
      if (['true', 'True', 'TRUE'].includes(value)) return true;
      if (['false', 'False', 'FALSE'].includes(value)) return false;
      throw new Error(`"${value}" is not true or false`);
    });
  const iac = named('iac', () => expandIacPaths(input('iac').split(/\s+/).filter(Boolean)));
  const regionsText = input('regions');
  if (iac.length === 0 && regionsText === '' && !env['AWS_REGION'] && !env['AWS_DEFAULT_REGION']) {
    throw new AuditError('BAD_USAGE', 'no region: set the regions input (e.g. "eu-west-1,us-east-1" or "all") or AWS_REGION (aws-actions/configure-aws-credentials sets it)', 'input regions');
  }
  // IaC mode reads no AWS API, so it needs no region.
  const regions = iac.length > 0 && regionsText === '' ? [] : parseRegions(regionsText, 'input regions', env);
  const failOn = parseFailOn(input('fail-on') || 'high', 'input fail-on');
  const rulesProfile = input('rules-profile') || 'default';
  if (!/^[\w./-]+$/.test(rulesProfile)) throw new AuditError('BAD_USAGE', `"${rulesProfile}" is not a profile name or file`, 'input rules-profile');
  const sarifCategory = input('sarif-category') || (iac.length > 0 ? IAC_SARIF_CATEGORY : 'elb-tls-audit');
  parseSarifCategory(sarifCategory, 'input sarif-category');
  const file = (name: string): string | null => named(name, () => {
    const value = input(name);
    if (value === '') return null;
    try {
      readFileSync(value);
    } catch (error) {
      throw new Error(`cannot read "${value}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    return value;
  });
  const accountIds = input('accounts');
  const organization = bool('organization', false);
  const assumeRole = input('assume-role');
  const externalId = input('external-id');
  const apiBudget = named('api-budget', () => apiBudgetOf(input('api-budget') || undefined));
  const collect = { regions, apiBudget };
  const source = named('accounts', () =>
    accountsSource(
      {
        ...(accountIds !== '' ? { accounts: accountIds } : {}),
        ...(organization ? { organization } : {}),
        ...(assumeRole !== '' ? { assumeRole } : {}),
        ...(externalId !== '' ? { externalId } : {}),
      },
      collect,
    ),
  );
  // Lists: commas or new lines (a YAML block scalar), as in the regions input.
  const lines = (name: string) => input(name).split(/[\n,]+/).map((s) => s.trim()).filter(Boolean);
  const selection: Selection = {
    checks: splitList(input('checks')),
    excludeChecks: splitList(input('exclude-checks')),
    categories: splitList(input('categories')),
    severities: named('severity', () => parseSeverities(input('severity'))),
    resources: lines('resources'),
    tags: named('tags', () => lines('tags').map((t) => parseTagFilter(t))),
    labels: { checks: 'input checks', excludeChecks: 'input exclude-checks', categories: 'input categories' },
  };
  return {
    selection,
    regions,
    rulesProfile,
    failOn,
    waivers: file('waivers'),
    baseline: file('baseline'),
    trustStore: file('trust-store'),
    probe: bool('probe', true),
    outputDir: named('output-dir', () => {
      const dir = input('output-dir') || 'elb-tls-audit';
      checkFolderTarget(dir, 'input output-dir');
      return dir;
    }),
    allowPartial: bool('allow-partial', false),
    failOnEmpty: bool('fail-on-empty', false),
    sarifCategory,
    source,
    apiBudget,
    iac,
  };
}

/** The iac input: paths or globs (whitespace-separated); a pattern that matches nothing is bad input. */
export function expandIacPaths(patterns: readonly string[]): string[] {
  const out: string[] = [];
  for (const pattern of patterns) {
    const matched = isDynamicPattern(pattern) ? globSync(pattern, { onlyFiles: false, expandDirectories: false }).sort() : existsSync(pattern) ? [pattern] : [];
    if (matched.length === 0) throw new Error(`"${pattern}" matches no file or folder`);
    out.push(...matched);
  }
  return [...new Set(out)];
}

/** The outputs action.yml declares, as strings. */
export function actionOutputs(outcome: AuditOutcome, outputDir: string): Record<string, string> {
  const failing = outcome.result.findings.filter((f) => f.status === 'fail');
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of failing) bySeverity[f.severity]++;
  return {
    'sarif-file': join(outputDir, 'results.sarif'),
    'report-file': join(outputDir, 'report.html'),
    'findings-file': join(outputDir, 'findings.json'),
    'findings-count': String(failing.length),
    ...Object.fromEntries(SEVERITIES.map((s) => [`${s}-count`, String(bySeverity[s])])),
    'error-count': String(outcome.result.summary.byStatus.error),
    'new-findings-count': String(outcome.baseline ? outcome.baseline.new : failing.length),
    complete: String(outcome.result.complete),
    verdict: outcome.result.verdict.kind,
    'verdict-message': outcome.result.verdict.headline,
  };
}

/** The annotation of a failed gate: the verdict's own words, with what was not seen and why. */
function gateMessage(outcome: AuditOutcome): string {
  const v = outcome.result.verdict;
  const causes = v.unseen.causes.length > 0 && v.kind === 'incomplete' ? ` ${v.unseen.causes.join(' · ')}.` : '';
  const hint = v.kind === 'incomplete'
    ? v.unseen.collection > 0 ? ' Check the role\'s read permissions, or set allow-partial: true to judge what was seen.' : ' Set allow-partial: true to judge what was seen.'
    : '';
  return `${v.headline}${causes}${hint} See the job summary and ${outcome.files.find((f) => f.endsWith('.html')) ?? 'the reports'}.`;
}

/** The job summary within GitHub's limit, counted in UTF-8 bytes: cut at a line end, with a note pointing at the report. */
export function jobSummaryText(markdown: string, reportPath: string, limit = SUMMARY_LIMIT): string {
  if (utf8Bytes(markdown) <= limit) return markdown;
  const note = `\n\n_… cut: the job summary is limited to 1 MiB; see ${escapeMarkdown(reportPath)}._\n`;
  const kept = cutToBytes(markdown, limit - utf8Bytes(note));
  return `${kept.slice(0, Math.max(0, kept.lastIndexOf('\n')))}${note}`;
}

async function writeJobSummary(outputDir: string): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) return;
  let markdown = readFileSync(join(outputDir, 'summary.md'), 'utf8');
  markdown = jobSummaryText(markdown, join(outputDir, 'report.html'));
  await core.summary.addRaw(markdown).write();
}

/** Runs the Action; returns the process exit code (0 pass, 1 findings, 2 bad input, 3 incomplete). */
export async function runAction(): Promise<number> {
  let inputs: ActionInputs;
  try {
    inputs = readInputs();
  } catch (error) {
    core.setFailed(`elb-tls-audit: ${(error as Error).message}`);
    return exitCodeFor(error);
  }
  const outputDir = resolve(inputs.outputDir);
  try {
    const iac = inputs.iac.length > 0
      ? await loadInfrastructure({ paths: inputs.iac, parameters: new Map(), account: null, region: null, sourceRoot: process.env['GITHUB_WORKSPACE'] ?? '.', capturedAt: new Date().toISOString() })
      : null;
    const outcome = await audit({
      // Credentials, region and endpoint checked once, in seconds, after the inputs and before any collector runs.
      preflight: async () => {
        const caller = await preflight({ region: inputs.regions === 'all' ? (process.env['AWS_REGION'] ?? 'us-east-1') : inputs.regions[0] ?? 'us-east-1' });
        core.info(`elb-tls-audit: credentials of ${caller.arn} (account ${caller.account})`);
      },
      selection: inputs.selection,
      source: iac ? { kind: 'snapshot', snapshot: iac.snapshot } : inputs.source ?? { kind: 'aws', collect: { regions: inputs.regions, apiBudget: inputs.apiBudget, clients: sdkClientFactory() } },
      probe: inputs.probe && !iac ? { connectTo: [], includeInternal: false } : false,
      ...(iac ? { refineFacts: (facts: FactsBySubject) => blankUnknownFacts(facts, iac), locate: iacLocator(iac.origins, iac.defaulted, iac.unknownFacts) } : {}),
      profile: inputs.rulesProfile,
      out: { dir: outputDir, formats: ALL_FORMATS },
      failOn: inputs.failOn,
      allowPartial: inputs.allowPartial,
      failOnEmpty: inputs.failOnEmpty,
      sarifCategory: inputs.sarifCategory,
      ...(inputs.waivers !== null ? { waiversPath: inputs.waivers } : {}),
      ...(inputs.baseline !== null ? { baselinePath: inputs.baseline } : {}),
      ...(inputs.trustStore !== null ? { trustStorePath: inputs.trustStore } : {}),
      onProgress: (line) => core.info(line),
    });
    for (const [name, value] of Object.entries(actionOutputs(outcome, outputDir))) core.setOutput(name, value);
    await writeJobSummary(outputDir);
    const s = outcome.result.summary;
    core.info(`elb-tls-audit: ${s.byStatus.fail} fail, ${s.byStatus.error} error, ${s.byStatus.waived} waived, ${s.byStatus.pass} pass · ${outcome.result.complete ? 'complete' : 'INCOMPLETE'} · ${outcome.result.verdict.headline}`);
    if (!outcome.result.complete && inputs.allowPartial) core.warning('The audit is incomplete; allow-partial is set, so the gate judged only what it could see.');
    if (outcome.result.verdict.kind === 'empty') core.warning(outcome.result.verdict.headline);
    if (outcome.exitCode !== EXIT.OK) core.setFailed(gateMessage(outcome));
    return outcome.exitCode;
  } catch (error) {
    const label = error instanceof AuditError ? '' : 'internal error: ';
    core.setFailed(`elb-tls-audit: ${label}${(error as Error).message}`);
    return exitCodeFor(error);
  }
}

// The runner runs `node dist/index.js`; tests import this module without running it.
const entry = process.argv[1] ?? '';
if (/(?:^|[\\/])(?:index\.js|action\.(?:ts|js))$/.test(entry)) {
  process.exitCode = await runAction();
}
