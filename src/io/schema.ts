/** One Ajv instance for every schema the project validates against; errors come back with their JSON path. */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);

const cache = new Map<object, ValidateFunction>();
function compiled(schema: object): ValidateFunction {
  let fn = cache.get(schema);
  if (!fn) cache.set(schema, (fn = ajv.compile(schema)));
  return fn;
}

/** Human-readable schema errors, each naming the JSON path of the bad field. */
export function describeErrors(errors: ErrorObject[] | null | undefined, limit = 5): string[] {
  return (errors ?? []).slice(0, limit).map((e) => {
    const at = e.instancePath === '' ? '(root)' : e.instancePath;
    const extra = e.keyword === 'additionalProperties' ? ` "${String((e.params as { additionalProperty?: string }).additionalProperty)}"` : '';
    const allowed = e.keyword === 'enum' ? ` (${JSON.stringify((e.params as { allowedValues?: unknown[] }).allowedValues)})` : '';
    return `${at} ${e.message ?? 'is invalid'}${extra}${allowed}`;
  });
}

/** Validates against a schema; returns the error lines (empty when valid). */
export function validateAgainst(schema: object, value: unknown): string[] {
  const fn = compiled(schema);
  return fn(value) ? [] : describeErrors(fn.errors);
}
