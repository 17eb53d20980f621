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

type UnknownEntry = { status: 'error' | 'skipped'; reason: string };

/**
 * Generates the reader for these refs. The `unknown` map is walked once per subject, not probed once per
 * read: facts objects built alike may still get `unknown` maps of different hidden classes (seen in V8 with
 * the bench estate, one per load balancer), and a probe of each for each of 18 reads was most of the cost.
 */
export function compileReader(refs: readonly ReadRef[]): Reader {
  const lines: string[] = ['let v, e;'];
  refs.forEach((ref, i) => {
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
    lines.push(`if (c !== undefined && (e = c[${i}]) !== undefined) out[${i}] = ids.unknown(e); else { ${read.join(' ')} }`);
  });
  lines.push(`out[${refs.length}] = typeof f.parseError === 'string' ? ids.of(f.parseError) : ids.noParseError;`);
  // Built only from rule paths, each name quoted with JSON.stringify (literal): nothing else reaches the code.
  const body = new Function('f', 'c', 'ids', 'out', lines.join('\n')) as (f: Record<string, unknown>, c: readonly (UnknownEntry | undefined)[] | undefined, ids: ReadIds, out: number[]) => void;
  // Which reads each `unknown` key covers, and at which depth (the fact itself is depth 0): the shortest covering key wins.
  const coverage = new Map<string, { ref: number; depth: number }[]>();
  refs.forEach((ref, i) => ref.unknownKeys.forEach((key, depth) => {
    const list = coverage.get(key);
    if (list) list.push({ ref: i, depth });
    else coverage.set(key, [{ ref: i, depth }]);
  }));
  const covering = new Array<UnknownEntry | undefined>(refs.length).fill(undefined);
  const depths = new Array<number>(refs.length).fill(0);
  return (facts, unknown, ids, out) => {
    if (unknown === undefined) return body(facts, undefined, ids, out);
    covering.fill(undefined);
    let any = false;
    for (const key in unknown) {
      if (!Object.hasOwn(unknown, key)) continue;
      const entry = unknown[key];
      const covered = entry ? coverage.get(key) : undefined;
      if (covered === undefined) continue;
      for (const { ref, depth } of covered) {
        if (covering[ref] === undefined || depth < depths[ref]!) {
          covering[ref] = entry;
          depths[ref] = depth;
          any = true;
        }
      }
    }
    body(facts, any ? covering : undefined, ids, out);
  };
}
