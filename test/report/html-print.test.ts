/**
 * The demo report.html in the real Chromium: printed to PDF it holds every open finding (checked with
 * pdftotext), at 800 px no findings cell is clipped, and the load-balancer card flags weak keys and
 * expiring or expired certificates.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { audit } from '../../src/audit.ts';
import { demoSnapshot, demoTrustAnchors, withDemoCollectionGap } from '../../src/demo/estate.ts';
import type { AuditResult } from '../../src/model/finding.ts';
import { htmlReporter } from '../../src/report/html.ts';
import { launchChromium } from '../helpers/chromium.ts';

const OUT = resolve('reports/out');
const FILE = join(OUT, 'report-print.html');
let browser: Browser;
let result: AuditResult;

async function open(width: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.goto(pathToFileURL(FILE).href);
  await page.waitForSelector('html[data-ready="true"]');
  return page;
}

/**
 * pdftotext output with whitespace and hyphens removed: text wrapped across lines still matches, and
 * pdftotext joins a word broken after a hyphen without it ("eu-west-" + "1" becomes "eu-west1").
 */
function pdfText(pdf: Buffer): string {
  const out = spawnSync('pdftotext', ['-', '-'], { input: pdf, maxBuffer: 64 * 1024 * 1024 });
  if (out.error || out.status !== 0) throw new Error(`pdftotext failed (apt-get install poppler-utils): ${out.error?.message ?? out.stderr.toString()}`);
  return squash(out.stdout.toString('utf8'));
}

const squash = (s: string) => s.replace(/[\s-]+/g, '');

beforeAll(async () => {
  const outcome = await audit({ source: { kind: 'snapshot', snapshot: withDemoCollectionGap(demoSnapshot()) }, probe: false, profile: 'default',
    allowPartial: true, failOn: 'none', trustAnchorsPem: demoTrustAnchors() });
  result = outcome.result;
  mkdirSync(OUT, { recursive: true });
  writeFileSync(FILE, htmlReporter.render({ result, snapshot: outcome.snapshot, facts: outcome.facts, rules: outcome.rules, options: { sarifCategory: 'elb-tls-audit/' } }));
  browser = await launchChromium();
});

afterAll(async () => { await browser?.close(); });

describe('printing report.html', () => {
  it('prints every failing and error finding, beyond the first page, and restores the page afterwards', async () => {
    const page = await open(1400);
    await page.selectOption('#f-size', '25');
    const open_ = result.findings.filter((f) => f.status === 'fail' || f.status === 'error');
    expect(open_.length).toBeGreaterThan(25);
    expect(await page.locator('#findings-body tr.finding').count()).toBe(25);
    const text = pdfText(await page.pdf({ format: 'A4' }));
    const missing = open_.filter((f) => !text.includes(squash(f.ruleId)) || !text.includes(squash(f.message)));
    expect(missing.map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
    // every load balancer card is printed too
    for (const lb of result.findings.filter((f) => f.resource.kind === 'loadBalancer')) expect(text).toContain(squash(lb.resource.name));
    await expect.poll(() => page.locator('#findings-body tr.finding').count()).toBe(25);
    await page.close();
  });
});

describe('report.html at 800 px', () => {
  it('fits the findings table: no cell, message column included, is clipped or scrolls sideways', async () => {
    const page = await open(800);
    await page.selectOption('#f-size', '100');
    // In the page (the project's TypeScript has no DOM types, so the measuring script is a string).
    const overflow = await page.evaluate(`(() => {
      const bad = [];
      const table = document.getElementById('findings-table');
      const scroller = table.parentElement;
      if (scroller.scrollWidth > scroller.clientWidth + 1) bad.push('table ' + scroller.scrollWidth + ' > ' + scroller.clientWidth);
      for (const td of table.querySelectorAll('tbody td, thead th')) {
        if (td.scrollWidth > td.clientWidth + 1) bad.push((td.className || td.tagName) + ': ' + td.scrollWidth + ' > ' + td.clientWidth + ' ' + td.textContent.slice(0, 40));
      }
      const box = table.querySelector('td.msg').getBoundingClientRect();
      if (box.right > document.documentElement.clientWidth + 1) bad.push('message column ends at ' + box.right);
      return bad;
    })()`);
    expect(overflow).toEqual([]);
    // An expanded finding keeps its evidence a table (the stacked layout must not reach nested tables) that fits.
    await page.locator('#findings-body button.expander').first().click();
    const evidence = await page.evaluate(`(() => {
      const table = document.querySelector('#findings-body tr.detail-row table.evidence');
      const cell = table.querySelector('tbody td');
      return { display: getComputedStyle(cell).display, overflow: table.parentElement.scrollWidth - table.parentElement.clientWidth };
    })()`);
    expect(evidence).toEqual({ display: 'table-cell', overflow: 0 });
    await page.close();
  });
});

describe('load-balancer card', () => {
  it('flags a weak key and an expiring or expired certificate with chips', async () => {
    const page = await open(1400);
    await page.fill('#lb-q', 'api');
    const api = page.locator('.lb-card', { has: page.locator('h3', { hasText: /^api$/ }) });
    await expect.poll(() => api.count()).toBe(1);
    expect(await api.locator('.cert-alert[data-alert="weak-key"]').allTextContents()).toEqual(['Weak key (RSA 1024-bit): api.example.com']);
    await page.fill('#lb-q', '');
    await expect.poll(() => page.locator('.cert-alert[data-alert="expiring"]').count()).toBeGreaterThan(0);
    expect(await page.locator('.cert-alert[data-alert="expiring"]').first().textContent()).toMatch(/^Expires in \d+ days?: /);
    expect(await page.locator('.cert-alert[data-alert="expired"]').first().textContent()).toMatch(/^Expired certificate: legacy-web-2019/);
    await page.close();
  });
});

describe('remediation in the page', () => {
  it('shows an IAM certificate the IAM upload, not the ACM import', async () => {
    const page = await open(1400);
    await page.selectOption('#f-rule', { label: 'cert-expired' });
    await page.fill('#f-q', 'legacy-web-2019');
    const row = page.locator('#findings-body tr.finding', { hasText: 'cert-expired' }).first();
    await expect.poll(() => page.locator('#findings-body tr.finding').count()).toBe(1);
    await row.locator('button.expander').click();
    const detail = page.locator('#findings-body tr.detail-row');
    const text = (await detail.textContent()) ?? '';
    expect(text).toContain('aws iam upload-server-certificate');
    expect(text).toContain('aws elb set-load-balancer-listener-ssl-certificate');
    expect(text).not.toContain('acm import-certificate');
    expect(text).toContain('iam ListServerCertificates (expiration)');
    await page.close();
  });
});
