/**
 * A large report.html (3,000 load balancers, past the compression threshold) in the real Chromium:
 * the data island is gzip+base64, the page inflates it, every finding is reachable through the status
 * filter, search and the rule filter give the counts the findings say, and a finding expands. Without
 * DecompressionStream the page says so (alert, visible message, data-ready="error"), never a blank table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { htmlReporter } from '../../src/report/html.ts';
import { GZIP_ENCODING } from '../../src/report/html/island.ts';
import type { ReportInput } from '../../src/report/reporter.ts';
import { generateEstate } from '../fixtures/report/estate.ts';
import { launchChromium } from '../helpers/chromium.ts';

const OUT = resolve('reports/out');
const FILE = join(OUT, 'report-large.html');
let browser: Browser;
let input: ReportInput;
let html: string;

beforeAll(async () => {
  input = generateEstate({ loadBalancers: 3000, accounts: 4 });
  html = htmlReporter.render(input);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(FILE, html);
  browser = await launchChromium();
});
afterAll(async () => { await browser?.close(); });

async function open(before?: (page: Page) => Promise<void>): Promise<{ page: Page; problems: string[]; dialogs: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  if (before) await before(page);
  await page.goto(pathToFileURL(FILE).href);
  await page.waitForSelector('html[data-ready]', { timeout: 60_000 });
  return { page, problems, dialogs };
}

async function matching(page: Page): Promise<number> {
  const text = (await page.locator('#f-count').textContent()) ?? '';
  return Number(text.split(' of ')[0]?.replace(/,/g, ''));
}

describe('a large report.html', () => {
  it('ships its data compressed, not as a JSON island', () => {
    expect(html).toContain(`id="report-data" data-encoding="${GZIP_ENCODING}"`);
    expect(html).not.toContain('type="application/json"');
    expect(html.match(/<script\b/gi)).toHaveLength(2);
  });

  it('loads in Chromium with every finding reachable, search and filters working', async () => {
    const { page, problems, dialogs } = await open();
    expect(await page.getAttribute('html', 'data-ready')).toBe('true');
    const findings = input.result.findings;
    const by = input.result.summary.byStatus;
    expect(await matching(page)).toBe(by.fail + by.error);
    expect(await page.locator('#findings-body tr.finding').count()).toBe(50);
    // every status, and all of them together
    const labels: Record<string, string> = { fail: 'Fail', error: 'Error', waived: 'Waived', pass: 'Pass', not_applicable: 'N/A' };
    for (const [status, label] of Object.entries(labels)) {
      await page.selectOption('#f-status', { label });
      await expect.poll(() => matching(page)).toBe(findings.filter((f) => f.status === status).length);
    }
    await page.selectOption('#f-status', { label: 'All statuses' });
    await expect.poll(() => matching(page)).toBe(findings.length);
    expect((await page.locator('#f-count').textContent()) ?? '').toContain(`of ${findings.length.toLocaleString('en-US')} findings`);

    // search: one load balancer's name, matched in names, ARNs and messages as the page does
    const lb = input.facts.loadBalancer[2999]!;
    await page.fill('#f-q', lb.name);
    const expected = findings.filter((f) => [f.resource.arn, f.resource.name, f.message].some((t) => t.toLowerCase().includes(lb.name.toLowerCase()))).length;
    expect(expected).toBeGreaterThan(3);
    await expect.poll(() => matching(page)).toBe(expected);
    const messages = await page.locator('#findings-body td.msg').allTextContents();
    expect(messages.length).toBe(expected);
    for (const m of messages) expect(findings.some((f) => f.message === m)).toBe(true);
    await page.fill('#f-q', '');

    // a rule filter and a sort by resource name
    const ruleId = 'listener-weak-protocol';
    await page.selectOption('#f-rule', { label: ruleId });
    await expect.poll(() => matching(page)).toBe(findings.filter((f) => f.ruleId === ruleId).length);
    await page.click('th[data-sort="resource"] button');
    const names = await page.locator('#findings-body .res-name').allTextContents();
    expect(names).toEqual([...names].sort());
    await page.click('th[data-sort="severity"] button');

    // a finding expands to its evidence from the compressed data
    await page.locator('#findings-body button.expander').first().click();
    expect((await page.locator('#findings-body tr.detail-row').textContent()) ?? '').toContain('Evidence');

    // load balancers: all of them listed, a card drawn
    expect((await page.locator('#lb-count').textContent()) ?? '').toContain('of 3,000 load balancers');
    await page.fill('#lb-q', lb.name);
    await expect.poll(() => page.locator('#lb-list .lb-card h3').allTextContents()).toEqual([lb.name]);
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('without DecompressionStream, says the report cannot be shown instead of showing an empty table', async () => {
    const { page, problems, dialogs } = await open(async (p) => { await p.addInitScript('delete window.DecompressionStream;'); });
    expect(await page.getAttribute('html', 'data-ready')).toBe('error');
    expect(dialogs).toHaveLength(1);
    expect(dialogs[0]).toMatch(/cannot decompress it \(it has no DecompressionStream\)/);
    const error = page.locator('#report-error[role="alert"]');
    expect(await error.isVisible()).toBe(true);
    expect(await error.textContent()).toContain('findings.json');
    expect(await page.locator('#findings-body tr').count()).toBe(0);
    expect(await page.locator('#f-count').textContent()).toMatch(/^Findings not shown: /);
    expect(problems).toEqual([]);
    await page.close();
  });
});
