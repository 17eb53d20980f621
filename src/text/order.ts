/** One string order for every output: by Unicode code point, the same under every locale (never localeCompare). */

// UTF-16 units compare in code-point order except that surrogates (U+D800–DFFF, which stand for code
// points above U+FFFF) must sort after U+E000–FFFF: shift the two ranges past each other.
function rank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** Compares two strings by code point: negative, zero or positive, as Array.prototype.sort expects. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

/** True when `values` is already in the default sort order (UTF-16 code units, as `<` compares). */
function isAscending(values: readonly string[]): boolean {
  for (let i = 1; i < values.length; i++) if (values[i - 1]! > values[i]!) return false;
  return true;
}

/**
 * The distinct strings of `values` in the order `[...new Set(values)].sort()` gives (UTF-16 code units),
 * built without sort's set-up where it does not pay: enrich makes a few such lists per subject (zones,
 * subnets, target groups) for tens of thousands of subjects, and a list that arrives in order (a
 * certificate's listeners) is only checked.
 */
export function sortedDistinct(values: readonly string[]): string[] {
  if (values.length <= 1) return values.slice();
  if (isAscending(values)) {
    const out = [values[0]!];
    for (let i = 1; i < values.length; i++) if (values[i] !== values[i - 1]) out.push(values[i]!);
    return out;
  }
  if (values.length > 16) return [...new Set(values)].sort();
  // Insertion into a short list: no Set, no sort state.
  const out: string[] = [];
  for (const value of values) {
    let i = out.length;
    while (i > 0 && out[i - 1]! > value) i--;
    if (i > 0 && out[i - 1] === value) continue;
    out.splice(i, 0, value);
  }
  return out;
}

/** Sorts `list` in place by `arn` (UTF-16 code units) unless it is in that order already, as it usually is. */
export function sortByArn<T extends { arn: string }>(list: T[]): T[] {
  for (let i = 1; i < list.length; i++) {
    if (list[i - 1]!.arn > list[i]!.arn) return list.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  }
  return list;
}
