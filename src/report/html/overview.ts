/** The server-rendered top of the HTML report: scope, completeness, counts, charts, frameworks. */
import type { ReportInput } from '../reporter.ts';
import type { Attempt } from '../../model/snapshot.ts';
import type { Finding } from '../../model/finding.ts';
import { SEVERITIES } from '../../model/rule.ts';
import { html, joinHtml, type TrustedHtml } from './escape.ts';
import { columnChart, horizontalBars, meter, type Bar } from './charts.ts';
import { compareCodePoints } from '../../text/order.ts';
import { plural } from '../../text/plural.ts';

const MAX_GAP_ROWS = 100;

const VERDICT_LABELS = { pass: 'Pass', fail: 'Fail', incomplete: 'Incomplete audit', empty: 'Empty: nothing to judge' } as const;

/** Header, verdict and scope of the run. */
export function renderHeader(input: ReportInput): TrustedHtml {
  const { result } = input;
  const v = result.verdict;
  const label = VERDICT_LABELS[v.kind];
  return html`<header class="page-header" role="banner">
<div class="brand"><span class="brand-mark" aria-hidden="true">TLS</span><div><p class="eyebrow">${result.tool.name} ${result.tool.version}</p>
<h1>Load balancer TLS compliance report</h1></div></div>
<div class="verdict verdict-${v.kind}" role="status" data-verdict="${v.kind}"><span class="verdict-label">Verdict</span> ${label}<p class="verdict-headline">${v.headline}</p>${v.emptyScopes.length > 0 ? html`<p class="verdict-headline">Held nothing: ${v.emptyScopes.map((e) => `${e.account}/${e.region}`).join(', ')}</p>` : ''}</div>
<dl class="scope">
<div><dt>Profile</dt><dd>${result.profile}</dd></div>
<div><dt>Accounts</dt><dd>${listOrNone(result.scope.accounts)}</dd></div>
<div><dt>Regions</dt><dd>${listOrNone(result.scope.regions)}</dd></div>
<div><dt>Audit run</dt><dd><time datetime="${result.startedAt}">${formatTime(result.startedAt)}</time> – <time datetime="${result.finishedAt}">${formatTime(result.finishedAt)}</time></dd></div>
<div><dt>Judged as of</dt><dd><time datetime="${result.asOf}">${formatTime(result.asOf)}</time></dd></div>
</dl></header>`;
}

/** Completeness: loud when anything could not be collected or probed. */
export function renderCompleteness(input: ReportInput): TrustedHtml {
  const { result } = input;
  const gaps = result.attempts.filter((a) => a.status !== 'ok');
  const errorFindings = result.findings.filter((f) => f.status === 'error');
  const byCategory = new Map<string, number>();
  for (const f of errorFindings) byCategory.set(f.category, (byCategory.get(f.category) ?? 0) + 1);
  const errors = gaps.filter((a) => a.status === 'error');
  if (result.complete && errors.length === 0 && errorFindings.length === 0) {
    const skipped = gaps.length > 0 ? html` ${plural(gaps.length, 'call family', 'call families')} skipped, each for the reason listed below (a service not offered in the region, a probe left out by the plan).` : html``;
    return html`<section class="completeness complete" aria-labelledby="completeness-h">
<h2 id="completeness-h">Coverage: complete</h2><p>Every collector call and every probe that was planned succeeded (${result.attempts.length.toLocaleString('en-US')} attempts).${skipped}</p>
${gaps.length > 0 ? gapTable(gaps) : html``}</section>`;
  }
  const categories = joinHtml([...byCategory].map(([c, n]) => html`<li><strong>${n.toLocaleString('en-US')}</strong> error findings in <code>${c}</code></li>`));
  return html`<section class="completeness incomplete" role="alert" aria-labelledby="completeness-h">
<h2 id="completeness-h"><span aria-hidden="true">⚠</span> Coverage: INCOMPLETE — this audit could not see everything</h2>
<p>Resources behind a failed collection or probe were <strong>not judged compliant</strong>; they carry <em>error</em> findings.
${errors.length.toLocaleString('en-US')} of ${result.attempts.length.toLocaleString('en-US')} attempts failed${gaps.length > errors.length ? html`, ${gaps.length - errors.length} skipped` : html``}.</p>
<ul>${categories}</ul>${gapTable(gaps)}</section>`;
}

