/** Browser script of the HTML report, part 3: the paged per-load-balancer sections. */
export const clientLoadBalancers = String.raw`
var NLB = D.loadBalancers.n, lbState = { q: '', type: '', open: false, page: 0, size: 20, rows: [] };

function computeLbRows() {
  var q = lbState.q.toLowerCase(), rows = [];
  var any = lbState.type || lbState.open || q;
  for (var i = 0; i < NLB; i++) {
    if (!any) { rows.push(i); continue; }
    var lb = LB(i), r = RR(lb.r);
    if (lbState.type && lb.type !== lbState.type) continue;
    if (lbState.open && lb.counts[0] + lb.counts[1] === 0) continue;
    if (q) {
      var text = (r[0] + ' ' + r[2] + ' ' + lb.dns + ' ' + D.accounts[r[3]] + ' ' + D.regions[r[4]] + ' ' + lb.tags.map(function (t) { return t[0] + '=' + t[1]; }).join(' ')).toLowerCase();
      if (text.indexOf(q) < 0) continue;
    }
    rows.push(i);
  }
  lbState.rows = rows;
}

function renderLbs() {
  var list = $('lb-list');
  list.textContent = '';
  renderPage(lbState, 'lb', NLB, 'load balancers', function (i) { list.appendChild(lbCard(i)); });
  if (!lbState.rows.length) list.appendChild(h('p', { class: 'empty' }, 'No load balancer matches.'));
}

function kvList(pairs, empty) {
  if (!pairs.length) return h('p', { class: 'muted' }, empty);
  return h('dl', { class: 'kv' }, pairs.map(function (p) { return [h('dt', null, p[0]), h('dd', null, p[1])]; }));
}

function lbCard(i) {
  var lb = LB(i), r = RR(lb.r);
  var counts = lb.counts, open = counts[0] + counts[1];
  return h('article', { class: 'lb-card', id: 'lb-' + i, 'aria-labelledby': 'lb-h-' + i },
    h('header', { class: 'lb-head' },
      h('div', null, h('h3', { id: 'lb-h-' + i, tabindex: '-1' }, r[2]),
        h('div', { class: 'sub' }, lb.type + ' · ' + lb.scheme + ' · ' + D.accounts[r[3]] + ' · ' + D.regions[r[4]]),
        h('code', { class: 'arn' }, r[0]),
        lb.alerts.length ? h('ul', { class: 'cert-alerts', 'aria-label': 'Certificate warnings' }, lb.alerts.map(function (a) {
          return h('li', { class: 'flag cert-alert ' + (a[0] === 'expiring' ? 'flag-warn' : 'flag-bad'), 'data-alert': a[0] }, a[1]);
        })) : null),
      h('div', { class: 'lb-counts' },
        open ? h('span', { class: 'status status-fail' }, fmt(counts[0]) + ' fail') : h('span', { class: 'status status-pass' }, 'No failing findings'),
        counts[1] ? h('span', { class: 'status status-error' }, fmt(counts[1]) + ' error') : null,
        counts[2] ? h('span', { class: 'status status-waived' }, fmt(counts[2]) + ' waived') : null,
        h('button', { type: 'button', class: 'link-button', onclick: function () { state.lb = i; state.status = 'attention'; $('f-status').value = 'attention'; state.page = 0; refresh(); $('findings-h').scrollIntoView(); $('f-count').focus(); } }, 'Show its findings'))),
    h('div', { class: 'lb-grid' },
      h('section', { class: 'panel' }, h('h4', null, 'DNS name'), h('p', null, h('code', null, lb.dns)),
        h('h4', null, 'Availability zones'), zonePlacement(lb)),
      h('section', { class: 'panel' }, h('h4', null, 'Tags'), kvList(lb.tags, 'No tags.')),
      h('section', { class: 'panel' }, h('h4', null, 'Settings'), kvList(lb.settings.map(function (v, k) { return [D.settingLabels[k], v]; }), 'None.'))),
    listenerTable(lb), listenersOf(lb).map(matrix), certTable(lb));
}

function zonePlacement(lb) {
  var healthy = lb.healthyZones;
  return h('div', null, h('ul', { class: 'zones' }, lb.zones.map(function (z) {
    var ok = healthy ? healthy.indexOf(z) >= 0 : null;
    return h('li', { class: 'zone ' + (ok === null ? 'zone-unknown' : ok ? 'zone-ok' : 'zone-bad') }, z,
      h('span', { class: 'zone-note' }, ok === null ? 'targets unknown' : ok ? 'healthy targets' : 'no healthy target'));
  })), h('p', { class: 'sub' }, lb.zones.length + ' zone' + (lb.zones.length === 1 ? '' : 's') +
    (healthy ? ', ' + healthy.length + ' with healthy targets' : '')));
}

function listenersOf(lb) { return lb.listeners.map(function (x) { return LISTENER(x); }); }

function listenerTable(lb) {
  if (!lb.listeners.length) return h('p', { class: 'muted' }, 'No listeners.');
  return h('div', { class: 'table-scroll' }, h('table', { class: 'data compact' }, h('caption', null, 'Listeners'),
    h('thead', null, h('tr', null, ['Port', 'Protocol', 'Backend', 'TLS policy', 'Certificates', 'Served (probe)'].map(function (c) { return h('th', { scope: 'col' }, c); }))),
    h('tbody', null, listenersOf(lb).map(function (l) {
      var p = l.policy >= 0 ? D.policies[l.policy] : null;
      var served = l.served.map(function (s) { return SERVED(s); });
      return h('tr', null, h('th', { scope: 'row' }, String(l.port)),
        h('td', null, l.protocol, l.cleartext ? (l.redirects ? h('span', { class: 'flag flag-ok' }, 'redirects to HTTPS') : h('span', { class: 'flag flag-bad' }, 'cleartext')) : null, l.mtls && l.mtls !== 'off' ? h('span', { class: 'flag' }, 'mTLS ' + l.mtls) : null),
        h('td', null, l.backend || '—', l.backendEncrypted === false && !l.cleartext ? h('span', { class: 'flag flag-bad' }, 'unencrypted') : null),
        h('td', null, p ? [h('code', null, p.name || '(unnamed)'), p.known ? null : h('span', { class: 'flag flag-bad' }, 'unknown policy')] : '—'),
        h('td', { class: 'num' }, String(l.certs.length)),
        h('td', null, served.length ? served.map(function (s) { return h('span', { class: 'status status-' + (s.status === 'ok' ? 'pass' : 'error') }, s.status === 'ok' ? 'probed' : 'probe ' + s.status); }) : h('span', { class: 'muted' }, 'not probed')));
    }))));
}

var FLAG_CLASS = { insecure: 'flag flag-bad', weak: 'flag flag-warn', unknown: 'flag flag-bad', 'not in policy': 'flag flag-bad', 'never chosen': 'flag flag-warn' };

// The cells come from enrich's facts (src/report/html/matrix.ts); the page only draws them.
function matrix(l) {
  if (l.matrix < 0) return null;
  var m = D.matrices[l.matrix], p = l.policy >= 0 ? D.policies[l.policy] : null, s = l.served.length ? SERVED(l.served[0]) : null;
  var probed = m.servedProtocols !== null;
  var cols = probed ? 2 : 1;
  var head1 = h('tr', null, h('th', { scope: 'col', rowspan: 2 }, 'Cipher suite'), m.protocols.map(function (x) { return h('th', { scope: 'colgroup', colspan: cols }, x); }));
  var head2 = h('tr', null, m.protocols.map(function () { return probed ? [h('th', { scope: 'col' }, 'Configured'), h('th', { scope: 'col' }, 'Served')] : h('th', { scope: 'col' }, 'Configured'); }));
  function mark(on, title) { return h('td', { class: 'cell ' + (on ? 'cell-on' : 'cell-off'), 'data-cell': title + ':' + (on ? 'on' : 'off') }, on ? h('span', { 'aria-label': title }, '●') : h('span', { class: 'sr-only' }, 'no')); }
  function cells(conf, served) { return m.protocols.map(function (x, i) { return probed ? [mark(conf[i], 'configured'), mark(served[i], 'served')] : mark(conf[i], 'configured'); }); }
  var protoRow = h('tr', { class: 'proto-row' }, h('th', { scope: 'row' }, 'Protocol enabled'), cells(m.configuredProtocols, m.servedProtocols));
  var rows = m.rows.map(function (r) {
    return h('tr', { 'data-suite': r[0] }, h('th', { scope: 'row' }, h('code', null, r[0]), r[1].map(function (f) { return h('span', { class: FLAG_CLASS[f] || 'flag' }, f); })), cells(r[2], r[3]));
  });
  var title = 'Port ' + l.port + ': ' + (p ? (p.name || 'unnamed policy') : 'no policy') + (probed ? ' — configured vs served' : s ? ' — configured (probe did not complete)' : ' — configured (not probed)');
  var chains = s ? s.chains.map(function (c) {
    return h('div', { class: 'chain' }, h('div', { class: 'sub' }, 'Chain served' + (c.sni ? ' for SNI ' + c.sni : ' without SNI')),
      h('ol', null, c.chain.map(function (x) { return h('li', null, h('code', null, x.subject), h('span', { class: 'sub' }, ' issued by '), h('code', null, x.issuer)); })));
  }) : null;
  return h('details', { class: 'matrix' }, h('summary', null, title),
    p ? h('p', { class: 'sub' }, 'Policy source: ' + p.source + (p.reference ? ' (reference ' + p.reference + ')' : '') + '; server order: ' + (p.serverOrder === null ? 'unknown' : p.serverOrder ? 'on' : 'off')) : null,
    s && s.status !== 'ok' ? h('p', { class: 'callout callout-expired' }, 'Probe ' + s.status + ': ' + (s.reason || 'no reason given')) : null,
    h('div', { class: 'table-scroll' }, h('table', { class: 'data compact matrix-table' }, h('caption', { class: 'sr-only' }, title), h('thead', null, head1, head2), h('tbody', null, protoRow, rows))),
    chains);
}

function certTable(lb) {
  if (!lb.certs.length) return null;
  return h('div', { class: 'table-scroll' }, h('table', { class: 'data compact' }, h('caption', null, 'Certificates and expiry'),
    h('thead', null, h('tr', null, ['Certificate', 'Source', 'Key', 'Expires', 'Timeline (next 12 months)'].map(function (c) { return h('th', { scope: 'col' }, c); }))),
    h('tbody', null, lb.certs.map(function (ci) {
      var c = CERT(ci), r = RR(c.r), days = c.days;
      var tone = c.expired || (days !== null && days < 0) ? 'tone-critical' : days === null ? 'tone-info' : days < 30 ? 'tone-high' : days < 90 ? 'tone-medium' : 'tone-ok';
      var width = days === null ? 0 : Math.max(2, Math.min(100, days / 365 * 100));
      var label = days === null ? 'unknown' : days < 0 ? 'expired ' + fmt(-days) + ' days ago' : fmt(days) + ' days left';
      return h('tr', null, h('th', { scope: 'row' }, h('div', null, c.domain || r[2]), h('code', { class: 'arn' }, r[0]),
          c.subject ? h('div', { class: 'sub' }, 'Subject: ', h('code', null, c.subject)) : null,
          c.issuer ? h('div', { class: 'sub' }, 'Issuer: ', h('code', null, c.issuer)) : null,
          c.sans.length ? h('div', { class: 'sub' }, 'SAN: ' + c.sans.join(', ')) : null,
          c.chainStatus ? h('span', { class: 'flag' + (c.chainStatus === 'trusted' ? '' : ' flag-bad') }, 'chain ' + c.chainStatus) : null),
        h('td', null, c.source + (c.acmType ? ' (' + c.acmType + ')' : '')), h('td', null, c.keyAlgorithm || '—'),
        h('td', null, c.notAfter ? h('time', { datetime: c.notAfter }, c.notAfter.slice(0, 10)) : '—'),
        h('td', null, h('div', { class: 'timeline', role: 'img', 'aria-label': label }, bar(tone, c.expired || (days !== null && days < 0) ? 100 : width)), h('div', { class: 'sub' }, label)));
    }))));
}

// Widths are set through CSSOM, which a strict style-src CSP allows, unlike style attributes.
function bar(tone, percent) {
  var el = h('div', { class: 'timeline-bar ' + tone });
  el.style.width = percent + '%';
  return el;
}

function showLb(i) {
  var at = lbState.rows.indexOf(i);
  if (at < 0) { lbState.q = ''; lbState.type = ''; lbState.open = false; $('lb-q').value = ''; $('lb-type').value = ''; $('lb-open').checked = false; computeLbRows(); at = lbState.rows.indexOf(i); }
  lbState.page = Math.floor(at / lbState.size);
  renderLbs();
  var el = $('lb-h-' + i); if (el) { el.scrollIntoView(); el.focus(); }
}

function initLbs() {
  var sel = $('lb-type');
  sel.appendChild(h('option', { value: '' }, 'All'));
  D.lbTypes.forEach(function (t) { sel.appendChild(h('option', { value: t }, t)); });
  function update() { lbState.page = 0; computeLbRows(); renderLbs(); }
  var timer = 0;
  $('lb-q').addEventListener('input', function () { clearTimeout(timer); var v = this.value; timer = setTimeout(function () { lbState.q = v.trim(); update(); }, 120); });
  sel.addEventListener('change', function () { lbState.type = sel.value; update(); });
  $('lb-open').addEventListener('change', function () { lbState.open = this.checked; update(); });
  $('lb-prev').addEventListener('click', function () { lbState.page--; renderLbs(); });
  $('lb-next').addEventListener('click', function () { lbState.page++; renderLbs(); });
  update();
}

// Printing shows every finding that matches the filters and every load balancer, not one page of each.
var printSaved = null;
window.addEventListener('beforeprint', function () {
  if (!printSaved) {
    printSaved = { size: state.size, page: state.page, lbSize: lbState.size, lbPage: lbState.page };
    state.size = Math.max(1, state.rows.length); state.page = 0;
    lbState.size = Math.max(1, lbState.rows.length); lbState.page = 0;
    renderTable(); renderLbs();
  }
  var all = document.querySelectorAll('details'); for (var d = 0; d < all.length; d++) all[d].open = true;
});
window.addEventListener('afterprint', function () {
  if (!printSaved) return;
  state.size = printSaved.size; state.page = printSaved.page; lbState.size = printSaved.lbSize; lbState.page = printSaved.lbPage;
  printSaved = null;
  renderTable(); renderLbs();
});
initFindings();
initLbs();
if (window.performance && performance.mark) performance.mark('report-ready');
document.documentElement.setAttribute('data-ready', 'true');
`;
