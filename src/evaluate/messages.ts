/** Renders rule message templates: {{path}} reads facts, {{params.x}} reads params, `| filter:arg` applies a named filter. */
import { messageFilters } from './operators.ts';
import { pathSegments, readDotPath, readSegments } from './path.ts';

type Part = string | { path: string; filter: string | undefined; arg: string | undefined };
const PLACEHOLDER = /\{\{\s*([^}|]+?)\s*(?:\|\s*([a-zA-Z]+)(?::([^}\s]+))?\s*)?\}\}/g;
// Every pass finding renders its rule's passMessage: parse each template once, not once per subject.
const parsed = new Map<string, Part[]>();

function parse(template: string): Part[] {
  let parts = parsed.get(template);
  if (parts) return parts;
  parts = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    parts.push(template.slice(last, m.index), { path: m[1]!, filter: m[2], arg: m[3] });
    last = m.index + m[0].length;
  }
  parts.push(template.slice(last));
  if (parsed.size >= 10_000) parsed.clear();
  parsed.set(template, parts);
  return parts;
}

/**
 * What one evaluation run has already shown: facts objects and lists shared by many subjects (a resolved
 * policy, its protocol list) are shown, and filtered, once. Valid for one run only: facts are not changed
 * while they are judged, but may be between runs.
 */
export class MessageMemo {
  // Plain maps: a memo lives for one run, while the facts it keys on are held anyway (a WeakMap's entries cost more to add).
  private readonly shown = new Map<object, string>();
  private readonly filtered = new Map<object, Map<object, string>>();

  show(value: unknown): string {
    if (value === null || typeof value !== 'object') return showPlain(value);
    let text = this.shown.get(value);
    if (text === undefined) {
      text = showObject(value, this);
      this.shown.set(value, text);
    }
    return text;
  }

  /** The shown result of a filter with a fixed argument (`part`) over an object value. */
  filter(part: object, value: object, filter: (value: unknown, arg: unknown) => unknown, arg: unknown): string {
    let byValue = this.filtered.get(part);
    if (!byValue) this.filtered.set(part, (byValue = new Map()));
    let text = byValue.get(value);
    if (text === undefined) {
      text = this.show(filter(value, arg));
      byValue.set(value, text);
    }
    return text;
  }
}

function showPlain(value: unknown): string {
  return value === null || value === undefined ? 'unknown' : String(value);
}

function showObject(value: object, memo: MessageMemo | null): string {
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map((v) => (memo ? memo.show(v) : show(v))).join(', ');
  return JSON.stringify(value);
}

function show(value: unknown): string {
  return value === null || typeof value !== 'object' ? showPlain(value) : showObject(value, null);
}

/** A placeholder bound to a rule's params: a facts path, maybe a filter whose argument is fixed or read from the facts. */
interface BoundPart {
  /** The value's facts path, or the value itself when it is a params value. */
  segments: readonly string[] | null;
  fixed: unknown;
  filter: ((value: unknown, arg: unknown) => unknown) | null;
  /** The argument when it does not depend on the subject. */
  arg: unknown;
  /** The argument's facts path when it does (its literal text is the fallback). */
  argPath: { segments: readonly string[]; literal: string } | null;
}

/** A template with its params bound: literal text and params placeholders are rendered once. */
export interface CompiledMessage {
  /** The whole message when it does not depend on the subject. */
  readonly constant: string | null;
  render(facts: object, memo?: MessageMemo): string;
}

const compiledByParams = new WeakMap<object, Map<string, CompiledMessage>>();

/** Compiles a template for one params object (cached per params object and template). */
export function compileMessage(template: string, params: Record<string, unknown>): CompiledMessage {
  let byTemplate = compiledByParams.get(params);
  if (!byTemplate) compiledByParams.set(params, (byTemplate = new Map()));
  let compiled = byTemplate.get(template);
  if (!compiled) {
    compiled = compile(template, params);
    byTemplate.set(template, compiled);
  }
  return compiled;
}

function compile(template: string, params: Record<string, unknown>): CompiledMessage {
  const parts = parse(template);
  if (parts.length === 1) return { constant: parts[0] as string, render: () => parts[0] as string };
  const fromParams = (path: string): boolean => path.startsWith('params.');
  const bound: (string | BoundPart)[] = [];
  const pushText = (text: string) => {
    if (typeof bound[bound.length - 1] === 'string') bound[bound.length - 1] += text;
    else bound.push(text);
  };
  for (const part of parts) {
    if (typeof part === 'string') {
      pushText(part);
      continue;
    }
    const fn = part.filter ? messageFilters[part.filter] : undefined;
    const argFixed = part.arg === undefined || fromParams(part.arg);
    const arg = part.arg === undefined ? undefined : fromParams(part.arg) ? (readDotPath(params, part.arg.slice(7)) ?? part.arg) : undefined;
    if (fromParams(part.path) && argFixed) {
      // Everything this placeholder reads is in the params: render it now.
      const value = readDotPath(params, part.path.slice(7));
      pushText(show(part.filter && fn ? fn(value, arg) : value));
      continue;
    }
    if (fromParams(part.path)) {
      // A params value filtered by a facts value: rare; read both per subject.
      const value = readDotPath(params, part.path.slice(7));
      bound.push({ segments: null, fixed: value, filter: part.filter && fn ? fn : null, arg: undefined, argPath: { segments: pathSegments(part.arg!), literal: part.arg! } });
      continue;
    }
    bound.push({
      segments: pathSegments(part.path),
      fixed: undefined,
      filter: part.filter && fn ? fn : null,
      arg,
      argPath: argFixed ? null : { segments: pathSegments(part.arg!), literal: part.arg! },
    });
  }
  if (bound.length === 1 && typeof bound[0] === 'string') {
    const text = bound[0];
    return { constant: text, render: () => text };
  }
  return {
    constant: null,
    render(facts: object, memo?: MessageMemo): string {
      let out = '';
      for (let i = 0; i < bound.length; i++) {
        const part = bound[i]!;
        if (typeof part === 'string') {
          out += part;
          continue;
        }
        const value = part.segments === null ? part.fixed : readSegments(facts, part.segments);
        if (part.filter === null) {
          out += memo ? memo.show(value) : show(value);
          continue;
        }
        // No closure here: a captured variable would cost a context object per piece of every message.
        if (part.argPath === null) {
          out += memo && value !== null && typeof value === 'object'
            ? memo.filter(part, value, part.filter, part.arg)
            : show(part.filter(value, part.arg));
          continue;
        }
        const arg = readSegments(facts, part.argPath.segments) ?? part.argPath.literal;
        out += memo ? memo.show(part.filter(value, arg)) : show(part.filter(value, arg));
      }
      return out;
    },
  };
}

/** Fills a template from the subject's facts and the rule's params. */
export function renderMessage(template: string, facts: object, params: Record<string, unknown>): string {
  return compileMessage(template, params).render(facts);
}
