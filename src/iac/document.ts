/**
 * Reads a YAML or JSON source (JSON is read by the same YAML 1.2 parser) into plain values and the line span
 * of every mapping entry, so findings can point at the line that causes them. CloudFormation's short-form
 * intrinsics (`!Ref`, `!Sub`, ...) become their long form; an unknown tag or a YAML alias (CloudFormation
 * rejects both) is bad input naming the file and line.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { AuditError } from '../model/errors.ts';
import type { SourceSpan } from './values.ts';

/** Larger inputs are refused before parsing (CloudFormation itself takes at most 1 MB from S3). */
export const MAX_SOURCE_BYTES = 64 * 1024 * 1024;

/** The long-form name of each short-form tag CloudFormation accepts. */
const SHORT_FORMS: Record<string, string> = {
  '!Ref': 'Ref', '!Condition': 'Condition', '!GetAtt': 'Fn::GetAtt', '!Base64': 'Fn::Base64', '!Cidr': 'Fn::Cidr',
  '!FindInMap': 'Fn::FindInMap', '!GetAZs': 'Fn::GetAZs', '!ImportValue': 'Fn::ImportValue', '!Join': 'Fn::Join',
  '!Select': 'Fn::Select', '!Split': 'Fn::Split', '!Sub': 'Fn::Sub', '!Transform': 'Fn::Transform', '!And': 'Fn::And',
  '!Equals': 'Fn::Equals', '!If': 'Fn::If', '!Not': 'Fn::Not', '!Or': 'Fn::Or', '!ToJsonString': 'Fn::ToJsonString',
  '!Length': 'Fn::Length',
};

/** The short forms as yaml custom tags (scalar, sequence and mapping forms), so the parser neither warns nor guesses. */
const CFN_TAGS = Object.keys(SHORT_FORMS).flatMap((tag) => [
  { tag, resolve: (value: string) => value },
  { tag, collection: 'seq' as const },
  { tag, collection: 'map' as const },
]);

export interface ParsedSource {
  /** The file as the user named it (used in messages). */
  path: string;
  /** The repository-relative path used in SARIF. */
  uri: string;
  value: unknown;
  /** "Resources/Web/Properties/SslPolicy" -> span of that entry (key through value). */
  spans: Map<string, SourceSpan>;
  text: string;
}

/** Reads a file as text, refusing missing and oversized files with the path named. */
export function readSourceText(path: string): string {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    throw new AuditError('BAD_INPUT', `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, path);
  }
  if (size > MAX_SOURCE_BYTES) throw new AuditError('BAD_INPUT', `file is ${size} bytes, more than the ${MAX_SOURCE_BYTES} this reader accepts`, path);
  return readFileSync(path, 'utf8');
}

/** Parses YAML or JSON text with positions. */
export function parseSource(path: string, uri: string, text: string): ParsedSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false, strict: true, version: '1.2', customTags: CFN_TAGS });
  const lineOf = (offset: number) => lines.linePos(offset).line;
  const first = doc.errors[0];
  if (first) {
    const where = first.pos ? `${path}:${lineOf(first.pos[0])}` : path;
    throw new AuditError('BAD_INPUT', `not valid YAML/JSON: ${first.message.split('\n')[0]}`, where);
  }
  const spans = new Map<string, SourceSpan>();
  const spanOf = (start: number, end: number): SourceSpan => ({ file: uri, startLine: lineOf(start), endLine: lineOf(Math.max(start, end - 1)) });

  const convert = (node: unknown, at: string): unknown => {
    if (node === null || node === undefined) return null;
    const n = node as Node;
    if (isAlias(n)) throw new AuditError('BAD_INPUT', 'YAML aliases are not allowed in CloudFormation templates', `${path}:${lineOf(n.range?.[0] ?? 0)}`);
    let value: unknown;
    if (isScalar(n)) value = n.value;
    else if (isSeq(n)) value = n.items.map((item, i) => convert(item, `${at}/${i}`));
    else if (isMap(n)) {
      const out: Record<string, unknown> = {};
      // yaml's own uniqueKeys check is quadratic in the size of a map; a Set keeps 1,000-resource templates fast.
      const keys = new Set<string>();
      for (const pair of n.items) {
        const keyNode = pair.key as Node | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : null;
        if (key === null) throw new AuditError('BAD_INPUT', 'a mapping key must be a plain scalar', `${path}:${lineOf(keyNode?.range?.[0] ?? 0)}`);
        if (keys.has(key)) throw new AuditError('BAD_INPUT', `duplicate key "${key}"`, `${path}:${lineOf(keyNode?.range?.[0] ?? 0)}`);
        keys.add(key);
        const child = `${at === '' ? '' : `${at}/`}${key}`;
        const valueNode = pair.value as Node | null;
        const start = keyNode?.range?.[0] ?? 0;
        const end = valueNode?.range?.[1] ?? keyNode?.range?.[1] ?? start;
        spans.set(child, spanOf(start, end));
        out[key] = convert(valueNode, child);
      }
      value = out;
    } else value = null;
    const tag = n.tag;
    if (tag && tag.startsWith('!')) {
      const long = SHORT_FORMS[tag];
      if (!long) throw new AuditError('BAD_INPUT', `unknown intrinsic function tag ${tag}`, `${path}:${lineOf(n.range?.[0] ?? 0)}`);
      // !GetAtt accepts the dotted string form "Resource.Attribute".
      if (long === 'Fn::GetAtt' && typeof value === 'string') {
        const dot = value.indexOf('.');
        value = dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
      }
      return { [long]: value };
    }
    return value;
  };
  return { path, uri, value: convert(doc.contents, ''), spans, text };
}
