/** The only orchestrator: collect -> (probe) -> snapshot -> enrich -> evaluate -> report. Entry points call this. */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { collectAccounts, type AccountsCollectOptions } from './accounts/index.ts';
import { collectSnapshot, type CollectOptions } from './collect/index.ts';
import { enrich } from './enrich/index.ts';
import { applyProfile, loadProfile, profileFromValue } from './evaluate/profiles.ts';
import { describeSelection, selectRules, selectSubjects, type Selection } from './evaluate/selection.ts';
import { defaultRulesDir } from './evaluate/paths.ts';
import { loadRules } from './evaluate/rule-loader.ts';
import { evaluate } from './evaluate/index.ts';
import { baselineCounts, loadBaseline } from './evaluate/baseline.ts';
import { decideVerdict, emptyScopesOf } from './evaluate/verdict.ts';
import { systemRules } from './evaluate/system-rules.ts';
import { loadWaivers, waiverWarnings, type Waiver } from './evaluate/waivers.ts';
import { parseIsoInstant } from './evaluate/iso-date.ts';
import { AuditError, EXIT } from './model/errors.ts';
import type { FactsBySubject } from './model/facts.ts';
import type { AuditResult, FailOn, Finding, FindingsSummary } from './model/finding.ts';
import { SEVERITIES, type RuleDefinition, type Severity } from './model/rule.ts';
import type { Snapshot } from './model/snapshot.ts';
import { probeAttempts } from './probe/attempts.ts';
import { probeEstate, type EstateOptions } from './probe/index.ts';
import { ALL_FORMATS, writeReports } from './report/index.ts';
import type { ReportFormat, ReportInput, SourceLocator } from './report/reporter.ts';
import './report/register-html.ts';
import { SnapshotBuilder } from './snapshot/builder.ts';
import { compareRuns, type PreviousRun } from './report/changes.ts';
import { writeSnapshot } from './snapshot/io.ts';
import { checkFileTarget, checkFolderTarget } from './io/targets.ts';
import { TOOL_VERSION } from './version.ts';

export type { FailOn } from './model/finding.ts';

export interface AuditOptions {
  /** Where the estate comes from: a saved snapshot, or live AWS collection. */
  source:
    | { kind: 'snapshot'; snapshot: Snapshot }
    | { kind: 'aws'; collect: CollectOptions }
    /** Many accounts entered with STS AssumeRole (src/accounts). */
    | { kind: 'accounts'; accounts: AccountsCollectOptions };
  /** Probe live endpoints (false to skip). */
  probe: false | EstateOptions;
  rulesDir?: string;
  profile: string;
  /** An inline profile (the config file's rules-profile object) instead of a name or file; source names it in errors. */
  profileDefinition?: { value: unknown; source: string };
  waiversPath?: string;
  /** Waivers given inline (the config file), added to those of waiversPath. */
  waivers?: Waiver[];
  /** Checks and resources to judge (src/evaluate/selection.ts). */
  selection?: Selection;
  /** A previous findings.json or results.sarif: only failures whose fingerprint it lacks fail the gate. */
  baselinePath?: string;
  /** The instant expiry is judged at; default: the snapshot's capture time. */
  asOf?: string;
  trustStorePath?: string;
  /** A waiver that matches no rule or no resource is an error (exit 2), not a warning. */
  strictWaivers?: boolean;
  /** Trust anchors given directly (PEM), added to those of trustStorePath. */
  trustAnchorsPem?: string[];
  /** Extra names every certificate must cover, per certificate ARN. */
  hostnames?: Map<string, string[]>;
  out?: { dir: string; formats: readonly ReportFormat[] };
  snapshotOut?: string;
  allowPartial: boolean;
  failOn: FailOn;
  /** A scope read completely that holds no load balancer exits 1 instead of 0. */
  failOnEmpty?: boolean;
  sarifCategory?: string;
  /** IaC mode: adjusts the facts enrich derived (values unknown before deploy become null). */
  refineFacts?: (facts: FactsBySubject) => FactsBySubject;
  /** IaC mode: puts SARIF results on the source file and line. */
  locate?: SourceLocator;
  onProgress?: (line: string) => void;
  /** Runs once every input is validated and before anything is collected (the entry points' STS preflight). */
  preflight?: () => Promise<unknown>;
  /** Runs when live collection has ended, finished or not, before probing (the CLI stops catching Ctrl-C for a checkpoint). */
  afterCollect?: () => void;
  /** Injected clock for startedAt/finishedAt (tests); findings never carry time. */
  now?: () => Date;
  /** The previous run (--previous, or the Lambda's last stored run): findings.json then carries `changes`. */
  previous?: PreviousRun;
}

