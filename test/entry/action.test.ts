/**
 * The committed Action bundle (dist/index.js) run the way the runner runs it: `node dist/index.js` with
 * INPUT_* variables (hyphens kept), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and AWS_ENDPOINT_URL
 * pointing at moto_server holding the seed estate. Asserts outputs, the job summary and the exit status.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkClientFactory } from '../../src/collect/index.ts';
import { buildSeedEstate } from '../collect/estate.ts';
import { buildCompliantEstate } from './action-estate.ts';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.ts';
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto.ts';
import { node24 } from '../helpers/node24.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BUNDLE = join(ROOT, 'dist', 'index.js');

interface RunnerResult {
  code: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  workspace: string;
}

let moto: MotoServer;
/** A second emulator holding only the compliant estate (IAM is global, so the seed estate's certificate would show up in every region). */
let clean: MotoServer;
let trustStore: string;
let denyHsm: FaultProxy;
let scratch: string;

/** Parses the GITHUB_OUTPUT file format core.setOutput writes: name<<delimiter / value / delimiter. */
function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!m?.[1] || !m[2]) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i] ?? '');
    outputs[m[1]] = value.join('\n');
  }
  return outputs;
}

/** Runs a bundle as the runner does, in a fresh workspace folder. */
async function runAsRunner(inputs: Record<string, string>, options: { endpoint?: string; bundle?: string; node?: string } = {}): Promise<RunnerResult> {
  const workspace = mkdtempSync(join(scratch, 'ws-'));
  const outputFile = join(workspace, '.github_output');
  const summaryFile = join(workspace, '.step_summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: workspace,
    AWS_ENDPOINT_URL: options.endpoint ?? moto.endpoint,
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const child = spawn(options.node ?? process.execPath, [options.bundle ?? BUNDLE], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stdout += c.toString()));
  const code = await new Promise<number | null>((done) => child.once('close', done));
  return { code, stdout, outputs: parseOutputFile(readFileSync(outputFile, 'utf8')), summary: readFileSync(summaryFile, 'utf8'), workspace };
}

let empty: MotoServer | undefined;
async function emptyMoto(): Promise<MotoServer> {
  empty ??= await startMoto();
  return empty;
}

// What action.yml's defaults give, as the runner would inject them, with probing off (loopback only).
const DEFAULTS = { regions: 'us-east-1', 'rules-profile': 'default', 'fail-on': 'high', waivers: '', baseline: '', probe: 'false', 'output-dir': 'elb-tls-audit', 'allow-partial': 'false', 'sarif-category': 'elb-tls-audit', 'api-budget': '0.5' };

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'action-bundle-'));
  moto = await startMoto();
  clean = await startMoto();
  await buildSeedEstate(sdkClientFactory({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }), 'us-east-1');
  const { rootPem } = await buildCompliantEstate(sdkClientFactory({ endpoint: clean.endpoint, credentials: MOTO_CREDENTIALS }), 'us-east-1');
  trustStore = join(scratch, 'private-root.pem');
  writeFileSync(trustStore, rootPem);
  denyHsm = await startFaultProxy({ upstream: moto.endpoint, deny: (req) => req.service === 'cloudhsmv2' });
});

