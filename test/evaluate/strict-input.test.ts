/** Strict parsing: ISO 8601 real dates, every PEM block decoded, SARIF category and --connect-to checked: each a clear exit 2. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTrustAnchors } from '../../src/demo/estate.ts';
import { parseIsoInstant } from '../../src/evaluate/iso-date.ts';
import { buildSnapshot } from '../../src/snapshot/builder.ts';
import { runCliInProcess } from '../helpers/cli.ts';

let dir: string;
let snapshot: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'strict-input-'));
  snapshot = join(dir, 'snapshot.json');
  writeFileSync(snapshot, JSON.stringify(buildSnapshot({ capturedAt: '2026-01-01T00:00:00.000Z', generator: { name: 'elb-tls-audit', version: '0.0.0' }, scope: { accounts: ['123456789012'], regions: ['eu-west-1'] } })));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const evaluate = (args: string[]) => runCliInProcess(['evaluate', '--snapshot', snapshot, '--quiet', '--fail-on', 'none', '--out', join(dir, 'out'), ...args]);

describe('--as-of', () => {
  for (const bad of ['March 7', '1', '0', '2026-02-31', '2026-13-01', '2026-03-07T12:00', '2026-03-07T25:00:00Z', '20260307', '2026-3-7']) {
    it(`rejects "${bad}" naming the flag`, async () => {
      const run = await evaluate(['--as-of', bad]);
      expect(run.stderr).toContain(`--as-of: "${bad}" is not an ISO 8601 date`);
      expect(run.code).toBe(2);
    });
  }
  it('accepts a date or a date-time with a zone, and judges as of that instant', async () => {
    expect(parseIsoInstant('2028-02-29', '--as-of')).toBe('2028-02-29T00:00:00.000Z');
    expect(parseIsoInstant('2026-03-07T12:00:00+01:00', '--as-of')).toBe('2026-03-07T11:00:00.000Z');
    expect((await evaluate(['--as-of', '2026-03-07'])).code).toBe(0);
  });
});

describe('waivers and trust stores', () => {
  it('a waiver expiring on 31 February is exit 2 naming its JSON path', async () => {
    const file = join(dir, 'waivers.json');
    writeFileSync(file, JSON.stringify({ waivers: [{ rule: 'x', resource: '*', reason: 'because', expires: '2026-02-31' }] }));
    const run = await evaluate(['--waivers', file]);
    expect(run.stderr).toContain(`${file}: /waivers/0/expires: "2026-02-31" is not a calendar date`);
    expect(run.code).toBe(2);
  });

  it('a trust store with an undecodable PEM block is exit 2 naming the block', async () => {
    const good = demoTrustAnchors()[0]!;
    const broken = `-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----`;
    const file = join(dir, 'trust.pem');
    writeFileSync(file, `${good}\n${broken}\n`);
    const run = await evaluate(['--trust-store', file]);
    expect(run.stderr).toMatch(new RegExp(`${file}: PEM block 2 \\(line \\d+\\): does not decode as an X.509 certificate`));
    expect(run.code).toBe(2);
    writeFileSync(file, `${good}\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n`);
    expect((await evaluate(['--trust-store', file])).stderr).toMatch(/PEM block 2 \(line \d+\): is a PRIVATE KEY, not a CERTIFICATE/);
    writeFileSync(file, `${good}\n`);
    expect((await evaluate(['--trust-store', file])).code).toBe(0);
  });
});

describe('waivers that cannot waive anything', () => {
  it('are a warning in every report, and an error with --strict-waivers', async () => {
    const file = join(dir, 'idle-waivers.json');
    writeFileSync(file, JSON.stringify({ waivers: [
      { rule: 'no-such-rule', resource: '*', reason: 'typo in the rule id', expires: '2030-01-01' },
      { rule: 'estate-empty', resource: 'arn:aws:nothing:*', reason: 'names no resource', expires: '2030-01-01' },
    ] }));
    const out = join(dir, 'warned');
    const run = await runCliInProcess(['evaluate', '--snapshot', snapshot, '--quiet', '--fail-on', 'none', '--out', out, '--waivers', file]);
    expect(run.code).toBe(0);
    const first = 'waiver 1 (rule "no-such-rule", resource "*") matches no rule of this run';
    const second = 'waiver 2 (rule "estate-empty", resource "arn:aws:nothing:*") matches no resource of this run';
    expect(JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')).warnings).toEqual([first, second]);
    const sarif = JSON.parse(readFileSync(join(out, 'results.sarif'), 'utf8')) as { runs: Array<{ invocations: Array<{ toolExecutionNotifications: Array<{ message: { text: string } }> }> }> };
    expect(sarif.runs[0]!.invocations[0]!.toolExecutionNotifications.map((n) => n.message.text)).toEqual(expect.arrayContaining([first, second]));
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('## Warnings');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('matches no resource of this run');
    const strict = await runCliInProcess(['evaluate', '--snapshot', snapshot, '--quiet', '--out', join(dir, 'strict'), '--waivers', file, '--strict-waivers']);
    expect(strict.stderr).toContain(`${file}: ${first}; ${second} (--strict-waivers)`);
    expect(strict.code).toBe(2);
  });
});

describe('flags validated like the Action validates them', () => {
  it('--sarif-category with characters GitHub does not take is exit 2', async () => {
    const run = await evaluate(['--sarif-category', 'elb tls;audit']);
    expect(run.stderr).toContain(`--sarif-category: "elb tls;audit" may only hold letters`);
    expect(run.code).toBe(2);
  });

  it('--connect-to is checked even with --no-probe', async () => {
    const run = await runCliInProcess(['audit', '--regions', 'eu-west-1', '--no-probe', '--quiet', '--connect-to', 'shop.example.com:443', '--out', join(dir, 'out')]);
    expect(run.stderr).toContain('--connect-to: expected HOST:PORT:HOST2:PORT2, got "shop.example.com:443"');
    expect(run.code).toBe(2);
  });
});
