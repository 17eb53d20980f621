/**
 * `collect` and `audit` stopped and resumed as a user runs them: the real CLI in a child process against moto,
 * through a proxy that records every request and holds ACM requests, so the interrupt is known to land
 * mid-collection. Ctrl-C exits 130 with a checkpoint and the command to continue; that command sends only what
 * was not answered and writes the snapshot an uninterrupted run writes. Bad checkpoints are exit 2, named.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint, sdkClientFactory } from '../../src/collect/index.ts';
import type { Snapshot } from '../../src/model/snapshot.ts';
import { validateSnapshot } from '../../src/snapshot/io.ts';
import { buildSeedEstate } from '../collect/estate.ts';
import { runCliInProcess } from '../helpers/cli.ts';
import { startHoldProxy, type HoldProxy } from '../helpers/hold-proxy.ts';
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Asked again on purpose (preflight and every resume check the account), and a call moto always refuses
// (Classic predefined policies: failed calls are not kept, so they are tried again).
const REPEATABLE = /^sts\|[^|]+\|GetCallerIdentity\||^elb\|[^|]+\|DescribeLoadBalancerPolicies\|\{\}$/;

let moto: MotoServer;
let proxy: HoldProxy;
let dir: string;
let baseline: Snapshot;
let baselineRequests: string[];

function env(): Record<string, string> {
  return { AWS_ENDPOINT_URL: proxy.endpoint, AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey, AWS_REGION: 'us-east-1', NO_COLOR: '1' };
}

interface Running {
  stderr: () => string;
  interrupt: (signal: NodeJS.Signals) => void;
  done: Promise<{ code: number | null; stderr: string }>;
}

function startCli(args: string[]): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}src/entry/cli.ts`, ...args], { cwd: ROOT, env: { ...process.env, ...env() }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.once('close', (code) => resolve({ code, stderr })));
  return { stderr: () => stderr, interrupt: (signal) => child.kill(signal), done };
}

/** The CLI run to its end (asynchronously: the proxy it talks to lives in this process). */
async function cli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return startCli(args).done;
}