afterAll(async () => {
  await denyHsm?.stop();
  await moto?.stop();
  await clean?.stop();
  await empty?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('dist/index.js run as the Actions runner runs it', () => {
  let failing: RunnerResult;

  it('fails the step on findings at or above fail-on, with outputs, SARIF and the job summary', async () => {
    failing = await runAsRunner(DEFAULTS);
    expect(failing.code).toBe(1);
    const o = failing.outputs;
    expect(o['verdict']).toBe('fail');
    expect(o['complete']).toBe('true');
    expect(Number(o['high-count'])).toBeGreaterThan(0);
    const perSeverity = ['critical', 'high', 'medium', 'low', 'info'].reduce((n, s) => n + Number(o[`${s}-count`]), 0);
    expect(Number(o['findings-count'])).toBe(perSeverity);
    expect(o['new-findings-count']).toBe(o['findings-count']);
    expect(o['sarif-file']).toBe(join(failing.workspace, 'elb-tls-audit', 'results.sarif'));
    const sarif = JSON.parse(readFileSync(o['sarif-file'] ?? '', 'utf8')) as { version: string; runs: { results: unknown[]; automationDetails: { id: string } }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.results.length).toBeGreaterThan(0);
    expect(readFileSync(o['report-file'] ?? '', 'utf8')).toMatch(/^<!DOCTYPE html>/i);
    // The job summary is summary.md, verbatim.
    expect(failing.summary).toContain('# elb-tls-audit');
    expect(failing.summary).toBe(readFileSync(join(failing.workspace, 'elb-tls-audit', 'summary.md'), 'utf8'));
    expect(failing.summary).toContain('legacy-web');
    // setFailed: an error annotation that says why.
    expect(failing.stdout).toMatch(/::error::FAIL: \d+ findings? at high or above \(\d+ high\)/);
    // Only severities at or above the threshold are listed as gating.
    expect(failing.stdout).not.toMatch(/::error::FAIL: [^\n]*\(\d+ high, \d+ (medium|low)/);
  });

  it('passes with the first run as baseline: only findings not in the baseline fail', async () => {
    const baseline = join(scratch, 'baseline.json');
    cpSync(failing.outputs['findings-file'] ?? '', baseline);
    const run = await runAsRunner({ ...DEFAULTS, baseline });
    expect(run.code).toBe(0);
    expect(run.outputs['verdict']).toBe('pass');
    expect(run.outputs['findings-count']).toBe(failing.outputs['findings-count']);
    expect(run.outputs['new-findings-count']).toBe('0');
    expect(run.stdout).not.toContain('::error::');

    // A SARIF baseline means the same thing (same fingerprints).
    const sarifRun = await runAsRunner({ ...DEFAULTS, baseline: failing.outputs['sarif-file'] ?? '' });
    expect(sarifRun.code).toBe(0);
  });

  it('passes a compliant estate: nothing at or above high, lower findings still counted and reported', async () => {
    const untrusted = await runAsRunner(DEFAULTS, { endpoint: clean.endpoint });
    // Without the private CA the chain ends at an untrusted root (high), so the gate fails ...
    expect(untrusted.code).toBe(1);
    expect(untrusted.outputs['high-count']).toBe('1');
    // ... and with it as trust-store the estate passes.
    const run = await runAsRunner({ ...DEFAULTS, 'trust-store': trustStore }, { endpoint: clean.endpoint });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ verdict: 'pass', complete: 'true', 'critical-count': '0', 'high-count': '0' });
    expect(Number(run.outputs['medium-count'])).toBeGreaterThan(0);
    expect(run.stdout).not.toContain('::error::');
    expect(run.summary).toContain('www-alb');
    const findings = JSON.parse(readFileSync(run.outputs['findings-file'] ?? '', 'utf8')) as { complete: boolean; findings: { ruleId: string; status: string }[] };
    expect(findings.complete).toBe(true);
    expect(findings.findings).toContainEqual(expect.objectContaining({ ruleId: 'chain-untrusted', status: 'pass' }));
  });

  it('passes on a region with nothing failing only because nothing is there, and says so', async () => {
    const run = await runAsRunner({ ...DEFAULTS, regions: 'eu-west-1' }, { endpoint: (await emptyMoto()).endpoint });
    expect(run.code).toBe(0);
    // Nothing there is its own verdict, never a green "pass".
    expect(run.outputs).toMatchObject({ verdict: 'empty', complete: 'true', 'findings-count': '0' });
    expect(run.outputs['verdict-message']).toMatch(/^EMPTY: the scope was read completely and holds no load balancer/);
    expect(run.summary).toContain('📭 **EMPTY**');
    expect(run.stdout).toMatch(/::warning::EMPTY/);
    const findings = JSON.parse(readFileSync(run.outputs['findings-file'] ?? '', 'utf8')) as { findings: { ruleId: string; status: string }[] };
    expect(findings.findings).toEqual([expect.objectContaining({ ruleId: 'estate-empty', status: 'not_applicable' })]);
  });

  it('fails closed when part of the estate cannot be read, even with fail-on none; allow-partial lets it through', async () => {
    const run = await runAsRunner({ ...DEFAULTS, 'fail-on': 'none' }, { endpoint: denyHsm.endpoint });
    expect(run.code).toBe(3);
    expect(run.outputs).toMatchObject({ verdict: 'incomplete', complete: 'false' });
    expect(Number(run.outputs['error-count'])).toBeGreaterThan(0);
    expect(run.summary).toContain('⛔ **INCOMPLETE**');
    expect(run.summary).toContain('cloudhsmv2 DescribeClusters');
    // The annotation names what was not seen and why; a collection gap points at the role's permissions.
    expect(run.stdout).toMatch(/::error::INCOMPLETE: part of the estate could not be seen \(\d+ collection gaps?\).*not collected: Could not read DescribeClusters.*role's read permissions/);

    const partial = await runAsRunner({ ...DEFAULTS, 'fail-on': 'none', 'allow-partial': 'true' }, { endpoint: denyHsm.endpoint });
    expect(partial.code).toBe(0);
    expect(partial.outputs).toMatchObject({ verdict: 'pass', complete: 'false' });
    expect(partial.stdout).toMatch(/::warning::The audit is incomplete/);
  });

  it('rejects a bad input with an error annotation naming it, before touching AWS', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ 'fail-on': 'severe' }, /::error::elb-tls-audit: input fail-on: "severe" is not a severity/],
      [{ probe: 'yes' }, /::error::elb-tls-audit: input probe: "yes" is not true or false/],
      [{ regions: 'eu-west-1 Mars' }, /::error::elb-tls-audit: input regions: not a region name: "Mars"/],
      [{ regions: ',' }, /::error::elb-tls-audit: input regions: "," names no region/],
      [{ waivers: 'missing-waivers.json' }, /::error::elb-tls-audit: input waivers: cannot read "missing-waivers.json": ENOENT/],
      [{ 'rules-profile': 'no-such-profile' }, /::error::elb-tls-audit: .*no-such-profile/],
      [{ accounts: '123' , 'assume-role': 'Audit' }, /::error::elb-tls-audit: input accounts: "123" is not a 12-digit AWS account id/],
      [{ 'api-budget': '0' }, /::error::elb-tls-audit: input api-budget: expected a fraction greater than 0 and at most 1/],
    ];
    for (const [inputs, annotation] of cases) {
      const run = await runAsRunner({ ...DEFAULTS, ...inputs }, { endpoint: 'http://127.0.0.1:9' });
      expect(run.stdout).toMatch(annotation);
      expect(run.code).toBe(2);
      expect(run.outputs).toEqual({});
    }
  });

  it('under Node 24 (runs.using: node24) the same runs give the same exit codes, outputs and findings', async () => {
    const node = node24();
    const run = await runAsRunner(DEFAULTS, { node });
    expect(run.code).toBe(1);
    const counts = (o: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(o).filter(([k]) => k.endsWith('-count') || k === 'verdict' || k === 'complete'));
    expect(counts(run.outputs)).toEqual(counts(failing.outputs));
    const ids = (file: string | undefined): string[] => (JSON.parse(readFileSync(file ?? '', 'utf8')) as { findings: { ruleId: string; fingerprint: string; status: string }[] }).findings
      .map((f) => `${f.ruleId} ${f.fingerprint} ${f.status}`).sort();
    expect(ids(run.outputs['findings-file'])).toEqual(ids(failing.outputs['findings-file']));
    expect(run.stdout).not.toMatch(/DeprecationWarning|ExperimentalWarning/);
    const clean24 = await runAsRunner({ ...DEFAULTS, 'trust-store': trustStore }, { endpoint: clean.endpoint, node });
    expect(clean24.code).toBe(0);
    expect(clean24.outputs['verdict']).toBe('pass');
    const bad = await runAsRunner({ ...DEFAULTS, 'fail-on': 'urgent' }, { endpoint: 'http://127.0.0.1:9', node });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/::error::elb-tls-audit: input fail-on: "urgent" is not a severity/);
    expect(bad.outputs).toEqual({});
  }, 180_000);

  it('runs from a copy of the action folder (dist/ beside rules/), as the runner checks it out', async () => {
    const copy = join(scratch, 'action-copy');
    cpSync(join(ROOT, 'dist', 'index.js'), join(copy, 'dist', 'index.js'));
    cpSync(join(ROOT, 'rules'), join(copy, 'rules'), { recursive: true });
    cpSync(join(ROOT, 'action.yml'), join(copy, 'action.yml'));
    const run = await runAsRunner({ ...DEFAULTS, 'trust-store': trustStore }, { endpoint: clean.endpoint, bundle: join(copy, 'dist', 'index.js') });
    expect(run.code).toBe(0);
    expect(run.outputs['verdict']).toBe('pass');
  });
});
