/** The HTML report in headless Chromium: loads offline and clean, filters, search, expand, XSS stays text. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { htmlReporter } from '../../src/report/html.ts';
import { buildReportFixture, XSS_TAG } from '../fixtures/report/demo-input.ts';
import { launchChromium } from '../helpers/chromium.ts';

const OUT = resolve('reports/out');
const REPORT = join(OUT, 'report-fixture.html');

let browser: Browser;
let page: Page;
const consoleProblems: string[] = [];
const requests: string[] = [];
const dialogs: string[] = [];

/** Number of findings the page says match the current filters. */
async function matching(): Promise<number> {
  const text = (await page.locator('#f-count').textContent()) ?? '';
  return Number(text.split(' of ')[0]?.replace(/,/g, ''));
}

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(REPORT, htmlReporter.render(buildReportFixture()));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') consoleProblems.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => consoleProblems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(REPORT).href);
  await page.waitForSelector('html[data-ready="true"]');
});

afterAll(async () => {
  await browser?.close();
});

describe('report.html in Chromium', () => {
  it('loads with no console error and requests nothing but itself', () => {
    expect(consoleProblems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(REPORT).href]);
  });

  it('shows the failing and error findings by default, in pages', async () => {
    const n = await matching();
    const fixture = buildReportFixture().result.summary.byStatus;
    expect(n).toBe(fixture.fail + fixture.error);
    expect(await page.locator('#findings-body tr.finding').count()).toBe(Math.min(50, n));
  });

  it('narrows the table by severity, status and search, and clears again', async () => {
    const all = await matching();
    await page.selectOption('#f-severity', { label: 'high' });
    const high = await matching();
    expect(high).toBeGreaterThan(0);
    expect(high).toBeLessThan(all);
    const severities = await page.locator('#findings-body .sev').allTextContents();
    expect(new Set(severities)).toEqual(new Set(['High']));
    await page.selectOption('#f-severity', { label: 'All' });
    await page.selectOption('#f-status', { label: 'Waived' });
    expect(await matching()).toBe(1);
    await page.selectOption('#f-status', { label: 'All statuses' });
    await page.fill('#f-q', 'api-alb-1');
    await expect.poll(matching).toBeLessThan(20);
    const names = await page.locator('#findings-body .res-name').allTextContents();
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toContain('api-alb-1');
    await page.click('#filters button[type=reset]');
    await expect.poll(matching).toBe(all);
  });

  it('sorts by a column header', async () => {
    await page.click('th[data-sort="resource"] button');
    const names = await page.locator('#findings-body .res-name').allTextContents();
    expect(names).toEqual([...names].sort());
    expect(await page.getAttribute('th[data-sort="resource"]', 'aria-sort')).toBe('ascending');
    await page.click('th[data-sort="severity"] button');
  });

  it('expands a finding to its evidence, remediation, controls and references', async () => {
    const button = page.locator('#findings-body button.expander').first();
    await button.click();
    const expander = page.locator('#findings-body button.expander[aria-expanded="true"]');
    await expect.poll(() => expander.count()).toBe(1);
    const detail = page.locator(`#${await expander.getAttribute('aria-controls')}`);
    const text = await detail.textContent();
    expect(text).toContain('Evidence');
    expect(text).toContain('Remediation');
    expect(text).toContain('Controls');
    // a javascript: reference is shown, never linked
    expect(await detail.locator('a[href^="javascript:"]').count()).toBe(0);
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.getAttribute("aria-expanded")')).toBe('true');
  });

  it('keeps the XSS probe as text: no element created, no dialog', async () => {
    const card = page.locator('#lb-0');
    expect(await card.textContent()).toContain(XSS_TAG);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('#xss-subject, svg[onload]').count()).toBe(0);
    await page.fill('#f-q', 'owner');
    await page.selectOption('#f-status', { label: 'All statuses' });
    await expect.poll(() => page.locator('#findings-body td.msg', { hasText: XSS_TAG }).count()).toBeGreaterThan(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.click('#filters button[type=reset]');
  });

  it('filters load balancers and links a card to its findings', async () => {
    await page.selectOption('#lb-type', 'network');
    const types = await page.locator('#lb-list .lb-card .sub').first().textContent();
    expect(types).toContain('network');
    await page.selectOption('#lb-type', '');
    await page.locator('#lb-0 .link-button').click();
    expect(await page.locator('#f-lb').isVisible()).toBe(true);
    const names = await page.locator('#findings-body .res-name').allTextContents();
    for (const name of names) expect(name).toMatch(/^shop-alb-0\b/);
    await page.click('#f-lb .chip-clear');
  });

  it('saves a screenshot for people to look at', async () => {
    await page.locator('#findings-body button.expander').nth(1).click();
    await page.screenshot({ path: join(OUT, 'report-fixture-screenshot.png'), fullPage: true });
    expect(consoleProblems).toEqual([]);
  });
});
