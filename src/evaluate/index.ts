/** evaluate: facts + rules + profile + waivers -> findings, in a stable order with stable identities. */
import type { FactsBySubject, SubjectIdentity, SubjectKind } from '../model/facts.ts';
import { SUBJECT_KINDS } from '../model/facts.ts';
import type { Finding, FindingStatus } from '../model/finding.ts';
import { SEVERITIES } from '../model/rule.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { SubjectEvaluator, type RuleOutcome } from './engine.ts';
import { compileMessage, MessageMemo, type CompiledMessage } from './messages.ts';
import type { ProfiledRule } from './profiles.ts';
import { collectionFindings, emptyEstateFindings, GAP_CATEGORIES } from './system-rules.ts';
import { applyWaivers, type Waiver } from './waivers.ts';

export interface EvaluateOptions {
  rules: readonly ProfiledRule[];
  waivers: readonly Waiver[];
  asOf: string;
}

/** FNV-1a over two 32-bit lanes, continued from a previous state (s1, s2); the new state goes to LANES. */
const LANES = new Int32Array(2);
function fnvInto(text: string, s1: number, s2: number, from = 0, to = text.length): void {
  let h1 = s1;
  let h2 = s2;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h1 >>> 15);
  }
  LANES[0] = h1;
  LANES[1] = h2;
}
const FNV_SEED: readonly [number, number] = [0x811c9dc5 | 0, 0xcbf29ce4 | 0];
const BAR = '|';
/**
 * The state after `account|region|` and an ARN up to its last `/`, for the subject before: the listeners of
 * one load balancer come one after another and share all of their ARN but its last part.
 */
const prefix = { account: '', region: '', arn: '', s1: 0, s2: 0 };
/**
 * The state after `account|region|arn|`, hashed piece by piece: the same as over the joined text, without
 * making (and flattening) that text per subject, and without hashing again the ARN prefix a subject shares
 * with the one before it.
 */
