/**
 * The json-rules-engine wrapper: one Engine per rule, a strict dot-path resolver, custom operators, and
 * outcome caches keyed by the exact fact values the rules read. Subjects whose read values are identical
 * get identical outcomes, so they are judged once: per subject kind (one look-up for a subject like one
 * seen before) and per rule (a new subject runs only the rules whose own reads are new). This keeps the
 * rule format and makes 40,000 listeners cheap. Nothing is computed here that enrich did not put in the facts.
 */
import { Engine, type RuleResult, type TopLevelCondition } from 'json-rules-engine';
import type { SubjectKind } from '../model/facts.ts';
import type { ConditionEvidence } from '../model/finding.ts';
import type { ProfiledRule } from './profiles.ts';
import { customOperators, nullAwareOperators } from './operators.ts';
import { pathSegments, resolveDotPath } from './path.ts';
import { compileReader, type Reader } from './reader.ts';

export interface RuleOutcome {
  status: 'pass' | 'fail' | 'not_applicable' | 'error';
  messageId: string | null;
  evidence: ConditionEvidence[];
  reason: string | null;
}

interface FactRef {
  fact: string;
  path: string | null;
  segments: readonly string[] | null;
  /** The `unknown` map keys that cover this read: the fact, then each longer prefix of its path (unknownEntry). */
  unknownKeys: readonly string[];
}

