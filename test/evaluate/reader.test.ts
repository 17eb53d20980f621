// The generated reader (src/evaluate/reader.ts) must tell apart exactly what json-rules-engine would see:
// an unknown entry (by status and reason, on the fact or any prefix of the path), an absent fact, a path under
// a top-level value that is not an object, an absent or null level below it, and the value itself. Names
// that are not identifiers, or that try to break out of the string they are quoted in, are read as names.
import { describe, expect, it } from 'vitest';
import { unknownEntry } from '../../src/evaluate/engine.ts';
import { compileReader, type ReadIds, type ReadRef } from '../../src/evaluate/reader.ts';

/** Ids that spell out what was read, so the test states the expected read, not a number. */
class SpelledIds implements ReadIds {
  readonly absentFact = -1;
  readonly absentPath = -2;
  readonly noParseError = -3;
  readonly seen: string[] = [];
  private id(text: string): number {
    let i = this.seen.indexOf(text);
    if (i < 0) i = this.seen.push(text) - 1;
    return i;
  }
  of(value: unknown): number { return this.id(`value:${JSON.stringify(value) ?? 'undefined'}`); }
  unknown(entry: { status: string; reason: string }): number { return this.id(`unknown:${entry.status}:${entry.reason}`); }
  notAnObject(value: unknown): number { return this.id(`top:${JSON.stringify(value) ?? 'undefined'}`); }
  spell(id: number): string {
    return id === -1 ? 'absent-fact' : id === -2 ? 'absent-path' : id === -3 ? 'no-parse-error' : this.seen[id]!;
  }
}

const ref = (fact: string, path: string | null = null): ReadRef => {
  const segments = path === null ? null : path.split('.');
  const unknownKeys = [fact];
  for (const segment of segments ?? []) unknownKeys.push(`${unknownKeys.at(-1)}.${segment}`);
  return { fact, segments, unknownKeys };
};

function read(refs: ReadRef[], facts: Record<string, unknown>): string[] {
  const ids = new SpelledIds();
  const out = new Array<number>(refs.length + 1).fill(0);
  const unknown = facts.unknown as Record<string, { status: 'error' | 'skipped'; reason: string }> | undefined;
  compileReader(refs)(facts, unknown && Object.keys(unknown).length > 0 ? unknown : undefined, ids, out);
  return out.map((id) => ids.spell(id));
}

describe('the generated reader', () => {
  const refs = [ref('port'), ref('policy', 'protocols.0'), ref('mtls', 'mode'), ref('backend', 'encrypted'), ref('missing')];

  it('reads values, absent facts, absent paths and paths under non-objects as json-rules-engine does', () => {
    expect(read(refs, { port: 443, policy: { protocols: ['TLSv1.2'] }, mtls: null, backend: { encrypted: null } })).toEqual([
      'value:443', 'value:"TLSv1.2"', 'top:null', 'value:null', 'absent-fact', 'no-parse-error',
    ]);
    expect(read(refs, { port: '443', policy: { protocols: [] }, mtls: 'off', backend: {}, missing: undefined, parseError: 'bad PEM' })).toEqual([
      'value:"443"', 'absent-path', 'top:"off"', 'absent-path', 'value:undefined', 'value:"bad PEM"',
    ]);
    // A null level below the top is an absent path, not a value.
    expect(read([ref('policy', 'protocols.0')], { policy: { protocols: null } })).toEqual(['absent-path', 'no-parse-error']);
  });

  it('keys an unknown read by the entry that covers it, on the fact or a prefix of the path', () => {
    const unknown = {
      backend: { status: 'error', reason: 'the target groups could not be read' },
      'policy.protocols': { status: 'skipped', reason: 'not asked' },
    };
    expect(read(refs, { port: 80, policy: { protocols: ['TLSv1'] }, mtls: null, backend: { encrypted: true }, unknown })).toEqual([
      'value:80', 'unknown:skipped:not asked', 'top:null', 'unknown:error:the target groups could not be read', 'absent-fact', 'no-parse-error',
    ]);
    // An entry on a longer path than the read does not cover it.
    expect(read([ref('policy')], { policy: 1, unknown: { 'policy.name': { status: 'error', reason: 'x' } } })).toEqual(['value:1', 'no-parse-error']);
  });

  it('lets the shortest covering entry win, whatever order the unknown map lists its entries in', () => {
    const deep = { status: 'skipped', reason: 'deep' };
    const top = { status: 'error', reason: 'top' };
    const facts = { policy: { protocols: ['TLSv1'] } };
    for (const unknown of [{ 'policy.protocols': deep, policy: top }, { policy: top, 'policy.protocols': deep }]) {
      expect(read([ref('policy', 'protocols.0'), ref('policy', 'protocols')], { ...facts, unknown })).toEqual(['unknown:error:top', 'unknown:error:top', 'no-parse-error']);
    }
    // A read covered only at depth is keyed by that entry; one beside it is read as a value.
    expect(read([ref('policy', 'protocols'), ref('policy', 'name')], { policy: { protocols: [], name: 'p' }, unknown: { 'policy.protocols': deep } }))
      .toEqual(['unknown:skipped:deep', 'value:"p"', 'no-parse-error']);
  });

  it('counts only own, present entries of the unknown map, as the verdict does', () => {
    const inherited = Object.assign(Object.create({ port: { status: 'error', reason: 'inherited' } }) as object, { other: { status: 'error', reason: 'x' } });
    expect(read([ref('port'), ref('constructor'), ref('toString')], { port: 1, constructor: 2, toString: 3, unknown: inherited })).toEqual([
      'value:1', 'value:2', 'value:3', 'no-parse-error',
    ]);
    expect(unknownEntry(inherited as never, 'port', null)).toBeUndefined();
    expect(unknownEntry({ x: { status: 'error', reason: 'r' } }, 'constructor', null)).toBeUndefined();
    expect(read([ref('port')], { port: 1, unknown: { port: null, other: { status: 'error', reason: 'x' } } })).toEqual(['value:1', 'no-parse-error']);
  });

  it('reads names that are not identifiers as names, and runs nothing they spell', () => {
    const hostile = `x"]; globalThis.pwned = 1; f["`;
    const names = [ref('a-b', 'c d.0'), ref(hostile), ref('\u2028', `'\\`)];
    expect(read(names, { 'a-b': { 'c d': ['ok'] }, [hostile]: 'plain', '\u2028': { "'\\": 7 } })).toEqual([
      'value:"ok"', 'value:"plain"', 'value:7', 'no-parse-error',
    ]);
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });
});