const resourceState = (r: { account: string; region: string; arn: string }): [number, number] => {
  const arn = r.arn;
  const cut = arn.lastIndexOf('/') + 1;
  if (cut === 0 || cut !== prefix.arn.length || r.account !== prefix.account || r.region !== prefix.region || !arn.startsWith(prefix.arn)) {
    fnvInto(r.account, FNV_SEED[0], FNV_SEED[1]);
    fnvInto(BAR, LANES[0]!, LANES[1]!);
    fnvInto(r.region, LANES[0]!, LANES[1]!);
    fnvInto(BAR, LANES[0]!, LANES[1]!);
    fnvInto(arn, LANES[0]!, LANES[1]!, 0, cut);
    prefix.account = r.account;
    prefix.region = r.region;
    prefix.arn = arn.slice(0, cut);
    prefix.s1 = LANES[0]!;
    prefix.s2 = LANES[1]!;
  }
  fnvInto(arn, prefix.s1, prefix.s2, cut);
  fnvInto(BAR, LANES[0]!, LANES[1]!);
  return [LANES[0]!, LANES[1]!];
};
const HEX = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const COLON = ':'.charCodeAt(0);
const ONE = '1'.charCodeAt(0);
/** The fingerprint text: both lanes as 8 lower-case hex digits each, then ":1" (one string, no intermediate ones: it runs per finding). */
const finish = (state: readonly [number, number], ruleId: string): string => {
  fnvInto(ruleId, state[0], state[1]);
  const h1 = LANES[0]!;
  const h2 = LANES[1]!;
  return String.fromCharCode(
    HEX[(h1 >>> 28) & 15]!, HEX[(h1 >>> 24) & 15]!, HEX[(h1 >>> 20) & 15]!, HEX[(h1 >>> 16) & 15]!,
    HEX[(h1 >>> 12) & 15]!, HEX[(h1 >>> 8) & 15]!, HEX[(h1 >>> 4) & 15]!, HEX[h1 & 15]!,
    HEX[(h2 >>> 28) & 15]!, HEX[(h2 >>> 24) & 15]!, HEX[(h2 >>> 20) & 15]!, HEX[(h2 >>> 16) & 15]!,
    HEX[(h2 >>> 12) & 15]!, HEX[(h2 >>> 8) & 15]!, HEX[(h2 >>> 4) & 15]!, HEX[h2 & 15]!, COLON, ONE,
  );
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

/** What every subject with the same outcomes gets: the findings to write (all but the message text and resource) and the not-applicable count. */
interface Plan {
  notApplicable: number;
  items: {
    rule: ProfiledRule['rule'];
    severity: ProfiledRule['severity'];
    status: Exclude<FindingStatus, 'not_applicable' | 'waived'>;
    messageId: string | null;
    evidence: Finding['evidence'];
    /** The message, or its template when it reads the subject. */
    message: string | CompiledMessage;
  }[];
}

// Keyed by an evaluator's cached outcome list (never changed once built, and owned by that evaluator and its rules).
const plans = new WeakMap<readonly RuleOutcome[], Plan>();

function planOf(outcomes: readonly RuleOutcome[], profiled: readonly ProfiledRule[]): Plan {
  let plan = plans.get(outcomes);
  if (plan) return plan;
  plan = { notApplicable: 0, items: [] };
  profiled.forEach(({ rule, params, severity }, i) => {
    const outcome = outcomes[i]!;
    if (outcome.status === 'not_applicable') {
      plan!.notApplicable++;
      return;
    }
    // "Could not see" is never a verdict: a failing visibility rule is an error, which marks the run incomplete.
    const visibility = GAP_CATEGORIES.has(rule.category);
    const status = outcome.status === 'fail' && visibility ? 'error' : outcome.status;
    let message: string | CompiledMessage;
    if (status === 'fail' || (status === 'error' && visibility)) message = compileMessage(rule.messages[outcome.messageId ?? ''] ?? rule.title, params);
    else if (status === 'error') message = `Not judged (check: ${rule.title}): ${outcome.reason ?? "unknown error"}`;
    else message = compileMessage(rule.passMessage, params);
    if (typeof message !== 'string' && message.constant !== null) message = message.constant;
    plan!.items.push({ rule, severity, status, messageId: outcome.messageId, evidence: outcome.evidence, message });
  });
  plans.set(outcomes, plan);
  return plan;
}

/** Judges every subject with every selected rule of its kind. */
export async function evaluateFacts(facts: FactsBySubject, options: EvaluateOptions, evaluators = buildEvaluators(options.rules)): Promise<EvaluatedFindings> {
  const findings: Finding[] = [];
  let notApplicable = 0;
  const memo = new MessageMemo();
  for (const kind of SUBJECT_KINDS) {
    const evaluator = evaluators.get(kind)!;
    const profiled = evaluator.compiledRules;
    if (profiled.length === 0) continue;
    evaluator.newRun();
    const subjects = facts[kind] as SubjectIdentity[];
    for (let s = 0; s < subjects.length; s++) {
      const subject = subjects[s]!;
      // Most subjects read what one before them read: no promise, no engine, one look-up.
      const plan = planOf(evaluator.cachedOutcomes(subject) ?? await evaluator.outcomesOf(subject), profiled);
      notApplicable += plan.notApplicable;
      if (plan.items.length === 0) continue;
      // Shared by every finding of this subject: built and hashed once.
      const resource = {
        arn: subject.arn, kind, name: subject.name, region: subject.region, account: subject.account,
        loadBalancerArn: subject.loadBalancerArn, loadBalancerType: subject.loadBalancerType,
      };
      const state = resourceState(resource);
      const items = plan.items;
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        const rule = item.rule;
        findings.push({
          ruleId: rule.id, category: rule.category, severity: item.severity, status: item.status, resource,
          message: typeof item.message === 'string' ? item.message : item.message.render(subject, memo),
          messageId: item.messageId, evidence: item.evidence, controls: rule.controls,
          fingerprint: finish(state, rule.id), waiver: null,
        });
      }
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
