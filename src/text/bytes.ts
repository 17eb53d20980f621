/** Byte budgets counted in UTF-8, as GitHub counts its 1 MiB job-summary limit (never in UTF-16 units). */

/** UTF-8 length of text. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The longest prefix of text within maxBytes of UTF-8, never splitting a character; `…` marks a cut. */
export function cutToBytes(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  const room = Math.max(0, maxBytes - 3);
  const bytes = Buffer.from(text, 'utf8');
  let end = Math.min(room, bytes.length);
  // Back off continuation bytes (10xxxxxx) so the cut falls on a character boundary.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  let prefix = bytes.subarray(0, end).toString('utf8');
  // Never end on a lone high surrogate or a dangling escape backslash.
  prefix = prefix.replace(/[\ud800-\udbff]$/, '').replace(/(?<!\\)((?:\\\\)*)\\$/, '$1');
  return `${prefix}…`;
}
