/** Stylesheet of the HTML report (screen and print), inlined at render time. */
export const reportStyles = String.raw`
:root { --ink:#0f172a; --ink-2:#334155; --muted:#64748b; --line:#e2e8f0; --bg:#f4f6f9; --card:#fff; --accent:#1e40af;
  --critical:#991b1b; --high:#c2410c; --medium:#a16207; --low:#1d4ed8; --info:#475569; --ok:#15803d; --error:#6d28d9; --waived:#92400e; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); }
body { margin: 0; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: .86em; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: 1rem; }
.muted, .sub { color: var(--muted); }
.sub { font-size: .82rem; font-weight: 400; }
.page-header { background: linear-gradient(135deg,#0b1730,#16315f); color: #fff; padding: 1.6rem 2rem 1.3rem; display: grid; grid-template-columns: 1fr auto; gap: 1rem 2rem; align-items: center; }
.brand { display: flex; gap: 1rem; align-items: center; }
.brand-mark { display: inline-grid; place-items: center; width: 3rem; height: 3rem; border-radius: .6rem; background: #fff; color: #16315f; font-weight: 800; letter-spacing: .04em; }
.eyebrow { margin: 0; font-size: .78rem; text-transform: uppercase; letter-spacing: .08em; color: #bfd0ee; }
h1 { margin: 0; font-size: 1.55rem; font-weight: 650; }
.verdict { margin: 0; padding: .55rem 1rem; border-radius: .5rem; font-weight: 700; font-size: 1.05rem; border: 2px solid transparent; }
.verdict-label { display: block; font-size: .7rem; text-transform: uppercase; letter-spacing: .08em; font-weight: 600; opacity: .85; }
.verdict-pass { background: #dcfce7; color: #14532d; } .verdict-fail { background: #fee2e2; color: #7f1d1d; } .verdict-incomplete { background: #fef3c7; color: #78350f; border-color: #f59e0b; } .verdict-empty { background: #e0e7ff; color: #1e1b4b; border-color: #6366f1; }
.verdict-headline { margin: .25rem 0 0; font-weight: 500; font-size: .85rem; max-width: 46rem; }
.scope { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: .4rem 2.2rem; margin: .4rem 0 0; }
.scope dt { font-size: .72rem; text-transform: uppercase; letter-spacing: .07em; color: #bfd0ee; } .scope dd { margin: 0; }
.chip { display: inline-block; padding: 0 .45rem; border-radius: 1rem; background: rgba(255,255,255,.14); font-size: .85rem; margin: 1px 0; }
nav.sections { position: sticky; top: 0; z-index: 5; background: #fff; border-bottom: 1px solid var(--line); padding: 0 2rem; display: flex; gap: 1.5rem; }
nav.sections a { display: inline-block; padding: .7rem 0; text-decoration: none; color: var(--ink-2); font-weight: 550; border-bottom: 3px solid transparent; }
nav.sections a:hover { border-bottom-color: var(--accent); }
main { padding: 1.2rem 2rem 3rem; max-width: 1500px; margin: 0 auto; }
section { margin-bottom: 2rem; }
h2 { font-size: 1.2rem; margin: 1.4rem 0 .7rem; }
h3 { font-size: 1.05rem; margin: 0; } h4 { margin: 1rem 0 .4rem; font-size: .9rem; text-transform: uppercase; letter-spacing: .05em; color: var(--ink-2); }
.completeness { border-radius: .6rem; padding: .2rem 1.2rem .8rem; border: 1px solid; }
.completeness h2 { margin-top: .8rem; }
.complete { background: #f0fdf4; border-color: #86efac; }
.incomplete { background: #fff7ed; border: 3px solid #ea580c; }
.incomplete h2 { color: #9a3412; }
.stats { list-style: none; padding: 0; margin: 0 0 1rem; display: grid; grid-template-columns: repeat(5, minmax(0,1fr)); gap: .8rem; }
.stat a { display: block; background: var(--card); border: 1px solid var(--line); border-top: 5px solid var(--info); border-radius: .55rem; padding: .7rem 1rem; text-decoration: none; color: inherit; }
.stat a:hover { box-shadow: 0 2px 8px rgba(15,23,42,.1); }
.stat-value { display: block; font-size: 1.9rem; font-weight: 700; line-height: 1.1; } .stat-label { display: block; font-weight: 600; } .stat-note { font-size: .8rem; color: var(--muted); }
.stat-fail a { border-top-color: #dc2626; } .stat-error a { border-top-color: var(--error); } .stat-waived a { border-top-color: #d97706; } .stat-pass a { border-top-color: var(--ok); } .stat-not_applicable a { border-top-color: #94a3b8; }
.grid-2 { display: grid; grid-template-columns: 1fr 1.4fr; gap: 1rem; }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: .55rem; padding: .8rem 1rem; margin: 0; }
figure.panel figcaption { font-weight: 600; margin-bottom: .4rem; }
.chart { max-height: 220px; } .chart-label { font-size: 12px; fill: var(--ink-2); } .chart-small { font-size: 10.5px; } .chart-value { font-size: 11.5px; fill: var(--ink); font-weight: 600; } .chart-axis { stroke: #cbd5e1; }
.tone-critical { fill: var(--critical); background: var(--critical); } .tone-high { fill: var(--high); background: var(--high); } .tone-medium { fill: #ca8a04; background: #ca8a04; }
.tone-low { fill: var(--low); background: var(--low); } .tone-info { fill: #94a3b8; background: #94a3b8; } .tone-ok { fill: #16a34a; background: #16a34a; }
.meter { display: inline-flex; align-items: center; gap: .5rem; } .meter-track { fill: #e2e8f0; } .meter-text { font-variant-numeric: tabular-nums; font-weight: 600; }
.table-scroll { overflow-x: auto; }
table.data { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); border-radius: .5rem; margin: .4rem 0 1rem; font-size: .9rem; }
table.data caption { text-align: left; font-weight: 600; padding: .4rem 0; color: var(--ink-2); }
table.data th, table.data td { padding: .45rem .6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
table.data thead th { background: #f1f5f9; font-size: .78rem; text-transform: uppercase; letter-spacing: .04em; color: var(--ink-2); }
table.compact th, table.compact td { padding: .3rem .5rem; }
.num { text-align: right !important; font-variant-numeric: tabular-nums; }
.resources { color: var(--ink-2); }
.filters { display: grid; grid-template-columns: 2fr repeat(7, minmax(0,1fr)) auto; gap: .6rem; align-items: end; background: var(--card); border: 1px solid var(--line); border-radius: .55rem; padding: .8rem 1rem; }
.filters label { display: flex; flex-direction: column; font-size: .75rem; font-weight: 600; color: var(--ink-2); text-transform: uppercase; letter-spacing: .04em; gap: .2rem; }
.filters input, .filters select, .lb-filters input, .lb-filters select, .pager select { font: inherit; font-size: .9rem; padding: .35rem .45rem; border: 1px solid #cbd5e1; border-radius: .35rem; background: #fff; min-width: 0; text-transform: none; letter-spacing: 0; }
button { font: inherit; cursor: pointer; }
.button, .filters button, .pager button { padding: .38rem .8rem; border: 1px solid #cbd5e1; border-radius: .35rem; background: #fff; }
.pager button:disabled { opacity: .45; cursor: default; }
.result-bar { display: flex; align-items: center; gap: 1rem; margin: .7rem 0 .2rem; flex-wrap: wrap; }
#f-count, #lb-count { font-weight: 600; color: var(--ink-2); margin: 0; }
.lb-chip { display: inline-flex; align-items: center; gap: .4rem; background: #e0e7ff; border-radius: 1rem; padding: .1rem .3rem .1rem .7rem; }
.chip-clear { border: 0; background: transparent; font-size: 1.1rem; line-height: 1; padding: 0 .3rem; }
.findings td.msg { max-width: 38rem; }
.findings .rule-id { font-weight: 600; } .res-name { font-weight: 550; overflow-wrap: anywhere; }
.th-sort button { all: unset; cursor: pointer; display: inline-flex; gap: .25rem; align-items: center; }
.th-sort button:focus-visible { outline: 3px solid #f59e0b; }
.th-sort[aria-sort="ascending"] button::after { content: "▲"; font-size: .7em; } .th-sort[aria-sort="descending"] button::after { content: "▼"; font-size: .7em; }
.expander { border: 1px solid #cbd5e1; background: #fff; border-radius: .3rem; width: 1.8rem; height: 1.8rem; }
.expander .chev { display: inline-block; transition: transform .1s; font-weight: 700; }
.expander[aria-expanded="true"] .chev { transform: rotate(90deg); }
tr.row-fail td:first-child { box-shadow: inset 4px 0 #dc2626; } tr.row-error td:first-child { box-shadow: inset 4px 0 var(--error); } tr.row-waived td:first-child { box-shadow: inset 4px 0 #d97706; }
.sev, .status, .badge, .flag { display: inline-block; padding: .05rem .5rem; border-radius: .3rem; font-size: .78rem; font-weight: 650; white-space: nowrap; border: 1px solid transparent; }
.sev-critical { background: var(--critical); color: #fff; } .sev-high { background: #ffedd5; color: #9a3412; border-color: #fdba74; } .sev-medium { background: #fef9c3; color: #713f12; border-color: #fde047; }
.sev-low { background: #dbeafe; color: #1e3a8a; border-color: #93c5fd; } .sev-info { background: #f1f5f9; color: #334155; border-color: #cbd5e1; }
.status-fail { background: #fee2e2; color: #991b1b; } .status-error { background: #ede9fe; color: #5b21b6; } .status-waived { background: #fef3c7; color: #92400e; }
.status-pass { background: #dcfce7; color: #166534; } .status-not_applicable { background: #f1f5f9; color: #475569; }
.badge-expired { background: #fee2e2; color: #991b1b; border-color: #fca5a5; } .badge-waived { background: #fef3c7; color: #92400e; }
.flag { margin-left: .35rem; background: #f1f5f9; color: #334155; font-weight: 600; } .flag-bad { background: #fee2e2; color: #991b1b; } .flag-warn { background: #fef3c7; color: #92400e; } .flag-ok { background: #dcfce7; color: #166534; }
table.data.matrix-table thead th { text-transform: none; letter-spacing: 0; font-size: .8rem; }
.row-expired td { background: #fff1f2; }
.detail-row > td { background: #f8fafc; padding: 0 !important; }
.detail { display: grid; grid-template-columns: minmax(0,2fr) minmax(0,1fr); gap: 1.5rem; padding: .8rem 1.2rem 1.2rem 3rem; }
.detail h3 { margin-top: .4rem; } .detail-message { font-weight: 550; }
.callout { padding: .5rem .8rem; border-radius: .4rem; border-left: 4px solid; } .callout-waived { background: #fffbeb; border-color: #d97706; } .callout-expired { background: #fef2f2; border-color: #dc2626; }
.snippet { margin: .5rem 0; } .snippet-label { font-size: .75rem; font-weight: 650; color: var(--ink-2); text-transform: uppercase; letter-spacing: .05em; }
pre { background: #0f172a; color: #e2e8f0; padding: .7rem .9rem; border-radius: .4rem; overflow-x: auto; margin: .2rem 0; white-space: pre-wrap; word-break: break-word; }
.kv { display: grid; grid-template-columns: max-content minmax(0,1fr); gap: .2rem .8rem; margin: 0; font-size: .88rem; } .kv dt { color: var(--muted); } .kv dd { margin: 0; word-break: break-word; }
.controls dt { font-weight: 600; font-size: .85rem; } .controls dd { margin: 0 0 .4rem; }
code.control { background: #eef2ff; color: #3730a3; padding: 0 .3rem; border-radius: .25rem; margin-right: .2rem; }
code.arn { display: block; color: var(--muted); font-size: .76rem; word-break: break-all; }
.refs { padding-left: 1.1rem; word-break: break-all; font-size: .86rem; }
.evidence code { white-space: pre-wrap; word-break: break-word; } .evidence td:first-child { white-space: nowrap; }
.ok { color: var(--ok); font-weight: 600; } .bad { color: #b91c1c; font-weight: 600; }
.empty { padding: 1.2rem !important; text-align: center; color: var(--muted); }
.pager { display: flex; align-items: center; gap: .6rem; justify-content: flex-end; }
.lb-filters { display: flex; gap: 1rem; align-items: end; flex-wrap: wrap; background: var(--card); border: 1px solid var(--line); border-radius: .55rem; padding: .8rem 1rem; }
.lb-filters label { display: flex; flex-direction: column; font-size: .75rem; font-weight: 600; color: var(--ink-2); text-transform: uppercase; gap: .2rem; }
.lb-filters label.inline { flex-direction: row; align-items: center; gap: .4rem; text-transform: none; font-size: .9rem; }
.lb-card { background: var(--card); border: 1px solid var(--line); border-radius: .6rem; padding: 1rem 1.2rem; margin: 1rem 0; }
.lb-head { display: flex; justify-content: space-between; gap: 1rem; align-items: flex-start; border-bottom: 1px solid var(--line); padding-bottom: .6rem; }
.lb-counts { display: flex; gap: .4rem; align-items: center; flex-wrap: wrap; justify-content: flex-end; }
.link-button { border: 1px solid #c7d2fe; background: #eef2ff; color: var(--accent); border-radius: .35rem; padding: .2rem .6rem; font-size: .85rem; }
.lb-grid { display: grid; grid-template-columns: repeat(3, minmax(0,1fr)); gap: .8rem; margin: .8rem 0; }
.lb-grid .panel h4:first-child { margin-top: 0; }
.zones { list-style: none; padding: 0; margin: 0; display: flex; gap: .4rem; flex-wrap: wrap; }
.zone { border: 1px solid var(--line); border-radius: .4rem; padding: .15rem .5rem; font-weight: 600; font-size: .85rem; }
.zone-note { display: block; font-weight: 400; font-size: .72rem; color: var(--muted); }
.zone-ok { border-color: #86efac; background: #f0fdf4; } .zone-bad { border-color: #fca5a5; background: #fef2f2; }
details.matrix { border: 1px solid var(--line); border-radius: .45rem; margin: .5rem 0; padding: .3rem .8rem; }
details.matrix summary { cursor: pointer; font-weight: 600; padding: .3rem 0; }
.matrix-table td.cell { text-align: center; width: 4.5rem; } .cell-on { color: #15803d; } .cell-off { color: #cbd5e1; }
.matrix-table .proto-row th, .matrix-table .proto-row td { background: #f8fafc; font-weight: 600; }
.chain ol { margin: .2rem 0 .6rem; font-size: .85rem; }
.timeline { width: 12rem; height: .6rem; background: #e2e8f0; border-radius: .3rem; overflow: hidden; }
.timeline-bar { height: 100%; border-radius: .3rem; }
footer { color: var(--muted); font-size: .82rem; padding: 1rem 2rem 2rem; border-top: 1px solid var(--line); }
noscript p { background: #fef3c7; padding: .6rem 1rem; border-radius: .4rem; }
ul.cert-alerts { list-style: none; padding: 0; margin: .35rem 0 0; display: flex; flex-wrap: wrap; gap: .3rem; }
ul.cert-alerts .flag { margin-left: 0; white-space: normal; }
/* Narrow screens and print: each finding becomes a block (its cells inline, the message on a full-width line),
   so no column is squeezed or clipped. */
@media (max-width: 900px) {
  table.findings, #findings-body, #findings-body > tr, #findings-body > tr > td { display: block; width: auto; }
  table.findings > thead > tr { display: flex; flex-wrap: wrap; gap: .2rem .8rem; }
  table.findings > thead > tr > th { border: 0; padding: .3rem .4rem; }
  #findings-body > tr.finding { display: flex; flex-wrap: wrap; align-items: baseline; gap: .2rem .6rem; padding: .5rem .6rem; border-bottom: 1px solid var(--line); }
  #findings-body > tr.finding > td { border: 0; padding: 0; min-width: 0; overflow-wrap: anywhere; }
  #findings-body > tr.finding > td.msg { flex: 1 1 100%; max-width: none; }
  tr.row-fail td:first-child, tr.row-error td:first-child, tr.row-waived td:first-child { box-shadow: none; }
  tr.finding.row-fail { box-shadow: inset 4px 0 #dc2626; } tr.finding.row-error { box-shadow: inset 4px 0 var(--error); } tr.finding.row-waived { box-shadow: inset 4px 0 #d97706; }
  .evidence td { overflow-wrap: anywhere; }
  .filters { grid-template-columns: repeat(2, minmax(0,1fr)); }
  .lb-head { flex-direction: column; } .lb-counts { justify-content: flex-start; }
  main { padding: 1rem; } nav.sections { padding: 0 1rem; overflow-x: auto; } .page-header { grid-template-columns: 1fr; padding: 1.2rem 1rem; }
  .stats { grid-template-columns: repeat(2, 1fr); }
  .detail { padding: .6rem; }
}
@media (max-width: 1100px) { .filters { grid-template-columns: repeat(4, minmax(0,1fr)); } .grid-2, .lb-grid, .detail { grid-template-columns: 1fr; } .stats { grid-template-columns: repeat(3, 1fr); } }
@media print {
  html { background: #fff; font-size: 11pt; }
  nav.sections, .filters, .pager, .lb-filters, .expander, .link-button, .skip, .chip-clear { display: none !important; }
  .page-header { background: #fff !important; color: #000; border-bottom: 2px solid #000; padding: 0 0 .6rem; }
  .eyebrow, .scope dt { color: #444; } .chip { background: none; border: 1px solid #999; }
  main { padding: 0; max-width: none; }
  .lb-card, .panel, tr, figure { break-inside: avoid; }
  table.data thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  pre { background: #f4f4f4; color: #000; border: 1px solid #ccc; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .table-scroll { overflow: visible !important; }
  table.data td, table.data th { overflow-wrap: anywhere; }
  table.findings, #findings-body, #findings-body > tr, #findings-body > tr > td { display: block; width: auto; }
  table.findings > thead, #findings-body > tr.finding > td:first-child, #f-lb .chip-clear { display: none !important; }
  #findings-body > tr.finding { display: block; padding: .3rem 0 .4rem; border-bottom: 1px solid #bbb; break-inside: avoid; box-shadow: none !important; }
  #findings-body > tr.finding > td { display: inline; border: 0; padding: 0 .6rem 0 0; box-shadow: none !important; }
  #findings-body > tr.finding > td .sub { display: inline; margin-left: .3rem; }
  #findings-body > tr.finding > td.msg { display: block; max-width: none; padding-top: .15rem; }
  .detail { grid-template-columns: 1fr; padding: .4rem 0; }
  .lb-grid { grid-template-columns: 1fr 1fr; }
}
`;
