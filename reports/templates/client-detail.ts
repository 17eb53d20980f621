/** Browser script of the HTML report, part 2: the expanded view of one finding. */
export const clientDetail = String.raw`
function controlsList(controls) {
  var keys = Object.keys(controls || {});
  if (!keys.length) return h('p', { class: 'muted' }, 'No control mappings.');
  return h('dl', { class: 'controls' }, keys.sort().map(function (k) {
    return [h('dt', null, k), h('dd', null, controls[k].map(function (c) { return h('code', { class: 'control' }, c); }))];
  }));
}

function snippet(label, code) {
  if (!code) return null;
  return h('div', { class: 'snippet' }, h('div', { class: 'snippet-label' }, label), h('pre', { tabindex: '0' }, h('code', null, code)));
}

function detailRow(i, id) {
  var r = RR(FRES[i]), rule = RULES[FRULE[i]], d = FDET[i] >= 0 ? D.details[FDET[i]] : null;
  var box = h('div', { class: 'detail' });
  var left = h('div', { class: 'detail-main' }), right = h('div', { class: 'detail-side' });
  left.appendChild(h('h3', null, rule.title));
  left.appendChild(h('p', { class: 'detail-message' }, msg(i)));
  if (d && d.waiver) {
    left.appendChild(h('div', { class: 'callout ' + (d.waiver.expired ? 'callout-expired' : 'callout-waived') },
      h('strong', null, d.waiver.expired ? 'Expired waiver — no longer waives this finding. ' : 'Waived. '),
      'Reason: ', d.waiver.reason, '. Expires ', h('time', { datetime: d.waiver.expires }, d.waiver.expires),
      '. Pattern ', h('code', null, d.waiver.pattern), '.'));
  }
  if (rule.description) left.appendChild(h('p', null, rule.description));
  if (rule.risk) left.appendChild(h('p', null, h('strong', null, 'Risk. '), rule.risk));
  left.appendChild(h('h4', null, 'Evidence'));
  if (d && d.evidence.length) {
    // Each line: [what, observed, expected, where it came from, met] in plain words (src/report/evidence.ts).
    left.appendChild(h('div', { class: 'table-scroll' }, h('table', { class: 'data compact evidence' },
      h('caption', { class: 'sr-only' }, 'What was observed, what was expected and where it came from'),
      h('thead', null, h('tr', null, ['Checked', 'Observed', 'Expected', 'Read from', 'Result'].map(function (c) { return h('th', { scope: 'col' }, c); }))),
      h('tbody', null, d.evidence.map(function (e) {
        return h('tr', null, h('th', { scope: 'row' }, e[0]), h('td', { class: 'observed' }, e[1]), h('td', null, e[2]), h('td', { class: 'source' }, e[3]),
          h('td', null, e[4] ? h('span', { class: 'ok' }, '✓ as expected') : h('span', { class: 'bad' }, '✗ not as expected')));
      })))));
  } else left.appendChild(h('p', { class: 'muted' }, 'No condition evidence recorded.'));
  left.appendChild(h('h4', null, 'Remediation'));
  // The rule's variant for this kind of resource (IAM vs ACM certificate, Classic vs ELBv2), when one fits.
  var fix = rule.remediation || {};
  if (d && d.fix >= 0 && fix.variants && fix.variants[d.fix]) fix = fix.variants[d.fix];
  left.appendChild(h('p', { class: 'remediation' }, fix.text || 'No remediation text for this rule.'));
  // 22 rules carry no snippet for some or all channels: a missing one is simply not shown.
  [['AWS CLI', fix.cli], ['CloudFormation', fix.cloudformation], ['Terraform', fix.terraform]].forEach(function (s) {
    var block = snippet(s[0], s[1]);
    if (block) left.appendChild(block);
  });

  right.appendChild(h('h4', null, 'Resource'));
  right.appendChild(h('dl', { class: 'kv' },
    h('dt', null, 'Name'), h('dd', null, r[2]), h('dt', null, 'Kind'), h('dd', null, r[1]),
    h('dt', null, 'ARN'), h('dd', null, h('code', { class: 'arn' }, r[0])),
    h('dt', null, 'Account / region'), h('dd', null, D.accounts[r[3]] + ' / ' + D.regions[r[4]]),
    h('dt', null, 'Rule'), h('dd', null, h('code', null, rule.id), ' · ', rule.category)));
  if (r[5] >= 0) right.appendChild(h('p', null, h('a', { href: '#lb-' + r[5], onclick: function () { showLb(r[5]); } }, 'Open load balancer details')));
  right.appendChild(h('h4', null, 'Controls'));
  right.appendChild(controlsList(d && Object.keys(d.controls).length ? d.controls : rule.controls));
  if (rule.references && rule.references.length) {
    right.appendChild(h('h4', null, 'References'));
    right.appendChild(h('ul', { class: 'refs' }, rule.references.map(function (u) {
      var href = safeUrl(u);
      return h('li', null, href ? h('a', { href: href, rel: 'noreferrer noopener', target: '_blank' }, u) : u);
    })));
  }
  box.appendChild(left); box.appendChild(right);
  return h('tr', { class: 'detail-row', id: id }, h('td', { colspan: 7 }, box));
}
`;
