/** The demo estate's report.html, rendered from the real pipeline, in headless Chromium. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { demoSnapshot, demoTrustAnchors } from '../../src/demo/estate.ts';
import { htmlReporter } from '../../src/report/html.ts';
import { launchChromium } from '../helpers/chromium.ts';

const OUT = resolve('reports/out');

describe('demo report.html', () => {
  it('loads offline with no console error, shows every finding, and is kept as a screenshot', async () => {
    const outcome = await audit({ source: { kind: 'snapshot', snapshot: demoSnapshot() }, probe: false, profile: 'default',
      allowPartial: true, failOn: 'none', trustAnchorsPem: demoTrustAnchors() });
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'report-demo.html');
    writeFileSync(file, htmlReporter.render({ result: outcome.result, snapshot: outcome.snapshot, facts: outcome.facts, rules: outcome.rules,
      options: { sarifCategory: 'elb-tls-audit/' } }));

    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('html[data-ready="true"]');
      await page.selectOption('#f-status', { label: 'All statuses' });
      const count = (await page.locator('#f-count').textContent()) ?? '';
      expect(count.startsWith(`${outcome.result.findings.length.toLocaleString('en-US')} of `)).toBe(true);
      await page.selectOption('#f-status', { label: 'Fail + error' });
      await page.locator('#findings-body button.expander').first().click();
      await page.screenshot({ path: join(OUT, 'report-screenshot.png'), fullPage: true });
      expect(problems).toEqual([]);
      expect(requests).toEqual([pathToFileURL(file).href]);
    } finally {
      await browser.close();
    }
  });
});
