/**
 * Browser script of the HTML report, part 1: DOM helpers, the data island, filters, search, sorting
 * and the paged findings table. Shipped as a string so the report stays one file and an esbuild
 * bundle needs no loader. All data reaches the DOM through textContent or setAttribute, never
 * innerHTML, so a hostile tag value stays text.
 */
export const clientCore = String.raw`
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

// Undo the island's packing (src/report/html/island.ts): integer columns are number lists or, in a
// compressed island, Int32 slices of the binary tail; tables are one list per field and a row object
// is built only when it is shown.
function ints(x) { return x && x.b ? new Int32Array(BIN, BINOFF + x.b[0] * 4, x.b[1]) : x; }
function table(t) {
  var keys = t.c, cols = t.v.map(function (x) { return x && x.b ? ints(x) : x && x.d ? { d: x.d, i: ints(x.i) } : x; });
  var cache = new Array(t.n);
  function get(i) {
    var o = cache[i];
    if (o) return o;
    o = {};
    for (var k = 0; k < keys.length; k++) { var c = cols[k]; o[keys[k]] = c.d ? c.d[c.i[i]] : c[i]; }
    return (cache[i] = o);
  }
  return get;
}
var LB = table(D.loadBalancers), LISTENER = table(D.listeners), CERT = table(D.certificates), SERVED = table(D.served);
// Findings, column by column: [rule, resource, status, severity, message, detail].
var NF = D.findings.n, FRULE = ints(D.findings.rule), FRES = ints(D.findings.resource), FST = ints(D.findings.status),
  FSEV = ints(D.findings.severity), FMSG = ints(D.findings.message), FDET = ints(D.findings.detail), RULES = D.rules;
// Resources, rebuilt on first use as [arn, kind, name, account, region, loadBalancer, lbType].
var RC = D.resources, NR = RC.n, RPRE = ints(RC.prefix), RKIND = ints(RC.kind), RACC = ints(RC.account), RREG = ints(RC.region),
  RLB = ints(RC.lb), RTYPE = ints(RC.lbType), RCACHE = new Array(NR);
// A resource under a load balancer stores that load balancer's name as U+0002 in its ARN rest and name
// (a leading U+0003 marks text kept literally); a load balancer's own name holds no placeholder.
function untemplate(t, i) {
  var lb = RLB[i];
  if (lb < 0) return t;
  if (t.charAt(0) === '\u0003') return t.slice(1);
  return t.indexOf('\u0002') < 0 ? t : t.split('\u0002').join(rname(LB(lb).r));
}
var RNAME = new Array(NR);
function rname(i) { var n = RNAME[i]; return n !== undefined ? n : (RNAME[i] = untemplate(RC.name[i], i)); }
function rarn(i) { return D.arnPrefixes[RPRE[i]] + untemplate(RC.rest[i], i); }
function RR(i) {
  var r = RCACHE[i];
  if (!r) r = RCACHE[i] = [rarn(i), D.kinds[RKIND[i]], rname(i), RACC[i], RREG[i], RLB[i], RTYPE[i]];
  return r;
}
// Messages are templates with the resource's and its load balancer's names as placeholders; filled in when first needed.
var MSGCACHE = new Array(NF);
function msg(i) {
  var m = MSGCACHE[i];
  if (m !== undefined) return m;
  var tpl = D.messages[FMSG[i]];
  // A leading U+0003 marks a message kept literally (its own text held a placeholder character).
  if (tpl.charAt(0) === '\u0003') tpl = tpl.slice(1);
  else if (tpl.indexOf('\u0001') >= 0 || tpl.indexOf('\u0002') >= 0) {
    var ri = FRES[i], lb = RLB[ri];
    tpl = tpl.split('\u0001').join(rname(ri)).split('\u0002').join(lb >= 0 ? rname(LB(lb).r) : '');
  }
  return (MSGCACHE[i] = tpl);
}
function res(i) { return RR(FRES[i]); }

var state = { q: '', severity: '', category: '', status: 'open', account: '', region: '', lbType: '', rule: '', lb: -1,
  sort: 'severity', dir: 1, page: 0, size: 50, rows: null, expanded: {} };

var FILTERS = {
  severity: { values: function () { return SEV.map(function (s, i) { return [String(i), s]; }); }, test: function (i, v) { return FSEV[i] === +v; } },
  category: { values: function () { return D.categories.map(function (c) { return [c, c]; }); }, test: function (i, v) { return RULES[FRULE[i]].category === v; } },
  status: { values: function () { return [['open', 'Fail + error'], ['attention', 'Fail + error + waived']].concat(STATUS.map(function (s, i) { return [String(i), STATUS_LABEL[s]]; })); },
    test: function (i, v) { var s = FST[i]; return v === 'open' ? s <= 1 : v === 'attention' ? s <= 2 : s === +v; } },
  account: { values: function () { return D.accounts.map(function (a, i) { return [String(i), a]; }); }, test: function (i, v) { return RACC[FRES[i]] === +v; } },
  region: { values: function () { return D.regions.map(function (a, i) { return [String(i), a]; }); }, test: function (i, v) { return RREG[FRES[i]] === +v; } },
  lbType: { values: function () { return D.lbTypes.map(function (a, i) { return [String(i), a]; }); }, test: function (i, v) { return RTYPE[FRES[i]] === +v; } },
  rule: { values: function () { return RULES.map(function (r, i) { return [String(i), r.id]; }).sort(function (a, b) { return a[1] < b[1] ? -1 : 1; }); }, test: function (i, v) { return FRULE[i] === +v; } }
};

// Sorts by a small integer key (severity, status, rule, account, region) are counting sorts over the
// rows in index order, so ties keep index order as the comparator would; names and messages compare text.
function rankOf(values) {
  var order = values.map(function (v, i) { return i; }).sort(function (a, b) { return cmp(values[a], values[b]); });
  var rank = new Int32Array(values.length), r = -1;
  for (var k = 0; k < order.length; k++) { if (k === 0 || values[order[k]] !== values[order[k - 1]]) r++; rank[order[k]] = r; }
  return rank;
}
var RULE_RANK = null, ACCOUNT_RANK = null, REGION_RANK = null;
var KEYS = {
  severity: function (i) { return FSEV[i] * 8 + FST[i]; },
  status: function (i) { return FST[i] * 8 + FSEV[i]; },
  rule: function (i) { return RULE_RANK[FRULE[i]]; },
  account: function (i) { return ACCOUNT_RANK[RACC[FRES[i]]]; },
  region: function (i) { return REGION_RANK[RREG[FRES[i]]]; }
};
var SORTS = {
  resource: function (a, b) { return cmp(rname(FRES[a]), rname(FRES[b])); },
  message: function (a, b) { return cmp(msg(a), msg(b)); }
};
function sortRows(rows, key, dir) {
  if (KEYS[key]) {
    if (!RULE_RANK) { RULE_RANK = rankOf(RULES.map(function (r) { return r.id; })); ACCOUNT_RANK = rankOf(D.accounts); REGION_RANK = rankOf(D.regions); }
    var by = KEYS[key], n = rows.length, keys = new Int32Array(n), max = 0;
    for (var i = 0; i < n; i++) { keys[i] = by(rows[i]); if (keys[i] > max) max = keys[i]; }
    var start = new Int32Array(max + 2);
    for (i = 0; i < n; i++) start[keys[i] + 1]++;
    for (i = 1; i <= max + 1; i++) start[i] += start[i - 1];
    var out = new Array(n);
    for (i = 0; i < n; i++) out[start[keys[i]]++] = rows[i];
    return dir < 0 ? out.reverse() : out;
  }
  var cmpBy = SORTS[key];
  return rows.sort(function (a, b) { return (cmpBy(a, b) || a - b) * dir; });
}
function cmp(x, y) { return x < y ? -1 : x > y ? 1 : 0; }

// Search matches each distinct resource, message and rule once, then findings by reference,
// and only the messages of findings that did not match already are scanned.
function searchMask(q) {
  if (!q) return null;
  var words = q.toLowerCase().split(/\s+/).filter(Boolean);
  function hit(text) { text = text.toLowerCase(); for (var w = 0; w < words.length; w++) if (text.indexOf(words[w]) < 0) return false; return true; }
  var rm = new Uint8Array(NR), um = new Uint8Array(RULES.length);
  for (var i = 0; i < NR; i++) rm[i] = hit(rarn(i) + ' ' + rname(i) + ' ' + D.accounts[RACC[i]] + ' ' + D.regions[RREG[i]]) ? 1 : 0;
  for (i = 0; i < RULES.length; i++) um[i] = hit(RULES[i].id + ' ' + RULES[i].title + ' ' + RULES[i].category) ? 1 : 0;
  return function (f) { return rm[FRES[f]] || um[FRULE[f]] || hit(msg(f)); };
}

function computeRows() {
  var active = [];
  for (var k in FILTERS) if (state[k] !== '') active.push([FILTERS[k].test, state[k]]);
  var match = searchMask(state.q), lb = state.lb, rows = [];
  for (var i = 0; i < NF; i++) {
    var ok = true;
    for (var a = 0; a < active.length && ok; a++) ok = active[a][0](i, active[a][1]);
    if (ok && lb >= 0) ok = RLB[FRES[i]] === lb;
    if (ok && match) ok = !!match(i);
    if (ok) rows.push(i);
  }
  state.rows = sortRows(rows, state.sort, state.dir);
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
  renderPage(state, 'f', NF, 'findings', function (i) { renderRow(body, i); });
  if (state.rows.length === 0) body.appendChild(h('tr', null, h('td', { colspan: 7, class: 'empty' }, 'No finding matches these filters.')));
  var ths = document.querySelectorAll('#findings-table th[data-sort]');
  for (var t = 0; t < ths.length; t++) {
    var key = ths[t].getAttribute('data-sort');
    ths[t].setAttribute('aria-sort', key === state.sort ? (state.dir > 0 ? 'ascending' : 'descending') : 'none');
  }
}

function renderRow(body, i) {
  var r = RR(FRES[i]), rule = RULES[FRULE[i]], id = 'fd-' + i, open = !!state.expanded[i];
  var tr = h('tr', { class: 'finding row-' + STATUS[FST[i]] },
    h('td', null, h('button', { type: 'button', class: 'expander', 'aria-expanded': open ? 'true' : 'false', 'aria-controls': id,
      'aria-label': 'Details of ' + rule.id + ' on ' + r[2], onclick: function () { toggle(i, this); } }, h('span', { 'aria-hidden': 'true', class: 'chev' }, '›'))),
    h('td', null, sevBadge(FSEV[i])), h('td', null, statusBadge(FST[i])),
    h('td', null, h('code', { class: 'rule-id' }, rule.id), h('div', { class: 'sub' }, rule.title)),
    h('td', { class: 'resource' }, h('span', { class: 'res-name' }, r[2]), h('div', { class: 'sub' }, r[1] + (r[6] >= 0 ? ' · ' + D.lbTypes[r[6]] : ''))),
    h('td', null, D.accounts[r[3]], h('div', { class: 'sub' }, D.regions[r[4]])),
    h('td', { class: 'msg' }, msg(i)));
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
  chip.appendChild(h('span', null, 'Load balancer: ', h('strong', null, rname(LB(state.lb).r))));
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
