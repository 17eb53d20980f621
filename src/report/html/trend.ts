/** The trend section, when a previous run was given: counts per severity then and now, what is new and what was fixed. */
import type { FindingChangeEntry } from '../../model/finding.ts';
import { SEVERITIES } from '../../model/rule.ts';
import type { ReportInput } from '../reporter.ts';
import { html, joinHtml, type TrustedHtml } from './escape.ts';

const MAX_ROWS = 200;

function changeTable(id: string, caption: string, entries: readonly FindingChangeEntry[]): TrustedHtml {
  if (entries.length === 0) return html`<p class="muted" id="${id}">${caption}: none.</p>`;
  const rows = entries.slice(0, MAX_ROWS).map((e) => html`<tr><td><span class="sev sev-${e.severity}">${e.severity}</span></td><td><code>${e.ruleId}</code></td>
<td><span class="res-name">${e.resource.name}</span><br><span class="muted arn">${e.resource.arn}</span></td><td>${e.resource.account} / ${e.resource.region}</td><td>${e.status === 'absent' ? 'no longer produced' : e.status}</td><td>${e.message}</td></tr>`);
  const more = entries.length > MAX_ROWS ? html`<p class="muted">${entries.length - MAX_ROWS} more are listed in findings.json (changes).</p>` : html``;
  return html`<div class="table-scroll"><table class="data compact" id="${id}"><caption>${caption} (${entries.length.toLocaleString('en-US')})</caption>
<thead><tr><th scope="col">Severity</th><th scope="col">Rule</th><th scope="col">Resource</th><th scope="col">Account / region</th><th scope="col">Now</th><th scope="col">Message</th></tr></thead>
<tbody>${joinHtml(rows)}</tbody></table></div>${more}`;
}

/** Empty when no previous run was given. */
export function renderTrend(input: ReportInput): TrustedHtml {
  const changes = input.result.changes;
  if (!changes) return html``;
  const now = input.result.summary.bySeverity;
  const then = changes.previous.bySeverity;
  const delta = (n: number): string => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0');
  const rows = SEVERITIES.map((s) => html`<tr data-severity="${s}"><th scope="row"><span class="sev sev-${s}">${s}</span></th><td class="num">${then[s]}</td><td class="num">${now[s]}</td><td class="num">${delta(now[s] - then[s])}</td></tr>`);
  const completeness = changes.completeness.before === changes.completeness.now ? html``
    : html`<p class="${changes.completeness.now ? '' : 'verdict-incomplete'}">Completeness changed: the previous run was ${changes.completeness.before ? 'complete' : 'incomplete'}, this one is ${changes.completeness.now ? 'complete' : 'incomplete'}.</p>`;
  const undetermined = changes.undetermined.length > 0
    ? html`<p>${changes.undetermined.length} finding(s) that failed before could not be judged in this run; they are not counted as resolved.</p>` : html``;
  return html`<section id="trend" aria-labelledby="trend-h"><h2 id="trend-h">Since the previous run</h2>
<p>Compared with the run that finished <time datetime="${changes.previous.finishedAt}">${changes.previous.finishedAt.replace('T', ' ').slice(0, 16)} UTC</time>:
<strong id="trend-new">${changes.new.length}</strong> new failing, <strong id="trend-resolved">${changes.resolved.length}</strong> resolved, ${changes.unchanged} unchanged.</p>
${completeness}${undetermined}
<div class="table-scroll"><table class="data compact" id="trend-severity"><caption>Failing and error findings per severity</caption>
<thead><tr><th scope="col">Severity</th><th scope="col" class="num">Previous run</th><th scope="col" class="num">This run</th><th scope="col" class="num">Change</th></tr></thead>
<tbody>${joinHtml(rows)}</tbody></table></div>
${changeTable('trend-new-list', 'New failing findings', changes.new)}
${changeTable('trend-resolved-list', 'Resolved findings', changes.resolved)}</section>`;
}