export interface AuditOutcome {
  result: AuditResult;
  snapshot: Snapshot;
  facts: FactsBySubject;
  rules: RuleDefinition[];
  files: string[];
  /** result.verdict.exitCode. */
  exitCode: number;
  /** What the reporters were given, so an entry point can render one format itself (--out -). */
  reportInput: ReportInput;
  /** Failing findings the baseline knew and those it did not (null without --baseline). */
  baseline: { path: string; known: number; new: number } | null;
}

/** Reads a PEM bundle of extra trust anchors; every PEM block must be a certificate that decodes. */
export function readTrustStore(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AuditError('BAD_INPUT', `cannot read trust store: ${(error as Error).message}`, path);
  }
  const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g)];
  if (blocks.length === 0) throw new AuditError('BAD_INPUT', 'no PEM certificate found', path);
  return blocks.map((block, i) => {
    const line = text.slice(0, block.index).split('\n').length;
    const where = `${path}: PEM block ${i + 1} (line ${line})`;
    if (block[1] !== 'CERTIFICATE') throw new AuditError('BAD_INPUT', `is a ${block[1]}, not a CERTIFICATE`, where);
    try {
      new X509Certificate(block[0]);
    } catch (error) {
      throw new AuditError('BAD_INPUT', `does not decode as an X.509 certificate (${(error as Error).message})`, where);
    }
    return block[0];
  });
}

/** Counts for findings.json and every report. */
export function summarise(findings: readonly Finding[], facts: FactsBySubject, notApplicable = 0): FindingsSummary {
  const byStatus = { pass: 0, fail: 0, not_applicable: notApplicable, error: 0, waived: 0 };
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) {
    byStatus[f.status]++;
    if (f.status === 'fail' || f.status === 'error') bySeverity[f.severity]++;
  }
  return {
    total: findings.length + notApplicable,
    byStatus,
    bySeverity,
    resources: {
      loadBalancers: facts.loadBalancer.length,
      listeners: facts.listener.length,
      certificates: facts.certificate.length,
      hsmClusters: facts.hsmCluster.length,
      endpoints: facts.endpoint.length,
    },
  };
}

