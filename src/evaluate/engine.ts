/**
 * The json-rules-engine wrapper: one Engine per subject kind, a strict dot-path resolver, custom operators,
 * and an outcome cache keyed by the exact fact values the rules read. Subjects whose read values are
 * identical get identical outcomes, so they are judged once: this keeps the rule format and makes
 * 40,000 listeners cheap. Nothing is computed here that enrich did not already put in the facts.
 */
import { Engine, type RuleResult, type TopLevelCondition } from 'json-rules-engine';
import type { SubjectKind } from '../model/facts.ts';
import type { ConditionEvidence } from '../model/finding.ts';
import type { ProfiledRule } from './profiles.ts';
import { customOperators, nullAwareOperators } from './operators.ts';
import { readDotPath, resolveDotPath } from './path.ts';

export interface RuleOutcome {
  status: 'pass' | 'fail' | 'not_applicable' | 'error';
  messageId: string | null;
  evidence: ConditionEvidence[];
  reason: string | null;
}

interface FactRef {
  fact: string;
  path: string | null;
}

const APPLIES = '\u0000applies';
const CHECK = '\u0000check';

/** Replaces `{ "$param": "name" }` anywhere in a condition tree with the param's value. */
export function bindParams(node: unknown, params: Record<string, unknown>, ruleId: string): unknown {
  if (Array.isArray(node)) return node.map((n) => bindParams(n, params, ruleId));
  if (node && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    if (typeof obj.$param === 'string' && Object.keys(obj).length === 1) {
      if (!(obj.$param in params)) throw new Error(`rule ${ruleId}: condition uses param "${obj.$param}" the rule does not declare`);
      return params[obj.$param];
    }
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, bindParams(v, params, ruleId)]));
  }
  return node;
}

