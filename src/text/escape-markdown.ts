/**
 * Text for GitHub-flavoured Markdown (summary.md, the job summary): one inline line that renders as
 * exactly the text it holds, in a table cell or a list item. Line breaks of every kind become spaces;
 * other controls are shown as \x..; every character CommonMark or GFM gives a meaning (emphasis, code,
 * links, images, HTML, entities, tables, strikethrough, math, headings, lists) is backslash-escaped; and
 * autolinks, @mentions and #references are broken with a WORD JOINER (U+2060), since GitHub links those
 * after rendering, where a backslash no longer counts.
 */
import { escapeTerminal } from './escape-terminal.ts';

const LINE_BREAK = /\r\n|[\r\n\u000b\u000c\u0085\u2028\u2029]/g;
const SIGNIFICANT = /[\\`*_{}[\]()<>#+!|~&$]/g;
const JOIN = '\u2060';

/** Escapes one string for inline Markdown. */
export function escapeMarkdown(text: string): string {
  const flat = escapeTerminal(text.replace(LINE_BREAK, ' ').replace(/\t/g, ' '));
  return flat
    .replace(SIGNIFICANT, (c) => `\\${c}`)
    // A list marker or ordered-list number at the start would open a nested list in a list item.
    .replace(/^(\s*)-/, '$1\\-')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2')
    // Four leading spaces would make indented code in a list item.
    .replace(/^\s+/, ' ')
    .replace(/([A-Za-z][A-Za-z0-9+.-]*):\/\//g, `$1:/${JOIN}/`)
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${JOIN}.`)
    .replace(/@/g, `@${JOIN}`)
    .replace(/\\#/g, `\\#${JOIN}`);
}
