/** Shape checks of the evaluate stage's own inputs: rule files and facts objects. */
import ruleSchema from '../../rules/rule.schema.json' with { type: 'json' };
import { factsSchemas } from '../enrich/schemas/index.ts';
import { validateAgainst } from '../io/schema.ts';
import type { SubjectKind } from '../model/facts.ts';

/** Validates a rule file's shape. */
export function validateRuleShape(value: unknown): string[] {
  return validateAgainst(ruleSchema, value);
}

/** Validates a facts object against its subject's schema. */
export function validateFacts(subject: SubjectKind, facts: unknown): string[] {
  const schema = factsSchemas[subject];
  if (!schema) return [`no facts schema exists for subject "${subject}"`];
  return validateAgainst(schema, facts);
}
