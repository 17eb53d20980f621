/** Renders rule message templates: {{path}} reads facts, {{params.x}} reads params, `| filter:arg` applies a named filter. */
import { messageFilters } from './operators.ts';
import { readDotPath } from './path.ts';

function show(value: unknown): string {
  if (value === null || value === undefined) return 'unknown';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(show).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

type Part = string | { path: string; filter: string | undefined; arg: string | undefined };
const PLACEHOLDER = /\{\{\s*([^}|]+?)\s*(?:\|\s*([a-zA-Z]+)(?::([^}\s]+))?\s*)?\}\}/g;
// Every pass finding renders its rule's passMessage: parse each template once, not once per subject.
const compiled = new Map<string, Part[]>();

function parse(template: string): Part[] {
  let parts = compiled.get(template);
  if (parts) return parts;
  parts = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    parts.push(template.slice(last, m.index), { path: m[1]!, filter: m[2], arg: m[3] });
    last = m.index + m[0].length;
  }
  parts.push(template.slice(last));
  compiled.set(template, parts);
  return parts;
}

/** Fills a template from the subject's facts and the rule's params. */
export function renderMessage(template: string, facts: object, params: Record<string, unknown>): string {
  const parts = parse(template);
  if (parts.length === 1) return parts[0] as string;
  const read = (path: string): unknown => (path.startsWith('params.') ? readDotPath(params, path.slice(7)) : readDotPath(facts, path));
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    let value = read(part.path);
    if (part.filter) {
      const fn = messageFilters[part.filter];
      const argValue = part.arg === undefined ? undefined : (read(part.arg) ?? part.arg);
      value = fn ? fn(value, argValue) : value;
    }
    out += show(value);
  }
  return out;
}
