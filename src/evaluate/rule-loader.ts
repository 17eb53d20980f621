/** Loads rules/<id>.json files, validates them strictly, and reports every problem with its file and path. */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AuditError } from '../model/errors.ts';
import type { RuleDefinition } from '../model/rule.ts';
import { customOperators } from './operators.ts';
import { validateFacts, validateRuleShape } from './validation.ts';

const BUILTIN_OPERATORS = new Set([
  'equal', 'notEqual', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive', 'in', 'notIn', 'contains', 'doesNotContain',
]);

function conditionProblems(node: unknown, where: string, problems: string[], names: Set<string>): void {
  if (!node || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  if (typeof n.name === 'string') names.add(n.name);
  for (const key of ['all', 'any'] as const) {
    const list = n[key];
    if (Array.isArray(list)) list.forEach((c, i) => conditionProblems(c, `${where}.${key}[${i}]`, problems, names));
  }
  if (n.not) conditionProblems(n.not, `${where}.not`, problems, names);
  if (typeof n.operator === 'string') {
    const base = n.operator.split(':').pop()!;
    if (!BUILTIN_OPERATORS.has(base) && !(base in customOperators)) problems.push(`${where}: unknown operator "${n.operator}"`);
  }
}

/** Problems in one parsed rule (empty when the rule is sound). */
export function ruleProblems(rule: unknown, fileName: string): string[] {
  const shape = validateRuleShape(rule);
  if (shape.length > 0) return shape;
  const r = rule as RuleDefinition;
  const problems: string[] = [];
  if (r.id !== basename(fileName, '.json')) problems.push(`/id "${r.id}" must equal the file name "${basename(fileName, '.json')}"`);
  const names = new Set<string>();
  conditionProblems(r.appliesTo, '/appliesTo', problems, names);
  conditionProblems(r.conditions, '/conditions', problems, names);
  for (const [kind, examples] of Object.entries(r.examples)) {
    (examples ?? []).forEach((example, i) => {
      for (const line of validateFacts(r.subject, example.facts)) problems.push(`/examples/${kind}/${i} (${example.name}) facts${line}`);
      if (example.messageId !== undefined && !(example.messageId in r.messages)) {
        problems.push(`/examples/${kind}/${i} (${example.name}) messageId "${example.messageId}" is not in /messages`);
      }
    });
  }
  const messageIds = Object.keys(r.messages);
  for (const id of messageIds.slice(1)) {
    if (!names.has(id)) problems.push(`/messages/${id} is never chosen: no condition is named "${id}"`);
  }
  return problems;
}

/** Reads and validates every rules/*.json in a folder (not schema files, not sub-folders). */
export function loadRules(dir: string): RuleDefinition[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json')).sort();
  } catch (error) {
    throw new AuditError('BAD_INPUT', `cannot read the rules folder: ${(error as Error).message}`, dir);
  }
  const rules: RuleDefinition[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const path = join(dir, file);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      problems.push(`${path}: not valid JSON: ${(error as Error).message}`);
      continue;
    }
    const found = ruleProblems(parsed, file);
    if (found.length > 0) problems.push(...found.map((p) => `${path}: ${p}`));
    else rules.push(parsed as RuleDefinition);
  }
  if (problems.length > 0) throw new AuditError('BAD_RULE', `invalid rules:\n  ${problems.join('\n  ')}`, dir);
  return rules;
}