function unknownKeysOf(fact: string, path: string | null): string[] {
  const keys = [fact];
  if (path !== null) for (const segment of path.split('.')) keys.push(`${keys[keys.length - 1]}.${segment}`);
  return keys;
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
    const key = `${obj.fact}|${path ?? ''}`;
    if (!into.has(key)) into.set(key, { fact: obj.fact, path, segments: path === null ? null : pathSegments(path), unknownKeys: unknownKeysOf(obj.fact, path) });
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
  /** This rule's own engine: a new subject runs only the rules whose reads are new. */
  engine: Engine;
  /** Indexes into the kind's refs of the values this rule reads. */
  refIndexes: number[];
  /** The top-level facts this rule reads: all the engine is handed (it makes a Fact, and hashes it, for each one). */
  factNames: string[];
  /** Outcomes by the ids of the values this rule reads. */
  cache: Map<string, RuleOutcome>;
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
  // Own entries only: a fact named like an Object.prototype member (constructor, toString) is no entry.
  const own = (key: string) => (Object.hasOwn(unknown, key) ? unknown[key] : undefined);
  let key = fact;
  const direct = own(key);
  if (direct || path === null) return direct;
  for (const segment of path.split('.')) {
    key = `${key}.${segment}`;
    const entry = own(key);
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

/**
 * Ids for the values rules read, so a cache key is a short list of numbers however large the value (a
 * resolved policy and its cipher suites). Equal values get equal ids: primitives by value, objects by their
 * JSON (an object shared by many subjects is stringified once per run). Ids stay valid for the evaluator's
 * life; the object memo only for one run (facts may change between runs).
 */
class ValueIds {
  private next = 0;
  private readonly strings = new Map<string, number>();
  private readonly numbers = new Map<number, number>();
  private readonly objects = new Map<string, number>();
  private readonly unknownErrors = new Map<string, number>();
  private readonly unknownSkips = new Map<string, number>();
  private readonly topLevel = new Map<unknown, number>();
  /** Lists of primitives by their elements' ids, one trie level per element (no JSON per listener for its certificate ARNs). */
  private readonly lists: ListNode = { id: -1, next: new Map() };
  private readonly others = new Map<unknown, number>();
  private memo = new WeakMap<object, number>();
  readonly absentFact = this.next++;
  readonly absentPath = this.next++;
  readonly noParseError = this.next++;
  // A third of all reads are true, false or null: fixed ids, no map.
  private readonly trueId = this.next++;
  private readonly falseId = this.next++;
  private readonly nullId = this.next++;

  get size(): number {
    return this.next;
  }

  /** Starts a run: objects seen before may have changed. */
  newRun(): void {
    this.memo = new WeakMap();
  }

  private intern<K>(map: Map<K, number>, key: K): number {
    let id = map.get(key);
    if (id === undefined) map.set(key, (id = this.next++));
    return id;
  }

  of(value: unknown): number {
    if (typeof value === 'string') return this.intern(this.strings, value);
    if (typeof value === 'number') return this.intern(this.numbers, value);
    if (value === true) return this.trueId;
    if (value === false) return this.falseId;
    if (value === null) return this.nullId;
    if (typeof value === 'object') {
      // A short list (a listener's certificate ARNs) is its own: walking the trie costs less than remembering it.
      if (Array.isArray(value) && value.length <= 8) {
        const id = this.listOf(value);
        if (id !== undefined) return id;
      }
      let id = this.memo.get(value);
      if (id === undefined) {
        id = (Array.isArray(value) ? this.listOf(value) : undefined) ?? this.intern(this.objects, JSON.stringify(value));
        this.memo.set(value, id);
      }
      return id;
    }
    // undefined (a fact whose value is undefined), and anything else by identity
    return this.intern(this.others, value);
  }

  /** The id of a list of strings, numbers and booleans, by its elements; undefined for any other list (it keys by JSON). */
  private listOf(list: readonly unknown[]): number | undefined {
    for (let i = 0; i < list.length; i++) {
      const t = typeof list[i];
      if (t !== 'string' && t !== 'number' && t !== 'boolean') return undefined;
    }
    let node = this.lists;
    for (let i = 0; i < list.length; i++) {
      const element = this.of(list[i]);
      let child = node.next.get(element);
      if (!child) node.next.set(element, (child = { id: -1, next: new Map() }));
      node = child;
    }
    if (node.id === -1) node.id = this.next++;
    return node.id;
  }

  /** A fact not observed: outcomes (and their reasons) depend on the entry's status and reason (no key string per look-up). */
  unknown(entry: UnknownFacts[string]): number {
    return this.intern(entry.status === 'error' ? this.unknownErrors : this.unknownSkips, entry.reason);
  }

  /** A path read on a top-level value that is not an object: json-rules-engine hands the value itself to the operator. */
  notAnObject(value: unknown): number {
    return this.intern(this.topLevel, value);
  }
}

interface ListNode {
  id: number;
  next: Map<number, ListNode>;
}

interface KindEntry {
  read: readonly number[];
  outcomes: readonly RuleOutcome[];
}

/** Judges every facts object of one subject kind against that kind's rules. */
export class SubjectEvaluator {
  readonly kind: SubjectKind;
  private readonly rules: CompiledRule[];
  private readonly refs: FactRef[];
  private ids = new ValueIds();
  /** Kind-level outcomes by a hash of the read value ids (entries compare the ids themselves). */
  private readonly cache = new Map<number, KindEntry[]>();
  private entries = 0;
  private readonly readIds: number[];
  /** Reads every value the rules read, as ids (reader.ts). */
  private readonly reader: Reader;
  /** How many times json-rules-engine ran one rule (for the bench). */
  engineRuns = 0;

  constructor(kind: SubjectKind, rules: readonly ProfiledRule[]) {
    this.kind = kind;
    const refs = new Map<string, FactRef>();
    const compiled = rules.map((profiled) => {
      const appliesTo = bindParams(profiled.rule.appliesTo, profiled.params, profiled.rule.id) as TopLevelCondition;
      const conditions = bindParams(profiled.rule.conditions, profiled.params, profiled.rule.id) as TopLevelCondition;
      const own = new Map<string, FactRef>();
      collectRefs([appliesTo, conditions], own);
      for (const [key, ref] of own) if (!refs.has(key)) refs.set(key, ref);
      const keys = [...refs.keys()];
      const rule: CompiledRule = {
        profiled, appliesTo, conditions,
        messageIds: new Set(Object.keys(profiled.rule.messages)),
        engine: newEngine(),
        refIndexes: [...own.keys()].map((key) => keys.indexOf(key)),
        factNames: [...new Set([...own.values()].map((ref) => ref.fact))],
        cache: new Map(),
      };
      this.addRule(rule.engine, rule);
      return rule;
    });
    this.rules = compiled;
    this.refs = [...refs.values()];
    // The last slot is the parse error, which the reasons of unknown verdicts quote.
    this.readIds = new Array<number>(this.refs.length + 1).fill(0);
    this.reader = compileReader(this.refs);
  }

  private addRule(engine: Engine, r: CompiledRule): void {
    const id = r.profiled.rule.id;
    engine.addRule({ name: id + APPLIES, conditions: r.appliesTo, event: { type: id } });
    engine.addRule({ name: id + CHECK, conditions: r.conditions, event: { type: id } });
  }

  /** Starts a run over a fresh set of facts; bounds what a long-lived evaluator (a warm Lambda) keeps. */
  newRun(): void {
    if (this.ids.size > 500_000 || this.entries > 100_000) {
      this.cache.clear();
      this.entries = 0;
      for (const r of this.rules) r.cache.clear();
      this.ids = new ValueIds();
    }
    this.ids.newRun();
  }

  /** The id of every value the rules read, in refs order, then the parse error's. */
  private readValues(facts: Record<string, unknown>): number[] {
    let unknown = facts.unknown as UnknownFacts | undefined;
    // Most subjects saw everything: skip the per-reference look-up for them.
    if (unknown !== undefined && isEmpty(unknown)) unknown = undefined;
    this.reader(facts, unknown, this.ids, this.readIds);
    return this.readIds;
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

  /** One rule through its own engine; a read of something absent makes this rule an error, no other. */
  private async runOne(r: CompiledRule, facts: Record<string, unknown>): Promise<RuleOutcome> {
    this.engineRuns++;
    try {
      // Only what the rule reads: a fact it names but the subject lacks stays absent (an undefined-fact error, as before).
      const read: Record<string, unknown> = {};
      for (const name of r.factNames) if (Object.hasOwn(facts, name)) read[name] = facts[name];
      const run = await r.engine.run(read);
      const id = r.profiled.rule.id;
      let applies: RuleResult | undefined;
      let check: RuleResult | undefined;
      for (const result of [...run.results, ...run.failureResults]) {
        if (result.name === id + APPLIES) applies = result;
        else if (result.name === id + CHECK) check = result;
      }
      return this.outcome(r, facts, applies, check);
    } catch (error) {
      return { status: 'error', messageId: null, evidence: [], reason: (error as Error).message };
    }
  }

  private async runAll(facts: Record<string, unknown>, read: readonly number[]): Promise<RuleOutcome[]> {
    const parseError = read[read.length - 1]!;
    return Promise.all(this.rules.map((r) => {
      let key = '';
      for (const i of r.refIndexes) key += `${read[i]},`;
      key += parseError;
      const cached = r.cache.get(key);
      if (cached) return cached;
      return this.runOne(r, facts).then((outcome) => {
        r.cache.set(key, outcome);
        return outcome;
      });
    }));
  }

  /** The hash of the last read looked up. */
  private lastHash = 0;

  /** The kind-level entry whose read values equal `read`, if any (its hash is left in lastHash). */
  private lookup(read: readonly number[]): KindEntry | undefined {
    let hash = 0x811c9dc5 | 0;
    for (let i = 0; i < read.length; i++) hash = Math.imul(hash ^ read[i]!, 0x01000193);
    this.lastHash = hash;
    const bucket = this.cache.get(hash);
    if (bucket === undefined) return undefined;
    for (let b = 0; b < bucket.length; b++) {
      const entry = bucket[b]!;
      let same = true;
      for (let i = 0; i < read.length && same; i++) same = entry.read[i] === read[i];
      if (same) return entry;
    }
    return undefined;
  }

  /**
   * Outcomes of every rule of this kind, in the order of compiledRules, when a subject reading the same
   * values was judged before; null when it must go through the engine (outcomesOf).
   */
  cachedOutcomes(facts: object): readonly RuleOutcome[] | null {
    return this.lookup(this.readValues(facts as Record<string, unknown>))?.outcomes ?? null;
  }

  /** Outcomes of every rule of this kind, in the order of compiledRules. */
  async outcomesOf(facts: object): Promise<readonly RuleOutcome[]> {
    const record = facts as Record<string, unknown>;
    const read = [...this.readValues(record)];
    const entry = this.lookup(read);
    if (entry) return entry.outcomes;
    const outcomes = await this.runAll(record, read);
    // Another subject with the same reads may have finished first while this one waited for the engine.
    const again = this.lookup(read);
    if (again) return again.outcomes;
    let bucket = this.cache.get(this.lastHash);
    if (!bucket) this.cache.set(this.lastHash, (bucket = []));
    bucket.push({ read, outcomes });
    this.entries++;
    return outcomes;
  }

  /** Outcomes of every rule of this kind for one facts object. */
  async evaluate(facts: object): Promise<Map<string, RuleOutcome>> {
    this.ids.newRun();
    const outcomes = await this.outcomesOf(facts);
    return new Map(this.rules.map((r, i) => [r.profiled.rule.id, outcomes[i]!]));
  }

  get compiledRules(): readonly ProfiledRule[] {
    return this.rules.map((r) => r.profiled);
  }
}
