/**
 * The generic rule tester: every example of every rule (its patch over the subject's base facts) runs
 * through the production evaluator (SubjectEvaluator, the same operators and resolver) and must land on
 * its expected status and message. `unknown` examples carry an unobserved (null) value and must be errors.
 */
import type { RuleDefinition, RuleExample } from '../model/rule.ts';
import { SubjectEvaluator } from './engine.ts';
import { exampleFacts } from './example-facts.ts';
import { renderMessage } from './messages.ts';
import { remediationVariantIndex } from './remediation.ts';

export type ExpectedStatus = 'pass' | 'fail' | 'not_applicable' | 'error';

export interface ExampleResult {
  ruleId: string;
  example: string;
  expected: ExpectedStatus;
  actual: string;
  ok: boolean;
  problem: string | null;
  message: string | null;
}

export const EXAMPLE_KINDS: readonly [keyof RuleDefinition['examples'], ExpectedStatus][] = [
  ['pass', 'pass'], ['fail', 'fail'], ['notApplicable', 'not_applicable'], ['unknown', 'error'],
];

const unresolved = (message: string) => /\bunknown\b.*\bunknown\b|\{\{/.test(message);

/** Runs one example of one rule and says whether it behaved as declared. */
export async function runExample(rule: RuleDefinition, example: RuleExample, expected: ExpectedStatus): Promise<ExampleResult> {
  const params = { ...rule.params, ...(example.params ?? {}) };
  const facts = exampleFacts(rule.subject, example);
  const evaluator = new SubjectEvaluator(rule.subject, [{ rule, params, severity: rule.severity }]);
  const outcome = (await evaluator.evaluate(facts)).get(rule.id)!;
  let problem: string | null = null;
  let message: string | null = null;
  if (outcome.status !== expected) {
    problem = `expected ${expected}, got ${outcome.status}${outcome.reason ? ` (${outcome.reason})` : ''}`;
  } else if (expected === 'fail') {
    if (outcome.messageId !== example.messageId) problem = `expected message "${example.messageId}", got "${outcome.messageId}"`;
    message = renderMessage(rule.messages[outcome.messageId ?? ''] ?? '', facts, params);
    if (unresolved(message)) problem ??= `message renders with unresolved placeholders: ${message}`;
  } else if (expected === 'pass') {
    message = renderMessage(rule.passMessage, facts, params);
    if (unresolved(message)) problem = `pass message renders with unresolved placeholders: ${message}`;
  } else if (expected === 'error' && !outcome.reason) {
    problem = 'an error must say which value could not be read';
  }
  return { ruleId: rule.id, example: example.name, expected, actual: outcome.status, ok: problem === null, problem, message };
}

/** Each remediation variant must be the one some fail example gets, so no variant is dead or shadowed. */
export function checkRemediationVariants(rule: RuleDefinition): ExampleResult[] {
  const chosen = new Set((rule.examples.fail ?? []).map((e) => remediationVariantIndex(rule, exampleFacts(rule.subject, e))));
  return (rule.remediation.variants ?? []).map((v, i) => {
    const ok = chosen.has(i);
    return { ruleId: rule.id, example: `remediation variant ${i} (${JSON.stringify(v.when)})`, expected: 'fail' as const, actual: ok ? 'fail' : 'unused',
      ok, problem: ok ? null : `no fail example chooses remediation variant ${i} (${JSON.stringify(v.when)}); add one, or an earlier variant shadows it`, message: null };
  });
}

/** Runs every example of every rule, and checks that each remediation variant is reached. */
export async function testRules(rules: readonly RuleDefinition[]): Promise<ExampleResult[]> {
  const results: ExampleResult[] = [];
  for (const rule of rules) {
    for (const [key, expected] of EXAMPLE_KINDS) {
      for (const example of rule.examples[key] ?? []) results.push(await runExample(rule, example, expected));
    }
    results.push(...checkRemediationVariants(rule));
  }
  return results;
}
