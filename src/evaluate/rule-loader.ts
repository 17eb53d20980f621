/** Loads rules/<id>.json files, validates them strictly, and reports every problem with its file and path. */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AuditError } from '../model/errors.ts';
import type { RuleDefinition } from '../model/rule.ts';
import { exampleFacts } from './example-facts.ts';
import { customOperators } from './operators.ts';
import { paramProblems } from './params.ts';
import { validateFacts, validateRuleShape } from './validation.ts';
import { variantProblems } from './remediation.ts';

const BUILTIN_OPERATORS = new Set([
  'equal', 'notEqual', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive', 'in', 'notIn', 'contains', 'doesNotContain',
]);

interface ConditionScan {
  problems: string[];
  names: Set<string>;
  params: Set<string>;
}

function scanParams(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) return value.forEach((v) => scanParams(v, into));
  if (!value || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  if (typeof obj.$param === 'string') into.add(obj.$param);
  else for (const v of Object.values(obj)) scanParams(v, into);
}

function scanConditions(node: unknown, where: string, scan: ConditionScan): void {
  if (!node || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  if (typeof n.name === 'string') scan.names.add(n.name);
  for (const key of ['all', 'any'] as const) {
    const list = n[key];
    if (Array.isArray(list)) list.forEach((c, i) => scanConditions(c, `${where}.${key}[${i}]`, scan));
  }
  if (n.not) scanConditions(n.not, `${where}.not`, scan);
  if (typeof n.operator === 'string') {
    const base = n.operator.split(':').pop()!;
    if (!BUILTIN_OPERATORS.has(base) && !(base in customOperators)) scan.problems.push(`${where}: unknown operator "${n.operator}"`);
    scanParams(n.value, scan.params);
  }
}

/** Problems in one parsed rule (empty when the rule is sound). */
export function ruleProblems(rule: unknown, fileName: string): string[] {
  const shape = validateRuleShape(rule);
  if (shape.length > 0) return shape;
  const r = rule as RuleDefinition;
  const problems: string[] = [];
  if (r.id !== basename(fileName, '.json')) problems.push(`/id "${r.id}" must equal the file name "${basename(fileName, '.json')}"`);
  const scan: ConditionScan = { problems, names: new Set(), params: new Set() };
  scanConditions(r.appliesTo, '/appliesTo', scan);
  scanConditions(r.conditions, '/conditions', scan);
  for (const name of scan.params) if (!(name in r.paramsSchema)) problems.push(`/conditions use {"$param": "${name}"}, which /paramsSchema does not declare`);
  for (const name of Object.keys(r.paramsSchema)) if (!(name in r.params)) problems.push(`/params has no default for "${name}" (declared in /paramsSchema)`);
  problems.push(...paramProblems(r, r.params, '/params', { partial: false }));
  problems.push(...variantProblems(r));
  for (const [kind, examples] of Object.entries(r.examples)) {
    (examples ?? []).forEach((example, i) => {
      const at = `/examples/${kind}/${i} (${example.name})`;
      for (const line of validateFacts(r.subject, exampleFacts(r.subject, example))) problems.push(`${at} base facts + patch${line}`);
      if (example.params) problems.push(...paramProblems(r, example.params, `${at} /params`, { partial: true }));
      if (example.messageId !== undefined && !(example.messageId in r.messages)) problems.push(`${at} messageId "${example.messageId}" is not in /messages`);
    });
  }
  const messageIds = Object.keys(r.messages);
  for (const id of messageIds.slice(1)) {
    if (!scan.names.has(id)) problems.push(`/messages/${id} is never chosen: no condition is named "${id}"`);
  }
  return problems;
}

/** Reads and validates every rules/*.json in a folder (not schema files, not sub-folders); any problem is exit 2 naming the file. */
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
    let text: string;
    let parsed: unknown;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      problems.push(`${path}: cannot read: ${(error as Error).message}`);
      continue;
    }
    try {
      parsed = JSON.parse(text);
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
