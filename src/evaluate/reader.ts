/**
 * The reader of one subject kind: the values its rules read, as ids, in one pass over a facts object. It is
 * generated once per rule set (rules are data, so the paths are only known at run time) so that every read
 * is a load of a fixed property name: the facts objects of a kind share one shape, and a fixed name is a
 * monomorphic look-up where a name from a list is a generic one (about ten times slower over 40,000
 * listeners × 28 reads). Names enter the generated code only as JSON string literals.
 */

/** The ids the reader hands out (ValueIds in engine.ts). */
export interface ReadIds {
  readonly absentFact: number;
  readonly absentPath: number;
  readonly noParseError: number;
  of(value: unknown): number;
  unknown(entry: { status: 'error' | 'skipped'; reason: string }): number;
  notAnObject(value: unknown): number;
}

/** One value a rule reads: a top-level fact and, maybe, a path below it (already split). */
export interface ReadRef {
  fact: string;
  segments: readonly string[] | null;
  /** The `unknown` map keys that cover this read, shortest first: the fact, then each longer prefix of its path. */
  unknownKeys: readonly string[];
}

/**
 * Fills `out` with one id per ref, then the parse error's id, exactly as json-rules-engine would see the
 * values: an `unknown` entry covering the read wins (keyed by its status and reason); an absent fact or
 * path is absent; a path under a top-level value that is not an object hands over that value.
 */
export type Reader = (facts: Record<string, unknown>, unknown: Record<string, { status: 'error' | 'skipped'; reason: string }> | undefined, ids: ReadIds, out: number[]) => void;

const literal = (name: string): string => JSON.stringify(name);

/** Generates the reader for these refs. */
export function compileReader(refs: readonly ReadRef[]): Reader {
  const lines: string[] = ['let v, e;'];
  refs.forEach((ref, i) => {
    const covered = ref.unknownKeys.map((key) => `u[${literal(key)}]`).join(' || ');
    const read: string[] = [];
    read.push(`if (!(${literal(ref.fact)} in f)) out[${i}] = ids.absentFact;`);
    if (ref.segments === null) {
      read.push(`else out[${i}] = ids.of(f[${literal(ref.fact)}]);`);
    } else {
      // Nested: each level must be an object holding the next name, else the path is absent.
      let body = `out[${i}] = ids.of(v);`;
      for (let s = ref.segments.length - 1; s >= 0; s--) {
        const name = literal(ref.segments[s]!);
        body = `if (v === null || typeof v !== 'object' || !(${name} in v)) out[${i}] = ids.absentPath; else { v = v[${name}]; ${body} }`;
      }
      read.push(`else { v = f[${literal(ref.fact)}]; if (v === null || typeof v !== 'object') out[${i}] = ids.notAnObject(v); else { ${body} } }`);
    }
    lines.push(`if (u !== undefined && (e = ${covered})) out[${i}] = ids.unknown(e); else { ${read.join(' ')} }`);
  });
  lines.push(`out[${refs.length}] = typeof f.parseError === 'string' ? ids.of(f.parseError) : ids.noParseError;`);
  // Built only from rule paths, each name quoted with JSON.stringify (literal): nothing else reaches the code.
  return new Function('f', 'u', 'ids', 'out', lines.join('\n')) as Reader;
}