function gapTable(gaps: Attempt[]): TrustedHtml {
  const shown = gaps.slice(0, MAX_GAP_ROWS);
  const rows = shown.map((a) => html`<tr><td><span class="status status-${a.status === 'error' ? 'error' : 'not_applicable'}">${a.status}</span></td>
<td>${a.service}</td><td><code>${a.operation}</code></td><td>${a.account}</td><td>${a.region}</td><td>${a.reason ?? '—'}</td><td class="num">${a.covers.length}</td></tr>`);
  const more = gaps.length > shown.length
    ? html`<p class="muted">${gaps.length - shown.length} more are listed in findings.json (attempts).</p>` : html``;
  return html`<div class="table-scroll"><table class="data compact"><caption>What could not be collected or probed</caption>
<thead><tr><th scope="col">Status</th><th scope="col">Service</th><th scope="col">Call</th><th scope="col">Account</th><th scope="col">Region</th><th scope="col">Reason</th><th scope="col" class="num">Resources</th></tr></thead>
<tbody>${joinHtml(rows)}</tbody></table></div>${more}`;
}

/** Status counters, severity chart, framework pass rates and certificate expiry chart. */
export function renderSummary(input: ReportInput): TrustedHtml {
  const { result } = input;
  const s = result.summary;
  const card = (status: string, label: string, n: number, note: string): TrustedHtml =>
    html`<li class="stat stat-${status}"><a href="#findings" data-status-link="${status}"><span class="stat-value">${n.toLocaleString('en-US')}</span>
<span class="stat-label">${label}</span><span class="stat-note">${note}</span></a></li>`;
  const severityBars: Bar[] = SEVERITIES.map((sev) => ({ label: capitalise(sev), value: s.bySeverity[sev] ?? 0, tone: `tone-${sev}` }));
  const r = s.resources;
  return html`<section aria-labelledby="summary-h" class="summary"><h2 id="summary-h">Summary</h2>
<ul class="stats">
${card('fail', 'Failing', s.byStatus.fail, 'controls not met')}
${card('error', 'Errors', s.byStatus.error, 'could not be judged')}
${card('waived', 'Waived', s.byStatus.waived, 'accepted risk')}
${card('pass', 'Passing', s.byStatus.pass, 'controls met')}
${card('not_applicable', 'Not applicable', s.byStatus.not_applicable, 'rule does not apply')}
</ul>
<p class="resources">Assessed <strong>${r.loadBalancers.toLocaleString('en-US')}</strong> load balancers, <strong>${r.listeners.toLocaleString('en-US')}</strong> listeners,
<strong>${r.certificates.toLocaleString('en-US')}</strong> certificates, <strong>${r.hsmClusters.toLocaleString('en-US')}</strong> CloudHSM clusters and
<strong>${r.endpoints.toLocaleString('en-US')}</strong> probed endpoints; ${s.total.toLocaleString('en-US')} rule evaluations.</p>
<div class="grid-2">
<figure class="panel"><figcaption>Open findings (fail + error) by severity</figcaption>${horizontalBars('chart-severity', 'Open findings by severity', severityBars)}</figure>
<figure class="panel"><figcaption>Certificate expiry timeline (certificates per month, from the audit date)</figcaption>${expiryChart(input)}</figure>
</div>
${renderFrameworks(result.findings)}
</section>`;
}

function expiryChart(input: ReportInput): TrustedHtml {
  const asOf = new Date(input.result.asOf);
  const bars: Bar[] = [{ label: 'Expired', value: 0, tone: 'tone-critical' }];
  for (let m = 0; m < 12; m++) {
    const d = new Date(Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth() + m, 1));
    const label = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' }) + (d.getUTCMonth() === 0 || m === 0 ? ` ’${String(d.getUTCFullYear()).slice(2)}` : '');
    bars.push({ label, value: 0, tone: m === 0 ? 'tone-high' : m < 3 ? 'tone-medium' : 'tone-ok' });
  }
  bars.push({ label: 'Later', value: 0, tone: 'tone-ok' });
  bars.push({ label: 'Unknown', value: 0, tone: 'tone-info' });
  for (const c of input.facts.certificate) {
    const at = c.notAfter === null ? null : new Date(c.notAfter);
    let i: number;
    if (at === null || Number.isNaN(at.getTime())) i = bars.length - 1;
    else if (c.expired === true || at < asOf) i = 0;
    else {
      const months = (at.getUTCFullYear() - asOf.getUTCFullYear()) * 12 + at.getUTCMonth() - asOf.getUTCMonth();
      i = months < 12 ? 1 + months : 13;
    }
    const bar = bars[i];
    if (bar) bar.value++;
  }
  return columnChart('chart-expiry', 'Certificates by expiry month', bars);
}

