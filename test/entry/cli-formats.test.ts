/**
 * The CLI with the new formats, a previous run and --security-hub, as a user runs it (child process,
 * moto_server for STS and Security Hub), and the HTML trend section in headless Chromium.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSnapshot } from '../../src/demo/estate.ts';
import type { AuditResult } from '../../src/model/finding.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { parseFormats } from '../../src/entry/options.ts';
import { runCli } from '../helpers/cli.ts';
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto.ts';

let moto: MotoServer;
let dir: string;
let snapshotFile: string;

const env = (): Record<string, string> => ({
  AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey, AWS_REGION: 'eu-west-1',
});

beforeAll(async () => {
  moto = await startMoto();
  dir = mkdtempSync(join(tmpdir(), 'cli-formats-'));
  snapshotFile = join(dir, 'snapshot.json');
  writeFileSync(snapshotFile, JSON.stringify(demoSnapshot()));
});

afterAll(async () => {
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('CLI formats, --previous and --security-hub', () => {
  let previous: AuditResult;
  let current: AuditResult;
  let fixed: string;
  let regressed: string;

  it('writes every format asked for, compares with the previous run and imports into Security Hub', () => {
    const first = runCli(['evaluate', '--snapshot', snapshotFile, '--out', join(dir, 'run1'), '--format', 'json,html', '--quiet'], { env: env() });
    expect(first.code, first.stderr).toBe(1);
    previous = JSON.parse(readFileSync(join(dir, 'run1', 'findings.json'), 'utf8')) as AuditResult;
    expect(previous.changes).toBeUndefined();
    // Without a previous run there is no trend section and no link to one.
    const plain = readFileSync(join(dir, 'run1', 'report.html'), 'utf8');
    expect(plain).not.toContain('id="trend"');
    expect(plain).not.toContain('href="#trend"');
    // Rewrite history: one finding failing now passed before (new), one passing now failed before (resolved).
    const failing = previous.findings.filter((f) => f.status === 'fail');
    const passing = previous.findings.filter((f) => f.status === 'pass');
    regressed = failing[0]?.fingerprint ?? '';
    fixed = passing[0]?.fingerprint ?? '';
    const edited = { ...previous, findings: previous.findings.map((f) => (f.fingerprint === regressed ? { ...f, status: 'pass' } : f.fingerprint === fixed ? { ...f, status: 'fail' } : f)) };
    writeFileSync(join(dir, 'previous.json'), JSON.stringify(edited));

    const out = join(dir, 'run2');
    const run = runCli(['evaluate', '--snapshot', snapshotFile, '--out', out, '--format', 'json,html,md,asff,ocsf,csv', '--previous', join(dir, 'previous.json'), '--security-hub'], { env: env() });
    expect(run.code, run.stderr).toBe(1);
    for (const name of ['findings.json', 'report.html', 'summary.md', 'findings.asff.json', 'findings.ocsf.jsonl', 'findings.csv']) expect(run.stdout).toContain(join(out, name));
    current = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as AuditResult;
    expect(current.changes?.new.map((e) => e.fingerprint)).toEqual([regressed]);
    expect(current.changes?.resolved.map((e) => e.fingerprint)).toEqual([fixed]);
    expect(current.changes?.unchanged).toBe(failing.length - 1);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('## Since the previous run');

    const asff = JSON.parse(readFileSync(join(out, 'findings.asff.json'), 'utf8')) as unknown[];
    expect(run.stdout).toMatch(new RegExp(`Security Hub eu-west-1: ${asff.length} imported, 0 archived as resolved, 0 refused`));
  }, 300_000); // two CLI runs in child processes: slow on a loaded 2-core machine

  it('Security Hub holds what the CLI imported, under the caller account\'s default product', async () => {
    const hub = new SecurityHubClient({ region: 'eu-west-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    const page = await hub.send(new GetFindingsCommand({ MaxResults: 100 }));
    expect(page.Findings?.length).toBeGreaterThan(0);
    expect(new Set(page.Findings?.map((f) => f.ProductArn))).toEqual(new Set(['arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default']));
  });

  it('rejects an unknown format, naming the flag and every format it knows (a bad --previous: test/report/changes.test.ts)', () => {
    expect(() => parseFormats('json,xlsx')).toThrow('--format: unknown format "xlsx" (sarif, html, json, md, asff, ocsf, csv, text)');
    expect(parseFormats('asff,ocsf,csv')).toEqual(['asff', 'ocsf', 'csv']);
  });

  it('the HTML report shows the trend: counts then and now per severity, the new and the resolved finding', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(pathToFileURL(join(dir, 'run2', 'report.html')).href);
      await page.waitForSelector('html[data-ready="true"]');
      await page.click('nav.sections a[href="#trend"]');
      expect(await page.locator('#trend-h').isVisible()).toBe(true);
      expect(await page.locator('#trend-new').textContent()).toBe('1');
      expect(await page.locator('#trend-resolved').textContent()).toBe('1');
      const newSeverity = current.changes?.new[0]?.severity ?? 'high';
      const resolvedSeverity = current.changes?.resolved[0]?.severity ?? 'high';
      const cells = async (s: string) => page.locator(`#trend-severity tr[data-severity="${s}"] td`).allTextContents();
      const thenNow = await cells(newSeverity);
      expect(Number(thenNow[1])).toBe(current.summary.bySeverity[newSeverity]);
      expect(Number(thenNow[0])).toBe(previous.summary.bySeverity[newSeverity]);
      const newName = current.changes?.new[0]?.resource.name ?? '';
      expect(await page.locator('#trend-new-list tbody tr').count()).toBe(1);
      expect(await page.locator('#trend-new-list tbody').textContent()).toContain(newName);
      expect(await page.locator('#trend-resolved-list tbody').textContent()).toContain(current.changes?.resolved[0]?.resource.name ?? '');
      expect(resolvedSeverity).toBeTruthy();
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
