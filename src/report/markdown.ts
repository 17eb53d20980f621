/** summary.md: the verdict, counts and top findings for the Action's job summary; always under 1 MiB. */
import type { Finding, FindingChangeEntry, FindingChanges } from '../model/finding.ts';
import { cutToBytes, utf8Bytes } from '../text/bytes.ts';
import { escapeMarkdown } from '../text/escape-markdown.ts';
import { SEVERITIES } from '../model/rule.ts';
import type { Reporter, ReportInput } from './reporter.ts';
import { describeEvidence } from './evidence.ts';
import { sarifTruncationLine, sarifTruncationOf } from './sarif.ts';

export const SUMMARY_LIMIT_BYTES = 1024 * 1024;
const VERDICT_ICONS = { pass: '✅', fail: '❌', incomplete: '⛔', empty: '📭' } as const;
export { escapeMarkdown };
const ICON: Record<string, string> = { critical: '🟥', high: '🟧', medium: '🟨', low: '🟦', info: '⬜' };

// One item (a finding row, a gap) is cut to this many characters of its AWS text before escaping.
const ITEM_CHARS = 1000;

/** Escapes AWS text for the summary, cut first so one huge string cannot crowd out the rest. */
function md(text: string): string {
  return escapeMarkdown(Array.from(text).length > ITEM_CHARS ? `${Array.from(text).slice(0, ITEM_CHARS).join('')}…` : text);
}

/** What was observed and where it was read, for the unmet conditions of a finding. */
function observed(f: Finding, origin: 'aws' | 'template'): string {
  const lines = describeEvidence(f, origin).filter((e) => !e.met);
  return lines.length === 0 ? '—' : md(lines.map((e) => `${e.what}: ${e.observed} (${e.source})`).join('; '));
}

function row(f: Finding, origin: 'aws' | 'template'): string {
  return `| ${ICON[f.severity] ?? ''} ${f.severity} | ${f.status === 'error' ? '⚠️ error' : 'fail'} | \`${f.ruleId}\` | ${md(f.resource.name)} (${md(f.resource.region)}) | ${md(f.message)} | ${observed(f, origin)} |`;
}

/** Failing and error findings together, most severe first; within a severity, failures before errors. */
function bySeverity(findings: readonly Finding[]): Finding[] {
  const rank = (f: Finding) => SEVERITIES.indexOf(f.severity) * 2 + (f.status === 'error' ? 1 : 0);
  return findings.filter((f) => f.status === 'fail' || f.status === 'error').sort((a, b) => rank(a) - rank(b));
}

function changesSection(c: FindingChanges): string[] {
  const list = (entries: FindingChangeEntry[]): string[] => [
    ...entries.slice(0, 20).map((e) => `- ${ICON[e.severity] ?? ''} \`${e.ruleId}\` ${escapeMarkdown(e.resource.name)} (${escapeMarkdown(e.resource.region)}): ${escapeMarkdown(e.message)}`),
    ...(entries.length > 20 ? [`- … and ${entries.length - 20} more (findings.json, changes)`] : []),
  ];
  return [
    '## Since the previous run', '',
    `${c.new.length} new failing, ${c.resolved.length} resolved, ${c.unchanged} unchanged${c.undetermined.length > 0 ? `, ${c.undetermined.length} not judged this time` : ''} (previous run finished ${c.previous.finishedAt}).`, '',
    ...(c.new.length > 0 ? ['**New failing**', '', ...list(c.new), ''] : []),
    ...(c.resolved.length > 0 ? ['**Resolved**', '', ...list(c.resolved), ''] : []),
  ];
}

