/** Typed rule params: each rule's paramsSchema, and the checks rule defaults, examples and profiles go through. */
import type { RuleDefinition } from '../model/rule.ts';
import { validateAgainst } from '../io/schema.ts';

const schemas = new WeakMap<RuleDefinition, { full: object; partial: object }>();

/** The object schema of a rule's params: every declared param, nothing else (partial: none required). */
export function paramsObjectSchema(rule: RuleDefinition, partial: boolean): object {
  let pair = schemas.get(rule);
  if (!pair) {
    const base = { type: 'object', additionalProperties: false, properties: rule.paramsSchema };
    pair = { full: { ...base, required: Object.keys(rule.paramsSchema) }, partial: base };
    schemas.set(rule, pair);
  }
  return partial ? pair.partial : pair.full;
}

/** Problems with a params object for one rule, each naming its JSON path under `at`. */
export function paramProblems(rule: RuleDefinition, params: unknown, at: string, options: { partial: boolean }): string[] {
  try {
    return validateAgainst(paramsObjectSchema(rule, options.partial), params, at).map((line) => `${line} (rule ${rule.id})`);
  } catch (error) {
    return [`/paramsSchema of rule ${rule.id} is not a valid JSON Schema: ${(error as Error).message}`];
  }
}

