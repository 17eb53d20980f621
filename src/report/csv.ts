/**
 * findings.csv: one row per listed finding, RFC 4180 (CRLF line ends, every field quoted where needed),
 * safe to open in a spreadsheet: a cell that would start a formula is prefixed with an apostrophe.
 */
import type { Finding } from '../model/finding.ts';
import type { RuleDefinition } from '../model/rule.ts';
import { fittedRules } from './remediation.ts';
import type { Reporter } from './reporter.ts';

// Spreadsheets read a cell as a formula when it starts with one of these (OWASP "CSV injection"); tab and CR also start DDE payloads.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: formula-neutralised, then quoted when it holds a comma, quote, CR or LF (quotes doubled). */
export function csvField(value: string | number | boolean | null): string {
  let text = value === null ? '' : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV record of fields, ended by CRLF as RFC 4180 says. */
export function csvRecord(fields: readonly (string | number | boolean | null)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

export const CSV_COLUMNS = [
  'severity', 'status', 'rule', 'title', 'category', 'resource_arn', 'resource_name', 'resource_type', 'load_balancer_type',
  'load_balancer_arn', 'account', 'region', 'message', 'controls', 'remediation', 'waiver_reason', 'waiver_expires', 'fingerprint',
] as const;

const controlsText = (controls: Record<string, string[]>): string =>
  Object.entries(controls).filter(([, ids]) => ids.length > 0).map(([framework, ids]) => `${framework}:${ids.join('|')}`).join('; ');

function row(f: Finding, rule: RuleDefinition | undefined): (string | null)[] {
  return [
    f.severity, f.status, f.ruleId, rule?.title ?? null, f.category, f.resource.arn, f.resource.name, f.resource.kind, f.resource.loadBalancerType,
    f.resource.loadBalancerArn, f.resource.account, f.resource.region, f.message, controlsText(f.controls), rule?.remediation.text ?? null,
    f.waiver?.reason ?? null, f.waiver?.expires ?? null, f.fingerprint,
  ];
}

export const csvReporter: Reporter = {
  format: 'csv',
  fileName: 'findings.csv',
  render: ({ result, rules, facts }) => {
    const ruleFor = fittedRules(rules, facts);
    return [csvRecord(CSV_COLUMNS), ...result.findings.map((f) => csvRecord(row(f, ruleFor(f))))].join('');
  },
};
