/** Text for a terminal: control characters, ANSI escapes and bidirectional overrides shown as visible \x.. / \u.... */

// C0 and C1 controls (ESC starts ANSI sequences, U+009B is a one-byte CSI), DEL, and the invisible
// direction marks and overrides that make a terminal show text in another order than it is.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Makes every control character of one line of output visible, so no string can move the cursor, recolour or hide text. */
export function escapeTerminal(text: string): string {
  return text.replace(INVISIBLE, visible);
}
