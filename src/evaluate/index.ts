/** evaluate: facts + rules + profile + waivers -> findings, in a stable order with stable identities. */
import { createHash } from 'node:crypto';
import type { FactsBySubject, SubjectIdentity, SubjectKind } from '../model/facts.ts';
import { SUBJECT_KINDS } from '../model/facts.ts';
import type { Finding, FindingStatus } from '../model/finding.ts';
import { SEVERITIES } from '../model/rule.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { SubjectEvaluator } from './engine.ts';
import { renderMessage } from './messages.ts';
import type { ProfiledRule } from './profiles.ts';
import { collectionFindings, emptyEstateFindings } from './system-rules.ts';
import { applyWaivers, type Waiver } from './waivers.ts';

export interface EvaluateOptions {
  rules: readonly ProfiledRule[];
  waivers: readonly Waiver[];
  asOf: string;
}

/** Stable identity of a finding: rule + account + region + resource; also SARIF's primaryLocationLineHash. */
export function fingerprintOf(ruleId: string, resource: { account: string; region: string; arn: string }): string {
  const hash = createHash('sha256').update([ruleId, resource.account, resource.region, resource.arn].join('|')).digest('hex');
  return `${hash.slice(0, 16)}:1`;
}

const VISIBILITY_CATEGORIES: ReadonlySet<string> = new Set(['probe-failed', 'collection-incomplete']);

const STATUS_ORDER: Record<FindingStatus, number> = { fail: 0, error: 1, waived: 2, pass: 3, not_applicable: 4 };
const SEVERITY_ORDER = Object.fromEntries(SEVERITIES.map((s, i) => [s, i])) as Record<string, number>;

/** The order every report uses: status, severity, rule, resource. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9) ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.resource.arn < b.resource.arn ? -1 : a.resource.arn > b.resource.arn ? 1 : 0)
  );
}

/** Per-kind evaluators, built once per rule set (the bench and the Lambda reuse them). */
export function buildEvaluators(rules: readonly ProfiledRule[]): Map<SubjectKind, SubjectEvaluator> {
  return new Map(SUBJECT_KINDS.map((kind) => [kind, new SubjectEvaluator(kind, rules.filter((r) => r.rule.subject === kind))]));
}

/** Judges every subject with every selected rule of its kind. */
export async function evaluateFacts(facts: FactsBySubject, options: EvaluateOptions, evaluators = buildEvaluators(options.rules)): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const kind of SUBJECT_KINDS) {
    const evaluator = evaluators.get(kind)!;
    const profiled = evaluator.compiledRules;
    if (profiled.length === 0) continue;
    for (const subject of facts[kind] as SubjectIdentity[]) {
      const outcomes = await evaluator.evaluate(subject);
      for (const { rule, params, severity } of profiled) {
        let outcome = outcomes.get(rule.id)!;
        // "Could not see" is never a verdict: a failing visibility rule is an error, which marks the run incomplete.
        if (outcome.status === 'fail' && VISIBILITY_CATEGORIES.has(rule.category)) outcome = { ...outcome, status: 'error', reason: null };
        const resource = {
          arn: subject.arn, kind, name: subject.name, region: subject.region, account: subject.account,
          loadBalancerArn: subject.loadBalancerArn, loadBalancerType: subject.loadBalancerType,
        };
        let message: string;
        if (outcome.status === 'fail') message = renderMessage(rule.messages[outcome.messageId ?? ''] ?? rule.title, subject, params);
        else if (outcome.status === 'error' && VISIBILITY_CATEGORIES.has(rule.category)) message = renderMessage(rule.messages[outcome.messageId ?? ''] ?? rule.title, subject, params);
        else if (outcome.status === 'error') message = `Could not judge ${rule.title.toLowerCase()}: ${outcome.reason ?? 'unknown error'}`;
        else if (outcome.status === 'pass') message = rule.passMessage ? renderMessage(rule.passMessage, subject, params) : `Passed: ${rule.title}`;
        else message = `Not applicable: ${rule.title}`;
        findings.push({
          ruleId: rule.id, category: rule.category, severity, status: outcome.status, resource, message,
          messageId: outcome.messageId, evidence: outcome.evidence, controls: rule.controls,
          fingerprint: fingerprintOf(rule.id, resource), waiver: null,
        });
      }
    }
  }
  return findings;
}

/** The whole evaluate stage: rule findings, collection gaps, the empty-estate note, waivers, stable order. */
export async function evaluate(snapshot: Snapshot, facts: FactsBySubject, options: EvaluateOptions): Promise<Finding[]> {
  const system = [...collectionFindings(snapshot.attempts), ...emptyEstateFindings(snapshot.scope, snapshot.loadBalancers.length)]
    .map((f) => ({ ...f, fingerprint: fingerprintOf(f.ruleId, f.resource) }));
  const judged = await evaluateFacts(facts, options);
  return applyWaivers([...judged, ...system], options.waivers, options.asOf).sort(compareFindings);
}
