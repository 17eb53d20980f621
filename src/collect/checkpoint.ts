/**
 * Checkpoints of an unfinished collection: every AWS answer that came back (keyed as CollectContext's memo
 * keys them), the scope it was read for and the capture time, so `--resume` sends none of those calls again
 * and builds the same snapshot an uninterrupted run would have. Failed calls are not kept: a resumed run
 * tries them again. SDK answers carry Dates and byte arrays, so the entries are tagged JSON, not plain JSON.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-file.ts';
import { validateAgainst } from '../io/schema.ts';
import { AuditError } from '../model/errors.ts';
import schema from './checkpoint.schema.json' with { type: 'json' };

export const CHECKPOINT_FORMAT = 'elb-tls-audit-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** What a collection was asked to read; a resumed run must ask for the same, or its memo keys would not mean the same. */
export interface CheckpointScope {
  /** Account the answers came from (STS GetCallerIdentity of the first run); a resume checks it again. */
  account: string;
  /** The regions as asked for ('all' is resolved from the stored DescribeRegions answer). */
  regions: string[] | 'all';
  homeRegion: string;
  allCertificates: boolean;
  /** Sorted. */
  alsoFetchCertificates: string[];
  pageSizeLimit: number | null;
}

/** Tagged JSON: plain JSON, except objects carrying `$tag` stand for a value JSON cannot hold. */
export type TaggedJson = null | boolean | number | string | TaggedJson[] | { [key: string]: TaggedJson };

export interface CheckpointData {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  /** Tool version that wrote it: another version may send other calls or read answers differently. */
  generator: { name: 'elb-tls-audit'; version: string };
  scope: CheckpointScope;
  /** The first run's capture time, kept so the resumed snapshot is dated like an uninterrupted one. */
  capturedAt: string;
  /** [memo key, encoded answer], sorted by key. */
  entries: [string, TaggedJson][];
}

/** Why a collection stopped before it finished. */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'deadline' | 'remaining-time';

/**
 * Thrown by collectSnapshot / collectWithStats when their stop() turned true before every call was made: the
 * checkpoint holds what was read. Code INCOMPLETE (exit 3) for a caller that does not handle it.
 */
export class CollectionStopped extends AuditError {
  constructor(readonly checkpoint: CheckpointData) {
    super('INCOMPLETE', `the collection stopped before it finished (${checkpoint.entries.length} answers kept in a checkpoint)`);
    this.name = 'CollectionStopped';
  }
}

class Unencodable extends Error {}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Encodes an SDK answer losslessly; `$metadata` (request ids, attempts) is dropped at the top level. */
export function encodeAnswer(value: unknown, top = true): TaggedJson {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0) ? value : { $tag: 'number', value: Object.is(value, -0) ? '-0' : String(value) };
  if (value === undefined) return { $tag: 'undefined' };
  if (typeof value === 'bigint') return { $tag: 'bigint', value: value.toString() };
  if (typeof value !== 'object') throw new Unencodable(`a ${typeof value}`);
  if (value instanceof Date) return { $tag: 'date', value: Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString() };
  if (Buffer.isBuffer(value)) return { $tag: 'buffer', value: value.toString('base64') };
  if (value instanceof Uint8Array) return { $tag: 'bytes', value: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return Array.from(value, (item) => encodeAnswer(item, false));
  if (!isPlainObject(value)) throw new Unencodable(`an instance of ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'a class'}`);
  const out: Record<string, TaggedJson> = {};
  for (const [key, item] of Object.entries(value)) {
    if (top && key === '$metadata') continue;
    out[key] = encodeAnswer(item, false);
  }
  return Object.hasOwn(value, '$tag') ? { $tag: 'object', value: out } : out;
}

/** The inverse of encodeAnswer; a malformed tag throws, naming it. */
export function decodeAnswer(value: TaggedJson): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decodeAnswer);
  if (!Object.hasOwn(value, '$tag')) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeAnswer(v)]));
  const tag = value['$tag'];
  const inner = value['value'];
  switch (tag) {
    case 'undefined':
      return undefined;
    case 'number':
      if (inner === '-0') return -0;
      if (inner === 'NaN' || inner === 'Infinity' || inner === '-Infinity') return Number(inner);
      break;
    case 'bigint':
      if (typeof inner === 'string' && /^-?\d+$/.test(inner)) return BigInt(inner);
      break;
    case 'date':
      if (inner === 'invalid') return new Date(Number.NaN);
      if (typeof inner === 'string' && !Number.isNaN(Date.parse(inner))) return new Date(inner);
      break;
    case 'buffer':
      if (typeof inner === 'string') return Buffer.from(inner, 'base64');
      break;
    case 'bytes':
      if (typeof inner === 'string') return new Uint8Array(Buffer.from(inner, 'base64'));
      break;
    case 'object':
      if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
        return Object.fromEntries(Object.entries(inner).map(([k, v]) => [k, decodeAnswer(v)]));
      }
      break;
    default:
      throw new Error(`unknown $tag ${JSON.stringify(tag)}`);
  }
  throw new Error(`$tag ${JSON.stringify(tag)} has a bad value ${JSON.stringify(inner)}`);
}

/**
 * Builds a checkpoint from the answers a context holds. An answer that cannot be encoded is left out (its
 * call is made again on resume) rather than written in a form that would read back differently.
 */
