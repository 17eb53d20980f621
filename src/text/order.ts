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
