/** The dot-path resolver json-rules-engine uses instead of JSONPath: fast, and strict about absent paths. */

export class MissingFactPathError extends Error {
  constructor(readonly path: string) {
    super(`no value at path "${path}" (the facts do not carry it)`);
    this.name = 'MissingFactPathError';
  }
}

// Rules and messages read a few hundred distinct paths, a million times: split each once.
const SEGMENTS = new Map<string, readonly string[]>();

/** The segments of a dot path (`a.b.0.c` -> a, b, 0, c), split once per distinct path. */
export function pathSegments(path: string): readonly string[] {
  let segments = SEGMENTS.get(path);
  if (segments === undefined) {
    if (SEGMENTS.size >= 10_000) SEGMENTS.clear();
    segments = path.split('.');
    SEGMENTS.set(path, segments);
  }
  return segments;
}

/** Reads `a.b.0.c`; an absent segment throws so a rule never judges a value nobody computed. null is a value. */
export function resolveDotPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const segment of pathSegments(path)) {
    if (current === null || typeof current !== 'object' || !(segment in (current as object))) {
      throw new MissingFactPathError(path);
    }
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Like resolveDotPath but returns undefined for an absent path; never throws (it runs once per subject per rule read). */
export function readDotPath(value: unknown, path: string): unknown {
  return readSegments(value, pathSegments(path));
}

/** readDotPath over segments already split (pathSegments). */
export function readSegments(value: unknown, segments: readonly string[]): unknown {
  let current: unknown = value;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (current === null || typeof current !== 'object' || !(segment in (current as object))) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