export function makeCheckpoint(scope: CheckpointScope, capturedAt: string, version: string, answers: Iterable<[string, unknown]>): CheckpointData {
  const entries: [string, TaggedJson][] = [];
  for (const [key, answer] of new Map(answers)) {
    try {
      entries.push([key, encodeAnswer(answer)]);
    } catch (error) {
      if (!(error instanceof Unencodable)) throw error;
    }
  }
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, generator: { name: 'elb-tls-audit', version }, scope, capturedAt, entries };
}

/**
 * Answers worth keeping: one that hands out a pre-signed `Location` (trust-store CA bundles and CRLs) is kept only
 * with the download of that URL, since the URL expires; without it a resume asks for a fresh one.
 */
export function keepableAnswers(answers: Iterable<[string, unknown]>): Map<string, unknown> {
  const kept = new Map(answers);
  const downloaded = new Set<string>();
  for (const key of kept.keys()) {
    const [, , operation] = key.split('|', 3);
    if (!operation?.endsWith('(download)')) continue;
    const input = key.split('|').slice(3).join('|');
    try {
      const url = (JSON.parse(input) as { url?: unknown }).url;
      if (typeof url === 'string') downloaded.add(url);
    } catch {
      // not an input this module wrote
    }
  }
  for (const [key, answer] of kept) {
    const location = answer !== null && typeof answer === 'object' ? (answer as { Location?: unknown }).Location : undefined;
    if (typeof location === 'string' && !downloaded.has(location)) kept.delete(key);
  }
  return kept;
}

/** The stored answers as a memo preload: memo key -> decoded answer. */
export function checkpointAnswers(checkpoint: CheckpointData, where = 'checkpoint'): Map<string, unknown> {
  const answers = new Map<string, unknown>();
  checkpoint.entries.forEach(([key, encoded], i) => {
    try {
      answers.set(key, decodeAnswer(encoded));
    } catch (error) {
      throw new AuditError('BAD_INPUT', `entry ${i} (${key}): ${(error as Error).message}`, where);
    }
  });
  return answers;
}

/** Checks a parsed value is a checkpoint this version can resume from; `where` names the file in errors. */
export function validateCheckpoint(value: unknown, where: string, toolVersion?: string): CheckpointData {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new AuditError('BAD_INPUT', 'a checkpoint must be a JSON object', where);
  const record = value as Record<string, unknown>;
  if (record['format'] !== CHECKPOINT_FORMAT) throw new AuditError('BAD_INPUT', `not an elb-tls-audit checkpoint (format is ${JSON.stringify(record['format'] ?? null)}, expected "${CHECKPOINT_FORMAT}")`, where);
  if (record['version'] !== CHECKPOINT_VERSION) throw new AuditError('BAD_INPUT', `checkpoint version ${JSON.stringify(record['version'] ?? null)} is not supported (this tool reads version ${CHECKPOINT_VERSION})`, where);
  const problems = validateAgainst(schema, value);
  if (problems.length > 0) throw new AuditError('BAD_INPUT', `invalid checkpoint: ${problems.join('; ')}`, where);
  const checkpoint = value as CheckpointData;
  if (toolVersion !== undefined && checkpoint.generator.version !== toolVersion) {
    throw new AuditError('BAD_INPUT', `written by elb-tls-audit ${checkpoint.generator.version}, this is ${toolVersion}: start a new collection`, where);
  }
  checkpointAnswers(checkpoint, where);
  return checkpoint;
}

/** Reads a checkpoint file: unreadable, truncated, foreign or malformed is BAD_INPUT (exit 2) naming the file. */
export function readCheckpoint(path: string, toolVersion?: string): CheckpointData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AuditError('BAD_INPUT', `cannot read the checkpoint: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, path);
  }
  return parseCheckpoint(text, path, toolVersion);
}

/** Parses checkpoint text (a file, an S3 object); `where` names it in errors. */
export function parseCheckpoint(text: string, where: string, toolVersion?: string): CheckpointData {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AuditError('BAD_INPUT', `not valid JSON (a truncated or damaged checkpoint?): ${(error as Error).message}`, where);
  }
  return validateCheckpoint(value, where, toolVersion);
}

/** The checkpoint as file text (one entry per line, so a large one stays greppable). */
export function serialiseCheckpoint(checkpoint: CheckpointData): string {
  const { entries, ...head } = checkpoint;
  const lines = entries.map((entry) => JSON.stringify(entry));
  return `${JSON.stringify({ ...head, entries: [] }).slice(0, -3)}[\n${lines.join(',\n')}\n]}\n`;
}

/** Writes a checkpoint atomically (temp file + rename); `where` names the flag in errors. */
export function writeCheckpoint(path: string, checkpoint: CheckpointData, where = '--checkpoint'): void {
  writeFileAtomic(path, serialiseCheckpoint(checkpoint), where);
}

/** What differs between the checkpoint's scope and the resumed run's, one phrase each (empty: the same). */
export function scopeDifferences(stored: CheckpointScope, wanted: Omit<CheckpointScope, 'account'>): string[] {
  const show = (v: unknown): string => (Array.isArray(v) ? (v.length === 0 ? '(none)' : v.join(',')) : String(v));
  const differences: string[] = [];
  const fields: (keyof Omit<CheckpointScope, 'account'>)[] = ['regions', 'homeRegion', 'allCertificates', 'alsoFetchCertificates', 'pageSizeLimit'];
  for (const field of fields) {
    if (JSON.stringify(stored[field]) !== JSON.stringify(wanted[field])) differences.push(`${field} is ${show(stored[field])} in the checkpoint but ${show(wanted[field])} in this run`);
  }
  return differences;
}
