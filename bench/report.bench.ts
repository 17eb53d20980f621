/**
 * Report bench: a generated estate of 10,000 load balancers through the HTML and SARIF reporters, then
 * the HTML into headless Chromium. Goals: HTML < 20 MB, interactive < 3 s, SARIF < 10 MB gzipped
 * with at most 25,000 results per run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { htmlReporter } from '../src/report/html.ts';
import { sarifReporter } from '../src/report/sarif.ts';
import { generateEstate } from '../test/fixtures/report/estate.ts';
import { launchChromium } from '../test/helpers/chromium.ts';

const LOAD_BALANCERS = Number(process.env['BENCH_REPORT_LBS'] ?? 10_000);
const MB = 1024 * 1024;

/** Run the report bench and print one BENCH line. */
export async function run(): Promise<void> {
  const input = generateEstate({ loadBalancers: LOAD_BALANCERS, accounts: 12 });
  const out = resolve('reports/out/bench');
  mkdirSync(out, { recursive: true });

  const t0 = performance.now();
  const page = htmlReporter.render(input);
  const renderSeconds = (performance.now() - t0) / 1000;
  const htmlPath = join(out, 'report.html');
  writeFileSync(htmlPath, page);

  const t1 = performance.now();
  const sarif = sarifReporter.render(input);
  const sarifSeconds = (performance.now() - t1) / 1000;
  writeFileSync(join(out, 'results.sarif'), sarif);
  const sarifLog = JSON.parse(sarif) as { runs: { results: unknown[] }[] };
  const maxResultsPerRun = Math.max(0, ...sarifLog.runs.map((r) => r.results.length));

  const browser = await launchChromium();
  let browserLoadSeconds = Number.NaN;
  let filterSeconds = Number.NaN;
  const errors: string[] = [];
  try {
    const tab = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    tab.on('pageerror', (e) => errors.push(e.message));
    tab.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    // Interactive = the script has parsed the data island and rendered the first page of the table.
    const t2 = performance.now();
    await tab.goto(pathToFileURL(htmlPath).href, { waitUntil: 'commit', timeout: 60_000 });
    await tab.waitForSelector('html[data-ready="true"]', { timeout: 60_000 });
    browserLoadSeconds = (performance.now() - t2) / 1000;
    const t3 = performance.now();
    await tab.selectOption('#f-status', { label: 'All statuses' });
    await tab.fill('#f-q', 'billing');
    await tab.waitForFunction(() => (globalThis as unknown as { document: { getElementById(id: string): { textContent: string } | null } })
      .document.getElementById('f-count')?.textContent.includes(' of ') ?? false);
    await tab.waitForTimeout(0);
    filterSeconds = (performance.now() - t3) / 1000;
  } finally {
    await browser.close();
  }

  const figures = {
    loadBalancers: LOAD_BALANCERS,
    findings: input.result.findings.length,
    htmlMB: (Buffer.byteLength(page) / MB).toFixed(2),
    sarifMB: (Buffer.byteLength(sarif) / MB).toFixed(2),
    sarifGzipMB: (gzipSync(sarif).length / MB).toFixed(2),
    sarifResultsPerRun: maxResultsPerRun,
    renderSeconds: renderSeconds.toFixed(2),
    sarifRenderSeconds: sarifSeconds.toFixed(2),
    browserLoadSeconds: browserLoadSeconds.toFixed(2),
    searchSeconds: filterSeconds.toFixed(2),
    pageErrors: errors.length,
  };
  console.log(`BENCH name=report ${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' ')}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await run();
