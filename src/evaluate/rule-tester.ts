/**
 * The generic rule tester: every example of every rule runs through the production evaluator
 * (SubjectEvaluator, the same operators and resolver) and must land on its expected status and message.
 */
import type { RuleDefinition, RuleExample } from '../model/rule.ts';
import { SubjectEvaluator } from './engine.ts';
import { renderMessage } from './messages.ts';

export type ExpectedStatus = 'pass' | 'fail' | 'not_applicable';

export interface ExampleResult {
  ruleId: string;
  example: string;
  expected: ExpectedStatus;
  actual: string;
  ok: boolean;
  problem: string | null;
  message: string | null;
}

const KINDS: [keyof RuleDefinition['examples'], ExpectedStatus][] = [['pass', 'pass'], ['fail', 'fail'], ['notApplicable', 'not_applicable']];

/** Runs one example of one rule and says whether it behaved as declared. */
export async function runExample(rule: RuleDefinition, example: RuleExample, expected: ExpectedStatus): Promise<ExampleResult> {
  const params = { ...rule.params, ...(example.params ?? {}) };
  const evaluator = new SubjectEvaluator(rule.subject, [{ rule, params, severity: rule.severity }]);
  const outcome = (await evaluator.evaluate(example.facts)).get(rule.id)!;
  let problem: string | null = null;
  let message: string | null = null;
  if (outcome.status !== expected) {
    problem = `expected ${expected}, got ${outcome.status}${outcome.reason ? ` (${outcome.reason})` : ''}`;
  } else if (expected === 'fail') {
    if (outcome.messageId !== example.messageId) problem = `expected message "${example.messageId}", got "${outcome.messageId}"`;
    message = renderMessage(rule.messages[outcome.messageId ?? ''] ?? '', example.facts, params);
    if (/\bunknown\b.*\bunknown\b|\{\{/.test(message)) problem ??= `message renders with unresolved placeholders: ${message}`;
  }
  return { ruleId: rule.id, example: example.name, expected, actual: outcome.status, ok: problem === null, problem, message };
}

/** Runs every example of every rule. */
export async function testRules(rules: readonly RuleDefinition[]): Promise<ExampleResult[]> {
  const results: ExampleResult[] = [];
  for (const rule of rules) {
    for (const [key, expected] of KINDS) {
      for (const example of rule.examples[key] ?? []) results.push(await runExample(rule, example, expected));
    }
  }
  return results;
}