async function until(what: string, condition: () => boolean, running?: Running): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}${running ? `; stderr so far:\n${running.stderr()}` : ''}`);
}

/** The arguments of the `continue with:` line (paths here need no quoting). */
function continueArgs(stderr: string): string[] {
  const line = /^continue with: elb-tls-audit (.*)$/m.exec(stderr)?.[1];
  if (!line) throw new Error(`no resume hint in:\n${stderr}`);
  return line.split(' ');
}

function withoutCapture(snapshot: Snapshot): Omit<Snapshot, 'capturedAt'> {
  const { capturedAt: _at, ...rest } = snapshot;
  return rest;
}

function repeated(requests: string[]): string[] {
  const seen = new Set<string>();
  return requests.filter((r) => !REPEATABLE.test(r) && (seen.has(r) || (seen.add(r), false)));
}

beforeAll(async () => {
  moto = await startMoto();
  await buildSeedEstate(sdkClientFactory({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }), 'us-east-1');
  proxy = await startHoldProxy(moto.endpoint);
  dir = mkdtempSync(join(tmpdir(), 'resume-cli-'));
  const run = await cli(['collect', '--regions', 'us-east-1,eu-west-1', '--quiet', '--out', join(dir, 'baseline.json')]);
  expect(run.code, run.stderr).toBe(0);
  baseline = validateSnapshot(JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8')), 'baseline.json');
  baselineRequests = proxy.requests.splice(0);
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('collect --resume', () => {
  it('Ctrl-C mid-collection: exit 130, a valid checkpoint, the exact command to continue; that command repeats no call and writes the same snapshot', async () => {
    const out = join(dir, 'interrupted');
    proxy.holdWhen((info) => info.service === 'acm');
    const running = startCli(['collect', '--regions', 'us-east-1,eu-west-1', '--out', out]);
    await until('an ACM request held in flight', () => proxy.held() > 0, running);
    running.interrupt('SIGINT');
    await until('the stop note', () => running.stderr().includes('SIGINT: finishing the calls in flight'), running);
    proxy.release();
    const stopped = await running.done;
    expect(stopped.code, stopped.stderr).toBe(130);
    const checkpointPath = join(out, 'checkpoint.json');
    expect(stopped.stderr).toContain(`saved in ${checkpointPath}`);
    expect(existsSync(join(out, 'snapshot.json')), 'no snapshot from a stopped run').toBe(false);
    // Written through a temp file and a rename: only the checkpoint is left.
    expect(readdirSync(out)).toEqual(['checkpoint.json']);
    const checkpoint = readCheckpoint(checkpointPath);
    expect(checkpoint.entries.length).toBeGreaterThan(5);
    expect(checkpoint.entries.some(([key]) => key.startsWith('acm|') && key.includes('|DescribeCertificate|')), 'ACM was held: its details are not in it').toBe(false);
    const args = continueArgs(stopped.stderr);
    expect(args).toEqual(['collect', '--regions', 'us-east-1,eu-west-1', '--out', out, '--resume', checkpointPath]);
    const first = proxy.requests.splice(0);

    const resumed = await cli(args);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming from .*checkpoint\.json \(\d+ answers\)/);
    const second = proxy.requests.splice(0);
    expect(repeated([...first, ...second])).toEqual([]);
    expect(second.some((r) => r.startsWith('acm|') && r.includes('|DescribeCertificate|'))).toBe(true);
    // Together the two runs made exactly the calls of one uninterrupted run.
    expect([...new Set([...first, ...second])].sort()).toEqual([...new Set(baselineRequests)].sort());
    const snapshot = validateSnapshot(JSON.parse(readFileSync(join(out, 'snapshot.json'), 'utf8')), 'snapshot.json');
    expect(withoutCapture(snapshot)).toEqual(withoutCapture(baseline));
    expect(snapshot.capturedAt, 'dated by the interrupted run').toBe(checkpoint.capturedAt);
  }, 180_000);

  it('SIGTERM stops cleanly too (exit 143); a second signal quits at once, without a checkpoint', async () => {
    const out = join(dir, 'terminated');
    proxy.holdWhen((info) => info.service === 'acm');
    const running = startCli(['collect', '--regions', 'us-east-1,eu-west-1', '--quiet', '--out', out]);
    await until('an ACM request held in flight', () => proxy.held() > 0, running);
    running.interrupt('SIGTERM');
    await until('the stop note', () => running.stderr().includes('SIGTERM: finishing the calls in flight'), running);
    proxy.release();
    const stopped = await running.done;
    expect(stopped.code, stopped.stderr).toBe(143);
    readCheckpoint(join(out, 'checkpoint.json'));

    const impatient = join(dir, 'impatient');
    proxy.holdWhen((info) => info.service === 'acm');
    const twice = startCli(['collect', '--regions', 'us-east-1,eu-west-1', '--quiet', '--out', impatient]);
    await until('an ACM request held in flight', () => proxy.held() > 0, twice);
    twice.interrupt('SIGINT');
    await until('the stop note', () => twice.stderr().includes('SIGINT: finishing the calls in flight'), twice);
    twice.interrupt('SIGINT');
    const quit = await twice.done;
    proxy.release();
    expect(quit.code, quit.stderr).toBe(130);
    expect(quit.stderr).toContain('SIGINT again: stopping now, without a checkpoint');
    expect(existsSync(join(impatient, 'checkpoint.json'))).toBe(false);
    proxy.requests.splice(0);
  }, 180_000);

  it('--deadline reached: exit 3 with the hint, and --checkpoint puts the file where asked', async () => {
    const out = join(dir, 'deadline.json');
    const checkpointPath = join(dir, 'saved', 'deadline-checkpoint.json');
    const run = await cli(['collect', '--regions', 'us-east-1,eu-west-1', '--quiet', '--deadline', '1ms', '--checkpoint', checkpointPath, '--out', out]);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toContain('the --deadline was reached before the collection finished');
    expect(existsSync(out)).toBe(false);
    const args = continueArgs(run.stderr);
    expect(args.slice(-2)).toEqual(['--resume', checkpointPath]);
    readCheckpoint(checkpointPath);
    // Resumed without the deadline this time.
    const resumed = await cli(['collect', '--regions', 'us-east-1,eu-west-1', '--quiet', '--resume', checkpointPath, '--out', out]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(withoutCapture(validateSnapshot(JSON.parse(readFileSync(out, 'utf8')), out))).toEqual(withoutCapture(baseline));
  }, 180_000);

  it('refuses a checkpoint that is truncated, not a checkpoint, or of another scope: exit 2 naming the file, nothing written', async () => {
    const good = join(dir, 'good-checkpoint.json');
    const stop = await cli(['collect', '--regions', 'us-east-1,eu-west-1', '--quiet', '--deadline', '1ms', '--checkpoint', good, '--out', join(dir, 'unused.json')]);
    expect(stop.code, stop.stderr).toBe(3);
    const text = readFileSync(good, 'utf8');
    const file = (name: string, content: string): string => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    };
    const cases: [string, RegExp][] = [
      [file('truncated.json', text.slice(0, Math.floor(text.length / 2))), /not valid JSON \(a truncated or damaged checkpoint\?\)/],
      [file('snapshot-instead.json', JSON.stringify(baseline)), /not an elb-tls-audit checkpoint \(format is null/],
      [file('future.json', text.replace('"version":1', '"version":7')), /checkpoint version 7 is not supported/],
      [join(dir, 'missing.json'), /cannot read the checkpoint: ENOENT/],
    ];
    for (const [path, problem] of cases) {
      const out = join(dir, 'bad-out.json');
      const run = await runCliInProcess(['collect', '--regions', 'us-east-1', '--quiet', '--resume', path, '--out', out]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(`elb-tls-audit: ${path}: `);
      expect(run.stderr).toMatch(problem);
      expect(existsSync(out)).toBe(false);
    }
    // Scope is checked against the live run (after the credentials are known): one region fewer is refused.
    const scoped = await cli(['collect', '--regions', 'us-east-1', '--quiet', '--resume', good, '--out', join(dir, 'scoped.json')]);
    expect(scoped.code, scoped.stderr).toBe(2);
    expect(scoped.stderr).toContain(`${good}: the checkpoint was taken for another scope: regions is eu-west-1,us-east-1 in the checkpoint but us-east-1 in this run`);
    expect(existsSync(join(dir, 'scoped.json'))).toBe(false);
    const duration = await runCliInProcess(['collect', '--regions', 'us-east-1', '--deadline', 'soon', '--out', join(dir, 'x.json')]);
    expect([duration.code, duration.stderr.trim()]).toEqual([2, 'elb-tls-audit: --deadline: "soon" is not a duration (e.g. 90s, 10m, 1h30m, or seconds)']);
  }, 180_000);
});

describe('audit --resume', () => {
  it('a stopped audit writes no report, only the checkpoint (exit 3); resumed, it reports the same estate', async () => {
    const out = join(dir, 'audit-out');
    const stopped = await cli(['audit', '--regions', 'us-east-1,eu-west-1', '--no-probe', '--quiet', '--deadline', '1ms', '--out', out]);
    expect(stopped.code, stopped.stderr).toBe(3);
    expect(readdirSync(out)).toEqual(['checkpoint.json']);
    const args = continueArgs(stopped.stderr);
    expect(args).toEqual(['audit', '--regions', 'us-east-1,eu-west-1', '--no-probe', '--quiet', '--deadline', '1ms', '--out', out, '--resume', join(out, 'checkpoint.json')]);
    const resumed = await cli(['audit', '--regions', 'us-east-1,eu-west-1', '--no-probe', '--quiet', '--resume', join(out, 'checkpoint.json'), '--out', out, '--snapshot-out', join(dir, 'audit-snapshot.json')]);
    // The seed estate has failing listeners: exit 1, with every report written.
    expect(resumed.code, resumed.stderr).toBe(1);
    expect(readdirSync(out).sort()).toEqual(['checkpoint.json', 'findings.json', 'report.html', 'results.sarif', 'summary.md']);
    const snapshot = validateSnapshot(JSON.parse(readFileSync(join(dir, 'audit-snapshot.json'), 'utf8')), 'audit-snapshot.json');
    expect(withoutCapture(snapshot)).toEqual(withoutCapture(baseline));
  }, 180_000);

  it('a checkpoint holds one account: --resume with --accounts is bad usage', async () => {
    const run = await runCliInProcess(['audit', '--accounts', '111111111111', '--assume-role', 'Audit', '--regions', 'us-east-1', '--resume', 'x.json', '--out', join(dir, 'never')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--resume: a checkpoint holds one account');
  }, 180_000);
});
