/**
 * Run-to-run changes: which failing findings are new, which were resolved, which stayed, compared by the
 * finding fingerprint (rule + account + region + resource). Unknown is neither: a finding that failed
 * before and is an error now, or that an incomplete run did not produce, is `undetermined`, never resolved.
 */
import { AuditError } from '../model/errors.ts';
import type { AuditResult, Finding, FindingChangeEntry, FindingChanges, FindingStatus } from '../model/finding.ts';
import { SEVERITIES, type Severity } from '../model/rule.ts';
import { readJsonFile } from '../io/json-file.ts';

/** The part of a previous findings.json that the comparison reads. */
export interface PreviousRun {
  finishedAt: string;
  complete: boolean;
  bySeverity: Record<Severity, number>;
  findings: Pick<Finding, 'fingerprint' | 'ruleId' | 'severity' | 'status' | 'resource' | 'message'>[];
}

const STATUSES: readonly FindingStatus[] = ['pass', 'fail', 'not_applicable', 'error', 'waived'];
const RESOLVING: readonly FindingStatus[] = ['pass', 'not_applicable'];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a previous findings.json given on the command line (--previous). */
export function loadPreviousRun(path: string): PreviousRun {
  return parsePreviousRun(readJsonFile(path, 'previous findings'), path);
}

/** Checks the shape of a previous findings.json; `where` names it in the error. */
export function parsePreviousRun(parsed: unknown, where: string): PreviousRun {
  const fail = (path: string, what: string): never => {
    throw new AuditError('BAD_INPUT', `${path}: ${what} (expected a findings.json written by elb-tls-audit)`, where);
  };
  if (!isRecord(parsed)) return fail('$', 'not an object');
  if (typeof parsed['finishedAt'] !== 'string') fail('$.finishedAt', 'missing');
  if (typeof parsed['complete'] !== 'boolean') fail('$.complete', 'missing');
  const summary = parsed['summary'];
  if (!isRecord(summary) || !isRecord(summary['bySeverity'])) return fail('$.summary.bySeverity', 'missing');
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, Number((summary['bySeverity'] as Record<string, unknown>)[s] ?? 0)])) as Record<Severity, number>;
  if (!Array.isArray(parsed['findings'])) return fail('$.findings', 'not a list');
  const findings = (parsed['findings'] as unknown[]).map((f, i) => {
    const at = `$.findings[${i}]`;
    if (!isRecord(f)) return fail(at, 'not an object');
    for (const key of ['fingerprint', 'ruleId', 'message'] as const) if (typeof f[key] !== 'string') fail(`${at}.${key}`, 'not a string');
    if (!STATUSES.includes(f['status'] as FindingStatus)) fail(`${at}.status`, `"${String(f['status'])}" is not a status`);
    if (!(SEVERITIES as readonly string[]).includes(f['severity'] as string)) fail(`${at}.severity`, `"${String(f['severity'])}" is not a severity`);
    if (!isRecord(f['resource']) || typeof f['resource']['arn'] !== 'string') fail(`${at}.resource.arn`, 'missing');
    return f as unknown as PreviousRun['findings'][number];
  });
  return { finishedAt: parsed['finishedAt'] as string, complete: parsed['complete'] as boolean, bySeverity, findings };
}

/** The previous-run view of a result (the Lambda keeps the whole findings.json; this is what it needs). */
export function previousRunOf(result: AuditResult): PreviousRun {
  return { finishedAt: result.finishedAt, complete: result.complete, bySeverity: result.summary.bySeverity, findings: result.findings };
}

function entry(f: PreviousRun['findings'][number], status: FindingChangeEntry['status']): FindingChangeEntry {
  const { arn, name, kind, account, region } = f.resource;
  return { fingerprint: f.fingerprint, ruleId: f.ruleId, severity: f.severity, status, resource: { arn, name, kind, account, region }, message: f.message };
}

/** Compares this run with the previous one. Lists keep the order of the run they come from (stable). */
export function compareRuns(previous: PreviousRun, current: Pick<AuditResult, 'findings' | 'complete'>): FindingChanges {
  const before = new Map(previous.findings.map((f) => [f.fingerprint, f]));
  const now = new Map(current.findings.map((f) => [f.fingerprint, f]));
  const changes: FindingChanges = {
    previous: { finishedAt: previous.finishedAt, complete: previous.complete, bySeverity: previous.bySeverity },
    new: [],
    resolved: [],
    unchanged: 0,
    undetermined: [],
    completeness: { before: previous.complete, now: current.complete },
  };
  for (const f of current.findings) {
    if (f.status !== 'fail') continue;
    const then = before.get(f.fingerprint);
    // A finding whose waiver lapsed is news again.
    if (then?.status === 'fail') changes.unchanged++;
    else changes.new.push(entry(f, f.status));
  }
  for (const then of previous.findings) {
    if (then.status !== 'fail') continue;
    const f = now.get(then.fingerprint);
    if (f === undefined) {
      // Gone from a complete run: the resource or the rule no longer exists. An incomplete run may simply not have seen it.
      if (current.complete) changes.resolved.push(entry(then, 'absent'));
      else changes.undetermined.push(entry(then, 'absent'));
    } else if (RESOLVING.includes(f.status)) changes.resolved.push(entry(f, f.status));
    else if (f.status === 'error') changes.undetermined.push(entry(f, f.status));
    else if (f.status === 'waived') changes.unchanged++;
  }
  return changes;
}

/** True when something a person should hear about changed: new failures, fixes, or completeness. */
export function hasChanges(changes: FindingChanges): boolean {
  return changes.new.length > 0 || changes.resolved.length > 0 || changes.completeness.before !== changes.completeness.now;
}