/** Renders the summary; a long table is cut with a note so the file stays under the job-summary limit. */
export function renderSummary(input: ReportInput, limit = SUMMARY_LIMIT_BYTES): string {
  const { result } = input;
  const failing = bySeverity(result.findings);
  const v = result.verdict;
  const verdict = [
    `${VERDICT_ICONS[v.kind]} **${v.kind.toUpperCase()}** — ${escapeMarkdown(v.headline.replace(/^[A-Z]+: /, ''))}`,
    ...v.unseen.causes.map((c) => `- ${escapeMarkdown(c)}`),
    ...(v.emptyScopes.length > 0 ? [`- held nothing: ${v.emptyScopes.map((e) => escapeMarkdown(`${e.account}/${e.region}`)).join(', ')}`] : []),
  ].join('\n');
  const s = result.summary;
  const head = [
    '# elb-tls-audit', '', verdict, '',
    `Profile ${md(result.profile)} · accounts ${md(result.scope.accounts.join(', ')) || '—'} · regions ${md(result.scope.regions.join(', ')) || '—'} · judged as of ${md(result.asOf)}`, '',
    `Resources: ${s.resources.loadBalancers} load balancers, ${s.resources.listeners} listeners, ${s.resources.certificates} certificates, ${s.resources.hsmClusters} CloudHSM clusters, ${s.resources.endpoints} probed endpoints`, '',
    '| status | count |', '| --- | ---: |',
    ...(['fail', 'error', 'waived', 'pass', 'not_applicable'] as const).map((k) => `| ${k} | ${s.byStatus[k]} |`), '',
    '| severity (fail + error) | count |', '| --- | ---: |',
    ...SEVERITIES.map((sev) => `| ${ICON[sev]} ${sev} | ${s.bySeverity[sev]} |`), '',
  ];
  // When results.sarif had to leave results out for GitHub's limits, the summary says so (our own words and numbers: nothing to escape).
  const truncated = sarifTruncationLine(sarifTruncationOf(input));
  if (truncated !== null) head.push(`> ⚠️ ${truncated}`, '');
  if (result.changes) head.push(...changesSection(result.changes));
  const gaps = result.attempts.filter((a) => a.status === 'error');
  const footer = ['', 'Full details: `report.html` (open offline), `findings.json`, `results.sarif`.', ''].join('\n');
  // Every variable part shares one budget, counted in UTF-8 bytes; what does not fit is cut with a note.
  const reserve = 1024;
  let text = cutToBytes(head.join('\n'), limit / 4);
  const within = (line: string) => utf8Bytes(text) + utf8Bytes(line) + utf8Bytes(footer) + reserve <= limit;
  const warnings = result.warnings ?? [];
  if (warnings.length > 0) {
    text += '\n## Warnings\n';
    for (const w of warnings) {
      const line = `\n- ⚠️ ${md(w)}`;
      if (within(line)) text += line;
    }
    text += '\n';
  }
  if (gaps.length > 0) {
    text += '\n## Not covered\n';
    let shownGaps = 0;
    for (const a of gaps) {
      const line = `\n- ${md(`${a.service} ${a.operation} in ${a.region}: ${a.reason ?? 'error'}`)}`;
      if (shownGaps >= 50 || !within(line)) break;
      text += line;
      shownGaps++;
    }
    if (shownGaps < gaps.length) text += `\n\n_Showing ${shownGaps} of ${gaps.length} parts not covered; every one is in findings.json (attempts) and report.html._`;
    text += '\n';
  }
  text += ['', '## Failing and error findings', '', 'An error is a check that could not be judged (not seen, not probed): neither pass nor fail.', '',
    '| severity | status | rule | resource | message | observed (read from) |', '| --- | --- | --- | --- | --- | --- |'].join('\n');
  let shown = 0;
  for (const f of failing.slice(0, 200)) {
    const line = `\n${row(f, input.options.locate ? 'template' : 'aws')}`;
    if (!within(line)) break;
    text += line;
    shown++;
  }
  if (failing.length === 0) text += '\n| — | — | — | — | nothing failing | — |';
  if (shown < failing.length) text += `\n\n_Showing ${shown} of ${failing.length} failing and error findings; the rest are in findings.json and report.html._`;
  return `${text}\n${footer}`;
}

export const markdownReporter: Reporter = { format: 'md', fileName: 'summary.md', render: (input) => renderSummary(input) };
