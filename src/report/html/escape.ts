/** Escaping for the two places AWS strings land in the HTML report: markup and the JSON data island. */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escape a value for HTML text or a double-quoted attribute. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/**
 * Serialise data for a `<script type="application/json">` block.
 * `<` is written as \u003c so no string (e.g. a tag value holding `</script>` or `<!--`) can close
 * or comment out the block; U+2028/2029 are escaped for old parsers that treat them as line ends.
 */
export function jsonForScript(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Tagged template that escapes every interpolated value unless it is marked as trusted markup. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): TrustedHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += renderValue(value) + (strings[i + 1] ?? '');
  });
  return new TrustedHtml(out);
}

/** Markup that was built by `html` (so already escaped) and may be embedded as is. */
export class TrustedHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Join already-escaped fragments. */
export function joinHtml(parts: Iterable<TrustedHtml>, separator = ''): TrustedHtml {
  return new TrustedHtml(Array.from(parts, (p) => p.value).join(separator));
}

function renderValue(value: unknown): string {
  if (value instanceof TrustedHtml) return value.value;
  if (Array.isArray(value)) return value.map(renderValue).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}
