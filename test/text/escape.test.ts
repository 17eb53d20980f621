/**
 * Escaping by output context. Markdown is checked against GitHub's own renderer (Debian's cmark-gfm with
 * the table, autolink, strikethrough extensions and raw HTML allowed): hostile AWS strings in summary.md
 * render as their text, in their cell, and nothing else.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { jobSummaryText } from '../../src/entry/action.ts';
import { renderSummary, SUMMARY_LIMIT_BYTES } from '../../src/report/markdown.ts';
import { SEVERITIES } from '../../src/model/rule.ts';
import { cutToBytes, utf8Bytes } from '../../src/text/bytes.ts';
import { escapeMarkdown } from '../../src/text/escape-markdown.ts';
import { escapeTerminal } from '../../src/text/escape-terminal.ts';
import { buildReportFixture } from '../fixtures/report/demo-input.ts';

const HOSTILE = [
  'lone\rCR # Heading', 'crlf\r\n## Injected heading', 'lf\n- injected item', '| cell | split |', '**bold** _em_ ~~gone~~ `code`',
  '<img src=x onerror=alert(1)>', '<b>html</b> &amp; &lt;', '[link](https://evil.example) ![img](x.png)', 'https://evil.example and www.evil.example',
  'mail me@evil.example', 'ping @octocat and @github/security', 'see #1 and GH-2', '\u001b[31mred\u001b[0m \u009b2J', '$x^2$ math', '\\`escaped\\`',
  '- leading dash', '1. leading number', '    four spaces', '> quote', '<!-- comment', '\u2028separator\u2029', 'tab\there', '\u0001\u0002',
];

function gfm(markdown: string): string {
  const run = spawnSync('cmark-gfm', ['-e', 'table', '-e', 'autolink', '-e', 'strikethrough', '--unsafe'], { input: markdown, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

/** The text a reader sees in an HTML fragment: tags dropped, entities decoded, word joiners removed. */
function textOf(fragment: string): string {
  return fragment.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\u2060/g, '');
}

/** What a message should read as on one line: line breaks as spaces, controls visible, tabs as spaces. */
function expectedText(message: string): string {
  return escapeTerminal(message.replace(/\r\n|[\r\n\u000b\u000c\u0085\u2028\u2029]/g, ' ').replace(/\t/g, ' ')).replace(/^\s+/, ' ').trim();
}

describe('escapeTerminal', () => {
  it('shows ANSI escapes, C1 controls, line breaks and bidi overrides as visible text', () => {
    expect(escapeTerminal('\u001b[31mred\u001b[0m')).toBe('\\x1b[31mred\\x1b[0m');
    expect(escapeTerminal('a\u009b2Jb\rc\nd\u0007')).toBe('a\\x9b2Jb\\x0dc\\x0ad\\x07');
    expect(escapeTerminal('abc\u202eevil\u2066')).toBe('abc\\u202eevil\\u2066');
    expect(escapeTerminal('plain ünïcode ✓ text')).toBe('plain ünïcode ✓ text');
  });
});

describe('escapeMarkdown', () => {
  it('renders each hostile string as exactly its text, with no element, link or line break of its own', () => {
    for (const s of HOSTILE) {
      const html = gfm(`- ${escapeMarkdown(s)}\n`).trim();
      expect(html, JSON.stringify(s)).toMatch(/^<ul>\n<li>[^\n]*<\/li>\n<\/ul>$/);
      const inner = html.replace(/^<ul>\n<li>|<\/li>\n<\/ul>$/g, '');
      expect(inner, JSON.stringify(s)).not.toMatch(/<(?!\/?li>)/);
      expect(textOf(inner)).toBe(expectedText(s));
    }
  });

  it('keeps a hostile message in its table cell in summary.md, and the table whole', () => {
    const input = buildReportFixture();
    const failing = input.result.findings.filter((f) => f.status === 'fail' || f.status === 'error');
    failing.forEach((f, i) => { f.message = `${HOSTILE[i % HOSTILE.length]!} ${f.message}`; });
    input.result.scope = { accounts: ['@octocat'], regions: ['eu-west-1\r# region'] };
    input.result.attempts.push({ service: 'acm', account: '1', region: 'eu-west-1', operation: 'ListCertificates', status: 'error', reason: 'lone\r# Not a heading\r- nor an item', covers: [] });
    const html = gfm(renderSummary(input));
    expect(html.match(/<h[1-6]>/g)).toEqual(['<h1>', '<h2>', '<h2>']);
    expect(html).not.toMatch(/<a |<img|<b>|<em>|<del>|<code>(?!findings|report|results|[a-z-]+<\/code><\/td>)/);
    const tables = html.split('<table>').slice(1);
    const findingsTable = tables.at(-1)!;
    const rows = findingsTable.split('<tbody>')[1]!.match(/<tr>[\s\S]*?<\/tr>/g)!;
    expect(rows.length).toBe(Math.min(200, failing.length));
    // summary.md lists them by severity, failures before errors within one severity (a stable sort keeps the rest)
    const rank = (f: (typeof failing)[number]) => SEVERITIES.indexOf(f.severity) * 2 + (f.status === 'error' ? 1 : 0);
    const shown = [...failing].sort((a, b) => rank(a) - rank(b)).slice(0, rows.length);
    rows.forEach((row, i) => {
      const cells = row.match(/<td>[\s\S]*?<\/td>/g)!;
      expect(cells.length).toBe(6);
      expect(textOf(cells[4]!)).toBe(expectedText(shown[i]!.message));
    });
    // One item per gap in "Not covered", plus the verdict's list of what was not seen.
    expect(html.match(/<li>/g)?.length).toBe(input.result.attempts.filter((a) => a.status === 'error').length + input.result.verdict.unseen.causes.length);
  });
});

describe('byte budgets', () => {
  it('keeps summary.md under 1 MiB of UTF-8 with a cut note, whatever the number and length of gaps and findings', () => {
    const input = buildReportFixture();
    const long = '🟥'.repeat(60_000);
    for (let i = 0; i < 60; i++) input.result.attempts.push({ service: 'elbv2', account: '1', region: 'eu-west-1', operation: `Op${i}`, status: 'error', reason: long, covers: [] });
    const template = input.result.findings.find((f) => f.status === 'fail')!;
    for (let i = 0; i < 5000; i++) input.result.findings.push({ ...template, message: `${i} ${long}` });
    const summary = renderSummary(input);
    expect(utf8Bytes(summary)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    expect(summary).toMatch(/_Showing \d+ of \d+ failing and error findings/);
    expect(summary).toContain('# elb-tls-audit');
  });

  it("cuts the Action's job summary by UTF-8 bytes at a line end, with a note", () => {
    // Under the limit in UTF-16 units (what the old cut counted), well over it in UTF-8 bytes.
    const markdown = Array.from({ length: 15_000 }, (_, i) => `| ${i} | ${'é✓🟥'.repeat(10)} |`).join('\n');
    expect(markdown.length).toBeLessThan(900 * 1024);
    expect(utf8Bytes(markdown)).toBeGreaterThan(900 * 1024);
    const cut = jobSummaryText(markdown, 'out/report.html', 900 * 1024);
    expect(utf8Bytes(cut)).toBeLessThanOrEqual(900 * 1024);
    expect(cut).toMatch(/\|\n\n_… cut: the job summary is limited to 1 MiB; see out\/report\.html\._\n$/);
    expect(cutToBytes('ab🟥cd', 5)).toBe('ab…');
  });
});
