/** summary.md: the verdict, counts and top findings for the Action's job summary; always under 1 MiB. */
import type { Finding } from '../model/finding.ts';
import { SEVERITIES } from '../model/rule.ts';
import type { Reporter, ReportInput } from './reporter.ts';

export const SUMMARY_LIMIT_BYTES = 1024 * 1024;
const VERDICT_ICONS = { pass: '✅', fail: '❌', incomplete: '⛔', empty: '📭' } as const;
const ICON: Record<string, string> = { critical: '🟥', high: '🟧', medium: '🟨', low: '🟦', info: '⬜' };

/** Markdown-escapes text from AWS so a tag or name cannot inject markup. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

function row(f: Finding): string {
  return `| ${ICON[f.severity] ?? ''} ${f.severity} | \`${f.ruleId}\` | ${escapeMarkdown(f.resource.name)} (${escapeMarkdown(f.resource.region)}) | ${escapeMarkdown(f.message)} |`;
}

/** Renders the summary; a long table is cut with a note so the file stays under the job-summary limit. */
export function renderSummary(input: ReportInput, limit = SUMMARY_LIMIT_BYTES): string {
  const { result } = input;
  const failing = result.findings.filter((f) => f.status === 'fail' || f.status === 'error');
  const v = result.verdict;
  const verdict = [
    `${VERDICT_ICONS[v.kind]} **${v.kind.toUpperCase()}** — ${escapeMarkdown(v.headline.replace(/^[A-Z]+: /, ''))}`,
    ...v.unseen.causes.map((c) => `- ${escapeMarkdown(c)}`),
    ...(v.emptyScopes.length > 0 ? [`- held nothing: ${v.emptyScopes.map((e) => escapeMarkdown(`${e.account}/${e.region}`)).join(', ')}`] : []),
  ].join('\n');
  const s = result.summary;
  const head = [
    '# elb-tls-audit', '', verdict, '',
    `Profile \`${result.profile}\` · accounts ${result.scope.accounts.map(escapeMarkdown).join(', ') || '—'} · regions ${result.scope.regions.map(escapeMarkdown).join(', ') || '—'} · judged as of ${result.asOf}`, '',
    `Resources: ${s.resources.loadBalancers} load balancers, ${s.resources.listeners} listeners, ${s.resources.certificates} certificates, ${s.resources.hsmClusters} CloudHSM clusters, ${s.resources.endpoints} probed endpoints`, '',
    '| status | count |', '| --- | ---: |',
    ...(['fail', 'error', 'waived', 'pass', 'not_applicable'] as const).map((k) => `| ${k} | ${s.byStatus[k]} |`), '',
    '| severity (fail + error) | count |', '| --- | ---: |',
    ...SEVERITIES.map((sev) => `| ${ICON[sev]} ${sev} | ${s.bySeverity[sev]} |`), '',
  ];
  const gaps = result.attempts.filter((a) => a.status === 'error');
  if (gaps.length > 0) {
    head.push('## Not covered', '', ...gaps.slice(0, 50).map((a) => `- ${escapeMarkdown(`${a.service} ${a.operation} in ${a.region}: ${a.reason ?? 'error'}`)}`), '');
  }
  const table = ['## Top findings', '', '| severity | rule | resource | message |', '| --- | --- | --- | --- |'];
  const footer = ['', 'Full details: `report.html` (open offline), `findings.json`, `results.sarif`.', ''];
  let text = [...head, ...table].join('\n');
  let shown = 0;
  for (const f of failing.slice(0, 200)) {
    const line = `\n${row(f)}`;
    if (Buffer.byteLength(text + line + footer.join('\n'), 'utf8') + 200 > limit) break;
    text += line;
    shown++;
  }
  if (failing.length === 0) text += '\n| — | — | — | nothing failing |';
  if (shown < failing.length) text += `\n\n_Showing ${shown} of ${failing.length} failing findings; the rest are in findings.json and report.html._`;
  return `${text}\n${footer.join('\n')}`;
}

export const markdownReporter: Reporter = { format: 'md', fileName: 'summary.md', render: (input) => renderSummary(input) };
