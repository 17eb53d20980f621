/** The findings table the terminal shows after a run: failing and error findings, worst first, fitted to the width. */
import { styleText } from 'node:util';
import Table from 'cli-table3';
import type { Finding } from '../model/finding.ts';
import { SEVERITIES, type Severity } from '../model/rule.ts';
import { escapeTerminal } from '../text/escape-terminal.ts';
import { compareCodePoints } from '../text/order.ts';

/** Whether colour is on: never with --no-color, NO_COLOR (any non-empty value) or TERM=dumb; else when the stream is a terminal. */
export function colorEnabled(stream: NodeJS.WriteStream, flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag === false) return false;
  if ((env['NO_COLOR'] ?? '') !== '' || env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}

const SEVERITY_STYLE: Record<Severity, Parameters<typeof styleText>[0]> = {
  critical: ['bold', 'magenta'],
  high: 'red',
  medium: 'yellow',
  low: 'cyan',
  info: 'gray',
};

/** The findings a terminal lists: fail and error, by severity, then error before fail, rule and resource. */
export function tableFindings(findings: readonly Finding[]): Finding[] {
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  return findings
    .filter((f) => f.status === 'fail' || f.status === 'error')
    .sort((a, b) => rank(a.severity) - rank(b.severity)
      || (a.status === b.status ? 0 : a.status === 'error' ? -1 : 1)
      || compareCodePoints(a.ruleId, b.ruleId)
      || compareCodePoints(a.resource.arn, b.resource.arn));
}

/** Breaks words longer than a column (ARNs, API names) at the column's width, so the table wraps them instead of cutting them off. */
function breakLongWords(text: string, width: number): string {
  const room = Math.max(4, width - 2);
  return text.split(' ').map((word) => (word.length <= room ? word : word.match(new RegExp(`.{1,${room}}`, 'gu'))!.join('\n'))).join(' ');
}

export interface TableSettings {
  /** Terminal width in columns (stdout.columns; 120 when not a terminal). */
  width: number;
  color: boolean;
  /** Rows shown at most; the rest are counted in a last line. */
  limit?: number;
}

/** Renders the table (or a one-line note when nothing fails); every AWS string is escaped for the terminal. */
export function renderFindingsTable(findings: readonly Finding[], settings: TableSettings): string {
  const rows = tableFindings(findings);
  if (rows.length === 0) return 'No failing or error findings.\n';
  const shown = settings.limit !== undefined ? rows.slice(0, settings.limit) : rows;
  // colorEnabled has decided; styleText must not decide again from the stream (it drops colour whenever CI is set).
  const paint = (style: Parameters<typeof styleText>[0], text: string) => (settings.color ? styleText(style, text, { validateStream: false }) : text);
  // Fixed narrow columns; the resource and message share what is left (each cell pays 3 columns of border).
  const width = Math.max(60, settings.width);
  const severityW = 10;
  const statusW = 8;
  const ruleW = Math.min(30, Math.max(...shown.map((f) => f.ruleId.length)) + 2);
  const rest = width - (severityW + statusW + ruleW) - 16;
  const resourceW = Math.max(14, Math.floor(rest * 0.35));
  const messageW = Math.max(20, rest - resourceW);
  const table = new Table({
    head: ['severity', 'status', 'rule', 'resource', 'message'].map((h) => paint('bold', h)),
    colWidths: [severityW, statusW, ruleW, resourceW, messageW],
    wordWrap: true,
    // One line per finding where it fits; no rule between rows, so a long list stays readable.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: { head: [], border: [] },
  });
  for (const f of shown) {
    const where = f.resource.region && f.resource.region !== 'global' ? `${f.resource.name} (${f.resource.region})` : f.resource.name;
    table.push([
      paint(SEVERITY_STYLE[f.severity], f.severity),
      f.status === 'error' ? paint('yellow', 'error') : 'fail',
      breakLongWords(escapeTerminal(f.ruleId), ruleW),
      breakLongWords(escapeTerminal(where || f.resource.arn), resourceW),
      breakLongWords(escapeTerminal(f.message), messageW),
    ]);
  }
  const more = rows.length - shown.length;
  return `${table.toString()}\n${more > 0 ? `… and ${more} more (see findings.json or --format text --out -)\n` : ''}`;
}