function collectRefs(node: unknown, into: Map<string, FactRef>): void {
  if (Array.isArray(node)) return node.forEach((n) => collectRefs(n, into));
  if (!node || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  if (typeof obj.fact === 'string') {
    const path = typeof obj.path === 'string' ? obj.path : null;
    into.set(`${obj.fact}|${path ?? ''}`, { fact: obj.fact, path });
  }
  for (const v of Object.values(obj)) collectRefs(v, into);
}

function newEngine(): Engine {
  const engine = new Engine([], { allowUndefinedFacts: false, pathResolver: resolveDotPath });
  // A three-valued operator's null reaches the condition's result (json-rules-engine treats it as false); verdict() reads it as unknown.
  for (const [name, fn] of Object.entries(customOperators)) engine.addOperator(name, fn as (a: unknown, b: unknown) => boolean);
  return engine;
}

type ConditionNode = Record<string, unknown> & { result?: boolean | null };

function leaves(node: ConditionNode, out: ConditionEvidence[]): void {
  for (const key of ['all', 'any'] as const) {
    const list = node[key];
    if (Array.isArray(list)) for (const child of list) leaves(child as ConditionNode, out);
  }
  if (node.not) leaves(node.not as ConditionNode, out);
  if (typeof node.fact === 'string' && node.result !== undefined && node.result !== null) {
    out.push({
      fact: node.fact,
      path: typeof node.path === 'string' ? node.path : null,
      operator: String(node.operator),
      expected: node.value ?? null,
      actual: node.factResult ?? null,
      result: node.result,
    });
  }
}

/** The first failed condition carrying a name that is a message id picks the message. */
function failedMessageId(node: ConditionNode, messageIds: ReadonlySet<string>): string | null {
  if (node.result === false && typeof node.name === 'string' && messageIds.has(node.name)) return node.name;
  const children = [...(Array.isArray(node.all) ? node.all : []), ...(Array.isArray(node.any) ? node.any : []), ...(node.not ? [node.not] : [])];
  for (const child of children) {
    const found = failedMessageId(child as ConditionNode, messageIds);
    if (found) return found;
  }
  return null;
}

interface CompiledRule {
  profiled: ProfiledRule;
  appliesTo: TopLevelCondition;
  conditions: TopLevelCondition;
  messageIds: Set<string>;
}

/**
 * Facts say "could not be known" with null. json-rules-engine would judge null as a value (null == true is
 * false: a fail; null != false is true: a pass), so a leaf that reads null is unknown, unless it asks about
 * null itself (`"value": null`, the rule giving null a meaning such as "no trust store") or its operator
 * is null-aware. A path under a null fact is unknown too. all/any/not combine unknowns Kleene-style, so a
 * rule is an error only when an unobserved value could change its verdict.
 * A leaf whose fact enrich listed in the subject's `unknown` map (it was not observed: a call failed, or the
 * answer lacked it) is unknown whatever its value. Undecided on an error is an error; undecided only on what
 * was skipped on purpose is not applicable.
 */
type Verdict = true | false | 'unknown' | 'skipped';
type UnknownFacts = Record<string, { status: 'error' | 'skipped'; reason: string }>;

function isEmpty(record: object): boolean {
  for (const _ in record) return false;
  return true;
}

/** The unknown-fact entry covering fact.path, if any (an entry for `backend` covers `backend.encrypted`). */
export function unknownEntry(unknown: UnknownFacts | undefined, fact: string, path: string | null): UnknownFacts[string] | undefined {
  if (!unknown) return undefined;
  let key = fact;
  const direct = unknown[key];
  if (direct || path === null) return direct;
  for (const segment of path.split('.')) {
    key = `${key}.${segment}`;
    const entry = unknown[key];
    if (entry) return entry;
  }
  return undefined;
}

function verdict(node: ConditionNode, facts: Record<string, unknown>, unread: string[]): Verdict {
  if (Array.isArray(node.all) || Array.isArray(node.any)) {
    const isAll = Array.isArray(node.all);
    const mark = unread.length;
    const parts = ((isAll ? node.all : node.any) as ConditionNode[]).map((c) => verdict(c, facts, unread));
    // Only an unknown that decides the verdict is worth naming.
    if ((!parts.includes('unknown') && !parts.includes('skipped')) || parts.includes(!isAll)) unread.length = mark;
    if (parts.includes(!isAll)) return !isAll;
    if (parts.includes('unknown')) return 'unknown';
    return parts.includes('skipped') ? 'skipped' : isAll;
  }
  if (node.not) {
    const inner = verdict(node.not as ConditionNode, facts, unread);
    return inner === 'unknown' || inner === 'skipped' ? inner : !inner;
  }
  if (typeof node.fact === 'string') {
    const path = typeof node.path === 'string' ? node.path : null;
    const name = path === null ? node.fact : `${node.fact}.${path}`;
    const entry = unknownEntry(facts.unknown as UnknownFacts | undefined, node.fact, path);
    if (entry) {
      unread.push(`${name} was not observed: ${entry.reason}`);
      return entry.status === 'skipped' ? 'skipped' : 'unknown';
    }
    const why = typeof facts.parseError === 'string' ? ` (${facts.parseError})` : '';
    if (path !== null && facts[node.fact] === null) {
      unread.push(`"${node.fact}" is null, so "${name}" cannot be read${why}`);
      return 'unknown';
    }
    if (node.result !== undefined && node.factResult === null && node.value !== null && !nullAwareOperators.has(String(node.operator))) {
      unread.push(`"${name}" is null: it was not observed or the API did not report it${why}`);
      return 'unknown';
    }
  }
  if (node.result === null && typeof node.fact === 'string') {
    unread.push(`${String(node.operator)} found a value in "${typeof node.path === 'string' ? `${node.fact}.${node.path}` : node.fact}" that was not observed`);
    return 'unknown';
  }
  return node.result === undefined || node.result === null ? 'unknown' : node.result;
}

/** Judges every facts object of one subject kind against that kind's rules. */
export class SubjectEvaluator {
  readonly kind: SubjectKind;
  private readonly rules: CompiledRule[];
  private readonly engine: Engine;
  private readonly refs: FactRef[];
  private readonly cache = new Map<string, Map<string, RuleOutcome>>();
  /** How many subjects actually went through json-rules-engine (for the bench). */
  engineRuns = 0;

  constructor(kind: SubjectKind, rules: readonly ProfiledRule[]) {
    this.kind = kind;
    this.rules = rules.map((profiled) => ({
      profiled,
      appliesTo: bindParams(profiled.rule.appliesTo, profiled.params, profiled.rule.id) as TopLevelCondition,
      conditions: bindParams(profiled.rule.conditions, profiled.params, profiled.rule.id) as TopLevelCondition,
      messageIds: new Set(Object.keys(profiled.rule.messages)),
    }));
    this.engine = newEngine();
    for (const r of this.rules) this.addRule(this.engine, r);
    const refs = new Map<string, FactRef>();
    for (const r of this.rules) collectRefs([r.appliesTo, r.conditions], refs);
    this.refs = [...refs.values()];
  }

  private addRule(engine: Engine, r: CompiledRule): void {
    const id = r.profiled.rule.id;
    engine.addRule({ name: id + APPLIES, conditions: r.appliesTo, event: { type: id } });
    engine.addRule({ name: id + CHECK, conditions: r.conditions, event: { type: id } });
  }

  private cacheKey(facts: Record<string, unknown>): string {
    let unknown = facts.unknown as UnknownFacts | undefined;
    // Most subjects saw everything: skip the per-reference look-up for them.
    if (unknown !== undefined && isEmpty(unknown)) unknown = undefined;
    return JSON.stringify(this.refs.map((ref) => {
      // An unobserved fact keys by its status and reason: the outcome (and its message) depends on both.
      const entry = unknownEntry(unknown, ref.fact, ref.path);
      if (entry) return { '\u0000unknown': entry };
      const value = ref.fact in facts ? (ref.path ? readDotPath(facts[ref.fact], ref.path) : facts[ref.fact]) : undefined;
      return value === undefined ? '\u0000absent' : value;
    }));
  }

  private outcome(r: CompiledRule, facts: Record<string, unknown>, applies: RuleResult | undefined, check: RuleResult | undefined): RuleOutcome {
    if (!applies || !check) return { status: 'error', messageId: null, evidence: [], reason: 'the rule did not run' };
    const unread: string[] = [];
    const appliesVerdict = verdict(applies.conditions as unknown as ConditionNode, facts, unread);
    if (appliesVerdict === 'unknown') return { status: 'error', messageId: null, evidence: [], reason: unread[0] ?? 'applicability unknown' };
    if (appliesVerdict === 'skipped' || !appliesVerdict) return { status: 'not_applicable', messageId: null, evidence: [], reason: unread[0] ?? null };
    const checkVerdict = verdict(check.conditions as unknown as ConditionNode, facts, unread);
    if (checkVerdict === 'unknown') return { status: 'error', messageId: null, evidence: [], reason: unread[0] ?? 'verdict unknown' };
    if (checkVerdict === 'skipped') return { status: 'not_applicable', messageId: null, evidence: [], reason: unread[0] ?? null };
    const evidence: ConditionEvidence[] = [];
    const tree = check.conditions as unknown as ConditionNode;
    leaves(tree, evidence);
    if (check.result) return { status: 'pass', messageId: null, evidence, reason: null };
    const messageId = failedMessageId(tree, r.messageIds) ?? Object.keys(r.profiled.rule.messages)[0] ?? null;
    return { status: 'fail', messageId, evidence, reason: null };
  }

  private async runAll(facts: Record<string, unknown>): Promise<Map<string, RuleOutcome>> {
    this.engineRuns++;
    const out = new Map<string, RuleOutcome>();
    try {
      const run = await this.engine.run(facts);
      const byName = new Map<string, RuleResult>();
      for (const result of [...run.results, ...run.failureResults]) byName.set(result.name as string, result);
      for (const r of this.rules) {
        const id = r.profiled.rule.id;
        out.set(id, this.outcome(r, facts, byName.get(id + APPLIES), byName.get(id + CHECK)));
      }
      return out;
    } catch {
      // One rule read something absent: judge rule by rule so only that rule errors.
      for (const r of this.rules) out.set(r.profiled.rule.id, await this.runOne(r, facts));
      return out;
    }
  }

  private async runOne(r: CompiledRule, facts: Record<string, unknown>): Promise<RuleOutcome> {
    const engine = newEngine();
    this.addRule(engine, r);
    try {
      const run = await engine.run(facts);
      const all = [...run.results, ...run.failureResults];
      const id = r.profiled.rule.id;
      return this.outcome(r, facts, all.find((x) => x.name === id + APPLIES), all.find((x) => x.name === id + CHECK));
    } catch (error) {
      return { status: 'error', messageId: null, evidence: [], reason: (error as Error).message };
    }
  }

  /** Outcomes of every rule of this kind for one facts object. */
  async evaluate(facts: object): Promise<Map<string, RuleOutcome>> {
    const record = facts as Record<string, unknown>;
    const key = this.cacheKey(record);
    let outcomes = this.cache.get(key);
    if (!outcomes) {
      outcomes = await this.runAll(record);
      this.cache.set(key, outcomes);
    }
    return outcomes;
  }

  get compiledRules(): readonly ProfiledRule[] {
    return this.rules.map((r) => r.profiled);
  }
}
