/** Renders rule message templates: {{path}} reads facts, {{params.x}} reads params, `| filter:arg` applies a named filter. */
import { messageFilters } from './operators.ts';
import { readDotPath } from './path.ts';

function show(value: unknown): string {
  if (value === null || value === undefined) return 'unknown';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(show).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Fills a template from the subject's facts and the rule's params. */
export function renderMessage(template: string, facts: object, params: Record<string, unknown>): string {
  const scope = { ...facts, params };
  return template.replace(/\{\{\s*([^}|]+?)\s*(?:\|\s*([a-zA-Z]+)(?::([^}\s]+))?\s*)?\}\}/g, (_m, path: string, filter?: string, arg?: string) => {
    let value = readDotPath(scope, path);
    if (filter) {
      const fn = messageFilters[filter];
      const argValue = arg === undefined ? undefined : (readDotPath(scope, arg) ?? arg);
      value = fn ? fn(value, argValue) : value;
    }
    return show(value);
  });
}