/** Pass rate per control framework named in the findings' controls. */
function renderFrameworks(findings: Finding[]): TrustedHtml {
  const stats = new Map<string, { pass: number; fail: number; waived: number; failing: Set<string> }>();
  for (const f of findings) {
    for (const [framework, ids] of Object.entries(f.controls)) {
      const s = stats.get(framework) ?? { pass: 0, fail: 0, waived: 0, failing: new Set<string>() };
      if (f.status === 'pass') s.pass++;
      else if (f.status === 'fail' || f.status === 'error') {
        s.fail++;
        for (const id of ids) s.failing.add(id);
      } else if (f.status === 'waived') s.waived++;
      stats.set(framework, s);
    }
  }
  if (stats.size === 0) return html`<p class="muted">No findings carry control-framework mappings.</p>`;
  const rows = [...stats].sort(([a], [b]) => compareCodePoints(a, b)).map(([framework, s]) => {
    const assessed = s.pass + s.fail;
    const failing = [...s.failing].sort();
    return html`<tr><th scope="row">${framework}</th><td>${meter(assessed === 0 ? null : s.pass / assessed, `${framework} pass rate`)}</td>
<td class="num">${s.pass.toLocaleString('en-US')}</td><td class="num">${s.fail.toLocaleString('en-US')}</td><td class="num">${s.waived.toLocaleString('en-US')}</td>
<td>${failing.length === 0 ? html`<span class="muted">none</span>` : joinHtml(failing.slice(0, 12).map((id) => html`<code class="control">${id}</code>`), ' ')}${failing.length > 12 ? html` +${failing.length - 12}` : html``}</td></tr>`;
  });
  return html`<div class="table-scroll"><table class="data"><caption>Pass rate per control framework (pass ÷ (pass + fail + error); waived shown apart)</caption>
<thead><tr><th scope="col">Framework</th><th scope="col">Pass rate</th><th scope="col" class="num">Pass</th><th scope="col" class="num">Fail + error</th><th scope="col" class="num">Waived</th><th scope="col">Controls with open findings</th></tr></thead>
<tbody>${joinHtml(rows)}</tbody></table></div>`;
}

/** Waivers grouped by the waiver that matched, expired ones flagged. */
export function renderWaivers(input: ReportInput): TrustedHtml {
  const groups = new Map<string, { reason: string; expires: string; expired: boolean; pattern: string; rules: Set<string>; count: number }>();
  for (const f of input.result.findings) {
    if (f.waiver === null) continue;
    const key = JSON.stringify([f.waiver.pattern, f.waiver.reason, f.waiver.expires, f.waiver.expired]);
    const g = groups.get(key) ?? { ...f.waiver, rules: new Set<string>(), count: 0 };
    g.rules.add(f.ruleId);
    g.count++;
    groups.set(key, g);
  }
  const body = groups.size === 0 ? html`<p class="muted">No waivers matched any finding.</p>` : html`<div class="table-scroll"><table class="data">
<caption>Waivers that matched findings. An expired waiver no longer waives: its findings count as failing again.</caption>
<thead><tr><th scope="col">State</th><th scope="col">Resource pattern</th><th scope="col">Rules</th><th scope="col">Reason</th><th scope="col">Expires</th><th scope="col" class="num">Findings</th></tr></thead>
<tbody>${joinHtml([...groups.values()].sort((a, b) => Number(b.expired) - Number(a.expired) || compareCodePoints(a.expires, b.expires)).map((g) => html`<tr class="${g.expired ? 'row-expired' : ''}">
<td>${g.expired ? html`<span class="badge badge-expired">Expired</span>` : html`<span class="badge badge-waived">Active</span>`}</td>
<td><code>${g.pattern}</code></td><td>${joinHtml([...g.rules].sort().map((r) => html`<code>${r}</code>`), ' ')}</td><td>${g.reason}</td>
<td><time datetime="${g.expires}">${g.expires}</time></td><td class="num">${g.count}</td></tr>`))}</tbody></table></div>`;
  const warnings = input.result.warnings ?? [];
  const warned = warnings.length === 0 ? html`` : html`<div class="callout callout-expired" role="note"><strong>Warnings.</strong><ul>${joinHtml(warnings.map((w) => html`<li>${w}</li>`))}</ul></div>`;
  return html`<section id="waivers" aria-labelledby="waivers-h"><h2 id="waivers-h">Waivers</h2>${warned}${body}
<p><a href="#findings" data-status-link="waived">Show waived findings in the table</a></p></section>`;
}

function listOrNone(items: string[]): TrustedHtml {
  return items.length === 0 ? html`<span class="muted">none</span>` : joinHtml(items.map((i) => html`<span class="chip">${i}</span>`), ' ');
}

function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
