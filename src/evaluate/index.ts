/** evaluate: facts + rules + profile + waivers -> findings, in a stable order with stable identities. */
import type { FactsBySubject, SubjectIdentity, SubjectKind } from '../model/facts.ts';
import { SUBJECT_KINDS } from '../model/facts.ts';
import type { Finding, FindingStatus } from '../model/finding.ts';
import { SEVERITIES } from '../model/rule.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { SubjectEvaluator } from './engine.ts';
import { renderMessage } from './messages.ts';
import type { ProfiledRule } from './profiles.ts';
import { collectionFindings, emptyEstateFindings, GAP_CATEGORIES } from './system-rules.ts';
import { applyWaivers, type Waiver } from './waivers.ts';

export interface EvaluateOptions {
  rules: readonly ProfiledRule[];
  waivers: readonly Waiver[];
  asOf: string;
}

/** FNV-1a over two 32-bit lanes, continued from a previous state. */
function fnv(text: string, state: readonly [number, number]): [number, number] {
  let [h1, h2] = state;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h1 >>> 15);
  }
  return [h1, h2];
}
const FNV_SEED: readonly [number, number] = [0x811c9dc5, 0xcbf29ce4];
const resourceState = (r: { account: string; region: string; arn: string }) => fnv(`${r.account}|${r.region}|${r.arn}|`, FNV_SEED);
const finish = (state: readonly [number, number], ruleId: string) => {
  const [h1, h2] = fnv(ruleId, state);
  return `${(h1 >>> 0).toString(16).padStart(8, '0')}${(h2 >>> 0).toString(16).padStart(8, '0')}:1`;
};

/**
 * Stable identity of a finding: account + region + resource + rule; also SARIF's primaryLocationLineHash.
 * A 64-bit FNV-1a: an identity, not a secret, and cheap enough for a million findings.
 */
export function fingerprintOf(ruleId: string, resource: { account: string; region: string; arn: string }): string {
  return finish(resourceState(resource), ruleId);
}


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

export interface EvaluatedFindings {
  /** pass, fail, error findings (waivers not yet applied) */
  findings: Finding[];
  /** rule x subject pairs that did not apply: counted, not listed (a million of them help nobody) */
  notApplicable: number;
}

/** Judges every subject with every selected rule of its kind. */
export async function evaluateFacts(facts: FactsBySubject, options: EvaluateOptions, evaluators = buildEvaluators(options.rules)): Promise<EvaluatedFindings> {
  const findings: Finding[] = [];
  let notApplicable = 0;
  for (const kind of SUBJECT_KINDS) {
    const evaluator = evaluators.get(kind)!;
    const profiled = evaluator.compiledRules;
    if (profiled.length === 0) continue;
    for (const subject of facts[kind] as SubjectIdentity[]) {
      const outcomes = await evaluator.evaluate(subject);
      // Shared by every finding of this subject: built and hashed once.
      const resource = {
        arn: subject.arn, kind, name: subject.name, region: subject.region, account: subject.account,
        loadBalancerArn: subject.loadBalancerArn, loadBalancerType: subject.loadBalancerType,
      };
      const state = resourceState(resource);
      profiled.forEach(({ rule, params, severity }) => {
        let outcome = outcomes.get(rule.id)!;
        if (outcome.status === 'not_applicable') {
          notApplicable++;
          return;
        }
        // "Could not see" is never a verdict: a failing visibility rule is an error, which marks the run incomplete.
        const visibility = GAP_CATEGORIES.has(rule.category);
        if (outcome.status === 'fail' && visibility) outcome = { ...outcome, status: 'error', reason: null };
        let message: string;
        if (outcome.status === 'fail' || (outcome.status === 'error' && visibility)) message = renderMessage(rule.messages[outcome.messageId ?? ''] ?? rule.title, subject, params);
        else if (outcome.status === 'error') message = `Not judged (check: ${rule.title}): ${outcome.reason ?? "unknown error"}`;
        else message = renderMessage(rule.passMessage, subject, params);
        findings.push({
          ruleId: rule.id, category: rule.category, severity, status: outcome.status, resource, message,
          messageId: outcome.messageId, evidence: outcome.evidence, controls: rule.controls,
          fingerprint: finish(state, rule.id), waiver: null,
        });
      });
    }
  }
  return { findings, notApplicable };
}

/** The whole evaluate stage: rule findings, collection gaps, the empty-estate note, waivers, stable order. */
export async function evaluate(snapshot: Snapshot, facts: FactsBySubject, options: EvaluateOptions): Promise<EvaluatedFindings> {
  const system = [...collectionFindings(snapshot.attempts), ...emptyEstateFindings(snapshot.scope, snapshot.loadBalancers.length)]
    .map((f) => ({ ...f, fingerprint: fingerprintOf(f.ruleId, f.resource) }));
  const judged = await evaluateFacts(facts, options);
  return { findings: applyWaivers([...judged.findings, ...system], options.waivers, options.asOf).sort(compareFindings), notApplicable: judged.notApplicable };
}
