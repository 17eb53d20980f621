/** The dot-path resolver json-rules-engine uses instead of JSONPath: fast, and strict about absent paths. */

export class MissingFactPathError extends Error {
  constructor(readonly path: string) {
    super(`no value at path "${path}" (the facts do not carry it)`);
    this.name = 'MissingFactPathError';
  }
}

/** Reads `a.b.0.c`; an absent segment throws so a rule never judges a value nobody computed. null is a value. */
export function resolveDotPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object' || !(segment in (current as object))) {
      throw new MissingFactPathError(path);
    }
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Like resolveDotPath but returns undefined for an absent path; never throws (it runs once per subject per rule read). */
export function readDotPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object' || !(segment in (current as object))) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
