/**
 * Browser script of the HTML report, part 0: reads the data island and hands it to `start` (parts 1-3).
 * A small report's island is JSON. A large one is gzip+base64 (src/report/html/island.ts): it is
 * inflated with DecompressionStream; a browser without it gets an alert and a visible message, and the
 * page is marked data-ready="error", never an empty table that looks like a clean audit.
 */
export const clientLoad = String.raw`
function failed(text) {
  var root = document.documentElement;
  if (root.getAttribute('data-ready') === 'error') return;
  root.setAttribute('data-ready', 'error');
  var box = document.createElement('div');
  box.id = 'report-error';
  box.className = 'callout callout-expired load-error';
  box.setAttribute('role', 'alert');
  box.textContent = text;
  document.body.insertBefore(box, document.body.firstChild);
  var count = document.getElementById('f-count');
  if (count) count.textContent = 'Findings not shown: ' + text;
  try { window.alert(text); } catch (e) { /* no dialog in this context: the message is on the page */ }
}
function run(D, BIN, BINOFF) {
  if (window.performance && performance.mark) performance.mark('report-data-parsed');
  try { start(D, BIN, BINOFF); } catch (e) { failed('The report could not be shown: ' + (e && e.message ? e.message : String(e)) + '. Every finding is also in findings.json.'); throw e; }
}
if (window.performance && performance.mark) performance.mark('report-script-start');
var island = document.getElementById('report-data');
var encoding = island.getAttribute('data-encoding');
if (!encoding) run(JSON.parse(island.textContent), null, 0);
else if (encoding !== 'gzip-base64' || typeof DecompressionStream !== 'function' || typeof Response !== 'function' || typeof TextDecoder !== 'function') {
  failed('This report is compressed and this browser cannot decompress it (it has no DecompressionStream). Open report.html in a current Chrome, Edge, Firefox or Safari; every finding is also in findings.json.');
} else {
  var text = island.textContent, bytes;
  if (typeof Uint8Array.fromBase64 === 'function') bytes = Uint8Array.fromBase64(text);
  else { var raw = atob(text); bytes = new Uint8Array(raw.length); for (var k = 0; k < raw.length; k++) bytes[k] = raw.charCodeAt(k); }
  text = null;
  new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer().then(function (buf) {
    var n = new DataView(buf).getUint32(0, true);
    var D = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, n)));
    var at = 4 + n;
    run(D, buf, at + (4 - at % 4) % 4);
  }).catch(function (e) {
    failed('The report data could not be read (' + (e && e.message ? e.message : String(e)) + '). Every finding is also in findings.json.');
  });
}
`;
