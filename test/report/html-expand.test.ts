/**
 * The HTML client never throws: every finding of the demo and of a report full of hostile strings is
 * expanded in Chromium (rules with and without remediation snippets), with no page error, the row
 * count unchanged, and every message on the page equal to the one in findings.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { audit } from '../../src/audit.ts';
import { demoSnapshot, demoTrustAnchors } from '../../src/demo/estate.ts';
import { htmlReporter } from '../../src/report/html.ts';
import type { ReportInput } from '../../src/report/reporter.ts';
import { buildReportFixture } from '../fixtures/report/demo-input.ts';
import { launchChromium } from '../helpers/chromium.ts';

const OUT = resolve('reports/out');
let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Strings AWS keeps verbatim in names, tags and certificate fields. */
const HOSTILE = ['\u0001', '\u0002', '\u0003lead', 'cr\ronly', 'crlf\r\nx', '\u001b[31mred\u001b[0m', '<img src=x onerror=alert(1)>', '@octocat', 'https://evil.example'];

function hostileReport(): ReportInput {
  const input = buildReportFixture();
  const names = new Map<string, string>();
  input.facts.loadBalancer.forEach((lb, i) => {
    lb.name = `${lb.name}${HOSTILE[i % HOSTILE.length]!}`;
    names.set(lb.arn, lb.name);
  });
  input.result.findings.forEach((f, i) => {
    const s = HOSTILE[i % HOSTILE.length]!;
    // One name per resource, repeated in the message as rule templates do, so the page's interning is exercised.
    const name = names.get(f.resource.arn) ?? `${f.resource.name}${s}`;
    names.set(f.resource.arn, name);
    f.resource = { ...f.resource, name };
    f.message = i % 3 === 0 ? `${s}${f.message}` : `${f.message} on ${f.resource.name} ${s}`;
  });
  return input;
}

async function demoReport(): Promise<ReportInput> {
  const outcome = await audit({ source: { kind: 'snapshot', snapshot: demoSnapshot() }, probe: false, profile: 'default',
    allowPartial: true, failOn: 'none', trustAnchorsPem: demoTrustAnchors() });
  return { result: outcome.result, snapshot: outcome.snapshot, facts: outcome.facts, rules: outcome.rules, options: { sarifCategory: 'elb-tls-audit/' } };
}

interface PageWalk { before: number; after: number; details: number; clicks: number; msgs: string[] }

/** Opens the report, shows every status, expands every finding page by page; returns what the page showed. */
async function expandEverything(input: ReportInput, name: string): Promise<{ problems: string[]; messages: string[]; rowCounts: Array<[number, number]>; expanded: number }> {
  const file = join(OUT, name);
  writeFileSync(file, htmlReporter.render(input));
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('html[data-ready="true"]');
  await page.selectOption('#f-status', { label: 'All statuses' });
  // Short pages keep the re-render of every click cheap.
  await page.selectOption('#f-size', '25');
  const messages: string[] = [];
  const rowCounts: Array<[number, number]> = [];
  let expanded = 0;
  for (;;) {
    // Expand each row of the page in turn (and fold it again); every click re-renders the page, as a reader's would.
    const result = await page.evaluate<PageWalk>(`(() => {
      const rows = () => document.querySelectorAll('#findings-body tr.finding').length;
      const expander = (k) => document.querySelectorAll('#findings-body button.expander')[k];
      const before = rows();
      let after = before, details = 0, clicks = 0;
      for (let k = 0; k < before; k++) {
        expander(k)?.click();
        clicks++;
        after = Math.min(after, rows());
        if (document.querySelectorAll('#findings-body tr.detail-row .detail-main h4').length >= 2) details++;
        expander(k)?.click();
      }
      const msgs = Array.from(document.querySelectorAll('#findings-body tr.finding td.msg'), (td) => td.textContent ?? '');
      return { before, after, details, clicks, msgs };
    })()`);
    rowCounts.push([result.before, result.after]);
    expect(result.details).toBe(result.clicks);
    expanded += result.details;
    messages.push(...result.msgs);
    if (await page.locator('#f-next').isDisabled()) break;
    await page.click('#f-next');
  }
  await page.close();
  return { problems, messages, rowCounts, expanded };
}

describe('expanding every finding', () => {
  it('works for every finding of the demo, rules with and without snippets alike', async () => {
    const input = await demoReport();
    const snippetless = input.rules.filter((r) => !r.remediation.cli || !r.remediation.cloudformation || !r.remediation.terraform).map((r) => r.id);
    expect(input.result.findings.some((f) => snippetless.includes(f.ruleId))).toBe(true);
    const seen = await expandEverything(input, 'report-demo-expanded.html');
    expect(seen.problems).toEqual([]);
    for (const [before, after] of seen.rowCounts) expect(after).toBe(before);
    expect(seen.expanded).toBe(input.result.findings.length);
  });

  it('works with hostile strings, and each message on the page equals the one in findings.json', async () => {
    const input = hostileReport();
    const seen = await expandEverything(input, 'report-hostile-expanded.html');
    expect(seen.problems).toEqual([]);
    for (const [before, after] of seen.rowCounts) expect(after).toBe(before);
    expect(seen.expanded).toBe(input.result.findings.length);
    const sort = (list: string[]) => [...list].sort();
    expect(sort(seen.messages)).toEqual(sort(input.result.findings.map((f) => f.message)));
  });
});