/** Runs one audit end to end. Every input is validated before anything is collected or written. */
export async function audit(options: AuditOptions): Promise<AuditOutcome> {
  const now = options.now ?? (() => new Date());
  const progress = options.onProgress ?? (() => {});
  const rulesDir = options.rulesDir ?? defaultRulesDir();
  const rules = loadRules(rulesDir);
  const profile = options.profileDefinition
    ? profileFromValue(rulesDir, options.profileDefinition.value, options.profileDefinition.source)
    : loadProfile(rulesDir, options.profile);
  const selected = selectRules(applyProfile(rules, profile), rules, options.selection ?? {});
  const waivers: Waiver[] = [...(options.waivers ?? []), ...(options.waiversPath ? loadWaivers(options.waiversPath) : [])];
  const baseline = options.baselinePath !== undefined ? loadBaseline(options.baselinePath) : null;
  const trustAnchorsPem = [...(options.trustAnchorsPem ?? []), ...(options.trustStorePath ? readTrustStore(options.trustStorePath) : [])];
  const asOfFlag = options.asOf !== undefined ? parseIsoInstant(options.asOf, '--as-of') : undefined;
  // Output places are checked before anything is collected, so a bad --out fails in a second, not after the audit.
  if (options.out) checkFolderTarget(options.out.dir, '--out');
  if (options.snapshotOut) checkFileTarget(options.snapshotOut, '--snapshot-out');
  if (options.source.kind !== 'snapshot' && options.preflight) await options.preflight();

  // A re-evaluation of a saved snapshot is dated by the snapshot, so two runs write byte-identical files.
  const live = options.source.kind !== 'snapshot' || options.probe !== false;
  const startedAt = live ? now().toISOString() : options.source.kind === 'snapshot' ? options.source.snapshot.capturedAt : '';
  let snapshot: Snapshot;
  if (options.source.kind === 'snapshot') snapshot = options.source.snapshot;
  else {
    try {
      if (options.source.kind === 'accounts') {
        progress('collecting accounts…');
        const accounts = options.source.accounts;
        snapshot = await collectAccounts({ ...accounts, collect: { ...accounts.collect, onProgress: accounts.collect.onProgress ?? progress } });
      } else {
        progress('collecting…');
        snapshot = await collectSnapshot({ ...options.source.collect, onProgress: options.source.collect.onProgress ?? progress });
      }
    } finally {
      options.afterCollect?.();
    }
  }
  if (options.probe) {
    const observations = await probeEstate(snapshot, { ...options.probe, onProgress: options.probe.onProgress ?? progress });
    const attempts = probeAttempts(snapshot, observations, options.probe);
    snapshot = new SnapshotBuilder(snapshot).addSnapshot(snapshot).add({ observations, attempts }).build();
  }
  if (options.snapshotOut) writeSnapshot(options.snapshotOut, snapshot);

  const asOf = asOfFlag ?? snapshot.capturedAt;
  const enriched = await enrich(snapshot, { asOf, trustAnchorsPem, hostnames: options.hostnames ?? new Map() });
  const facts = selectSubjects(options.refineFacts ? options.refineFacts(enriched) : enriched, snapshot, options.selection ?? {});
  const { findings, notApplicable } = await evaluate(snapshot, facts, { rules: selected, waivers, asOf });
  const warnings = waiverWarnings(waivers, [...selected.map((s) => s.rule.id), ...systemRules.map((r) => r.id)], findings);
  if (options.strictWaivers && warnings.length > 0) throw new AuditError('BAD_INPUT', `${warnings.join('; ')} (--strict-waivers)`, options.waiversPath ?? '--waivers');
  const complete = snapshot.attempts.every((a) => a.status !== 'error') && findings.every((f) => f.status !== 'error');
  const verdict = decideVerdict({
    findings,
    complete,
    loadBalancerCount: snapshot.loadBalancers.length,
    emptyScopes: emptyScopesOf(snapshot),
    gate: { failOn: options.failOn, allowPartial: options.allowPartial, failOnEmpty: options.failOnEmpty === true },
    baseline,
  });
  const result: AuditResult = {
    tool: { name: 'elb-tls-audit', version: TOOL_VERSION },
    version: TOOL_VERSION,
    profile: profile.name,
    startedAt,
    finishedAt: live ? now().toISOString() : snapshot.capturedAt,
    asOf,
    complete,
    verdict,
    scope: snapshot.scope,
    summary: summarise(findings, facts, notApplicable),
    findings,
    attempts: snapshot.attempts,
    ...(warnings.length > 0 ? { warnings } : {}),
  };
  if (options.previous) result.changes = compareRuns(options.previous, result);
  const narrowed = describeSelection(options.selection ?? {});
  // A narrowed run must say so: its counts and verdict cover only what was selected.
  if (narrowed) result.selection = narrowed;
  const usedRules = [...selected.map((s) => s.rule), ...systemRules];
  let files: string[] = [];
  const input: ReportInput = { result, snapshot, facts, rules: usedRules, options: { sarifCategory: options.sarifCategory ?? 'elb-tls-audit', ...(options.locate ? { locate: options.locate } : {}) } };
  if (options.out) {
    files = await writeReports(input, options.out.dir, options.out.formats.length > 0 ? options.out.formats : ALL_FORMATS);
  }
  const baselineSummary = baseline ? { path: baseline.path, ...baselineCounts(findings, baseline) } : null;
  return { result, snapshot, facts, rules: usedRules, files, reportInput: input, exitCode: verdict.exitCode, baseline: baselineSummary };
}
