/**
 * Browser script of the HTML report, part 1: DOM helpers, the data island, filters, search, sorting
 * and the paged findings table. Shipped as a string so the report stays one file and an esbuild
 * bundle needs no loader. All data reaches the DOM through textContent or setAttribute, never
 * innerHTML, so a hostile tag value stays text.
 */
export const clientCore = String.raw`
'use strict';
var D = JSON.parse(document.getElementById('report-data').textContent);
var SEV = D.severities, STATUS = D.statuses;
var STATUS_LABEL = { fail: 'Fail', error: 'Error', waived: 'Waived', pass: 'Pass', not_applicable: 'N/A' };

function h(tag, props) {
  var el = document.createElement(tag);
  if (props) for (var k in props) {
    var v = props[k];
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = String(v);
    else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
  return el;
}
function append(el, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) { for (var j = 0; j < child.length; j++) append(el, child[j]); return; }
  el.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
}
function $(id) { return document.getElementById(id); }
function fmt(n) { return n.toLocaleString('en-US'); }
function badge(kind, value, label) { return h('span', { class: kind + ' ' + kind + '-' + value }, label || value); }
function sevBadge(i) { var s = SEV[i]; return badge('sev', s, s.charAt(0).toUpperCase() + s.slice(1)); }
function statusBadge(i) { var s = STATUS[i]; return badge('status', s, STATUS_LABEL[s]); }
function safeUrl(u) { return /^https?:\/\//i.test(u) ? u : null; }

// Undo the data island's size reductions (see src/report/html/compact.ts).
function hydrate(t) {
  return t.r.map(function (row) { var o = {}; for (var k = 0; k < t.c.length; k++) o[t.c[k]] = row[k]; return o; });
}
D.loadBalancers = hydrate(D.loadBalancers); D.listeners = hydrate(D.listeners); D.certificates = hydrate(D.certificates);
D.served = hydrate(D.served);
// Resource rows become [arn, kind, name, account, region, loadBalancer, lbType].
var R = D.resources.map(function (r) { return [D.arnPrefixes[r[0]] + r[1], r[2], r[3], r[4], r[5], r[6], r[7]]; });
// Column access for a finding row: [rule, resource, status, severity, message, detail].
var F = D.findings, RULES = D.rules, MSG = new Array(F.length);
for (var mi = 0; mi < F.length; mi++) {
  var tpl = D.messages[F[mi][4]];
  // A leading U+0003 marks a message kept literally (its own text held a placeholder character).
  if (tpl.charAt(0) === '\u0003') tpl = tpl.slice(1);
  else if (tpl.indexOf('') >= 0 || tpl.indexOf('') >= 0) {
    var mr = R[F[mi][1]];
    tpl = tpl.split('').join(mr[2]).split('').join(mr[5] >= 0 ? R[D.loadBalancers[mr[5]].r][2] : '');
  }
  MSG[mi] = tpl;
}
function res(i) { return R[F[i][1]]; }
function lbType(i) { var t = res(i)[6]; return t < 0 ? '' : D.lbTypes[t]; }

var state = { q: '', severity: '', category: '', status: 'open', account: '', region: '', lbType: '', rule: '', lb: -1,
  sort: 'severity', dir: 1, page: 0, size: 50, rows: null, expanded: {} };

var FILTERS = {
  severity: { values: function () { return SEV.map(function (s, i) { return [String(i), s]; }); }, test: function (i, v) { return F[i][3] === +v; } },
  category: { values: function () { return D.categories.map(function (c) { return [c, c]; }); }, test: function (i, v) { return RULES[F[i][0]].category === v; } },
  status: { values: function () { return [['open', 'Fail + error'], ['attention', 'Fail + error + waived']].concat(STATUS.map(function (s, i) { return [String(i), STATUS_LABEL[s]]; })); },
    test: function (i, v) { var s = F[i][2]; return v === 'open' ? s <= 1 : v === 'attention' ? s <= 2 : s === +v; } },
  account: { values: function () { return D.accounts.map(function (a, i) { return [String(i), a]; }); }, test: function (i, v) { return res(i)[3] === +v; } },
  region: { values: function () { return D.regions.map(function (a, i) { return [String(i), a]; }); }, test: function (i, v) { return res(i)[4] === +v; } },
  lbType: { values: function () { return D.lbTypes.map(function (a, i) { return [String(i), a]; }); }, test: function (i, v) { return res(i)[6] === +v; } },
  rule: { values: function () { return RULES.map(function (r, i) { return [String(i), r.id]; }).sort(function (a, b) { return a[1] < b[1] ? -1 : 1; }); }, test: function (i, v) { return F[i][0] === +v; } }
};

var SORTS = {
  severity: function (a, b) { return F[a][3] - F[b][3] || F[a][2] - F[b][2]; },
  status: function (a, b) { return F[a][2] - F[b][2] || F[a][3] - F[b][3]; },
  rule: function (a, b) { return cmp(RULES[F[a][0]].id, RULES[F[b][0]].id); },
  resource: function (a, b) { return cmp(res(a)[2], res(b)[2]); },
  account: function (a, b) { return cmp(D.accounts[res(a)[3]], D.accounts[res(b)[3]]); },
  region: function (a, b) { return cmp(D.regions[res(a)[4]], D.regions[res(b)[4]]); },
  message: function (a, b) { return cmp(MSG[a], MSG[b]); }
};
function cmp(x, y) { return x < y ? -1 : x > y ? 1 : 0; }

// Search matches each distinct resource, message and rule once, then findings by reference,
// and only the messages of findings that did not match already are scanned.
function searchMask(q) {
  if (!q) return null;
  var words = q.toLowerCase().split(/\s+/).filter(Boolean);
  function hit(text) { text = text.toLowerCase(); for (var w = 0; w < words.length; w++) if (text.indexOf(words[w]) < 0) return false; return true; }
  var rm = new Uint8Array(R.length), um = new Uint8Array(RULES.length);
  for (var i = 0; i < R.length; i++) rm[i] = hit(R[i][0] + ' ' + R[i][2] + ' ' + D.accounts[R[i][3]] + ' ' + D.regions[R[i][4]]) ? 1 : 0;
  for (i = 0; i < RULES.length; i++) um[i] = hit(RULES[i].id + ' ' + RULES[i].title + ' ' + RULES[i].category) ? 1 : 0;
  return function (f) { return rm[F[f][1]] || um[F[f][0]] || hit(MSG[f]); };
}

function computeRows() {
  var active = [];
  for (var k in FILTERS) if (state[k] !== '') active.push([FILTERS[k].test, state[k]]);
  var match = searchMask(state.q), lb = state.lb, rows = [];
  for (var i = 0; i < F.length; i++) {
    var ok = true;
    for (var a = 0; a < active.length && ok; a++) ok = active[a][0](i, active[a][1]);
    if (ok && lb >= 0) ok = R[F[i][1]][5] === lb;
    if (ok && match) ok = !!match(i);
    if (ok) rows.push(i);
  }
  var by = SORTS[state.sort], dir = state.dir;
  rows.sort(function (a, b) { return (by(a, b) || a - b) * dir; });
  state.rows = rows;
}

// Shared by every paged list: clamps the page, adds the visible rows, updates the count line and the pager (ids prefix-*).
function renderPage(st, prefix, total, noun, add) {
  var rows = st.rows, pages = Math.max(1, Math.ceil(rows.length / st.size));
  if (st.page >= pages) st.page = pages - 1;
  var start = st.page * st.size, end = Math.min(rows.length, start + st.size);
  for (var n = start; n < end; n++) add(rows[n]);
  $(prefix + '-count').textContent = fmt(rows.length) + ' of ' + fmt(total) + ' ' + noun + (rows.length ? ' — showing ' + fmt(start + 1) + '–' + fmt(end) : '');
  $(prefix + '-page').textContent = 'Page ' + fmt(st.page + 1) + ' of ' + fmt(pages);
  $(prefix + '-prev').disabled = st.page === 0;
  $(prefix + '-next').disabled = st.page >= pages - 1;
}

function renderTable() {
  var body = $('findings-body');
  body.textContent = '';
  renderPage(state, 'f', F.length, 'findings', function (i) { renderRow(body, i); });
  if (state.rows.length === 0) body.appendChild(h('tr', null, h('td', { colspan: 7, class: 'empty' }, 'No finding matches these filters.')));
  var ths = document.querySelectorAll('#findings-table th[data-sort]');
  for (var t = 0; t < ths.length; t++) {
    var key = ths[t].getAttribute('data-sort');
    ths[t].setAttribute('aria-sort', key === state.sort ? (state.dir > 0 ? 'ascending' : 'descending') : 'none');
  }
}

function renderRow(body, i) {
  var f = F[i], r = R[f[1]], rule = RULES[f[0]], id = 'fd-' + i, open = !!state.expanded[i];
  var tr = h('tr', { class: 'finding row-' + STATUS[f[2]] },
    h('td', null, h('button', { type: 'button', class: 'expander', 'aria-expanded': open ? 'true' : 'false', 'aria-controls': id,
      'aria-label': 'Details of ' + rule.id + ' on ' + r[2], onclick: function () { toggle(i, this); } }, h('span', { 'aria-hidden': 'true', class: 'chev' }, '›'))),
    h('td', null, sevBadge(f[3])), h('td', null, statusBadge(f[2])),
    h('td', null, h('code', { class: 'rule-id' }, rule.id), h('div', { class: 'sub' }, rule.title)),
    h('td', { class: 'resource' }, h('span', { class: 'res-name' }, r[2]), h('div', { class: 'sub' }, r[1] + (r[6] >= 0 ? ' · ' + D.lbTypes[r[6]] : ''))),
    h('td', null, D.accounts[r[3]], h('div', { class: 'sub' }, D.regions[r[4]])),
    h('td', { class: 'msg' }, MSG[i]));
  body.appendChild(tr);
  if (open) body.appendChild(detailRow(i, id));
}

function toggle(i, button) {
  state.expanded[i] = !state.expanded[i];
  renderTable();
  var again = document.querySelector('button[aria-controls="fd-' + i + '"]');
  if (again) again.focus();
}

function setFilter(key, value) {
  state[key] = value; state.page = 0;
  var el = $('f-' + key); if (el) el.value = value;
  refresh();
}
function refresh() { computeRows(); renderTable(); renderLbChip(); }

function renderLbChip() {
  var chip = $('f-lb');
  chip.textContent = '';
  if (state.lb < 0) { chip.hidden = true; return; }
  chip.hidden = false;
  chip.appendChild(h('span', null, 'Load balancer: ', h('strong', null, R[D.loadBalancers[state.lb].r][2])));
  chip.appendChild(h('button', { type: 'button', class: 'chip-clear', 'aria-label': 'Remove load balancer filter', onclick: function () { state.lb = -1; state.page = 0; refresh(); } }, '×'));
}

function initFindings() {
  Object.keys(FILTERS).forEach(function (key) {
    var sel = $('f-' + key);
    if (key !== 'status') sel.appendChild(h('option', { value: '' }, 'All'));
    FILTERS[key].values().forEach(function (o) { sel.appendChild(h('option', { value: o[0] }, o[1])); });
    if (key === 'status') sel.appendChild(h('option', { value: '' }, 'All statuses'));
    sel.value = state[key];
    sel.addEventListener('change', function () { setFilter(key, sel.value); });
  });
  var timer = 0, q = $('f-q');
  q.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(function () { state.q = q.value.trim(); state.page = 0; refresh(); }, 120); });
  $('filters').addEventListener('submit', function (e) { e.preventDefault(); });
  $('filters').addEventListener('reset', function () {
    setTimeout(function () { for (var k in FILTERS) state[k] = k === 'status' ? 'open' : ''; state.q = ''; state.lb = -1; state.page = 0; $('f-status').value = 'open'; refresh(); }, 0);
  });
  var ths = document.querySelectorAll('#findings-table th[data-sort] button');
  for (var t = 0; t < ths.length; t++) ths[t].addEventListener('click', function () {
    var key = this.parentNode.getAttribute('data-sort');
    state.dir = state.sort === key ? -state.dir : 1; state.sort = key; state.page = 0; refresh();
  });
  $('f-prev').addEventListener('click', function () { state.page--; renderTable(); });
  $('f-next').addEventListener('click', function () { state.page++; renderTable(); });
  $('f-size').addEventListener('change', function () { state.size = +this.value; state.page = 0; renderTable(); });
  var links = document.querySelectorAll('[data-status-link]');
  for (var l = 0; l < links.length; l++) links[l].addEventListener('click', function () {
    var s = this.getAttribute('data-status-link');
    setFilter('status', String(STATUS.indexOf(s)));
  });
  refresh();
}
`;
