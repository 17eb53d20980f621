// What the terminal says: the preflight stops broken credentials, profiles and endpoints with exit 3 and the
// SDK's reason (one attempt, no retries), progress goes to stderr as timestamped lines off a TTY and a live
// line on one, the findings table is printed, --out - writes one format to stdout, --quiet, --no-color,
// a closed pipe, and the demo's gate flags. Real CLI processes against moto_server and real pipes and ptys.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkClientFactory } from '../../src/collect/index.ts';
import { demoSnapshot } from '../../src/demo/estate.ts';
import { PREFLIGHT_CLIENT, preflight } from '../../src/entry/preflight.ts';
import { AuditError } from '../../src/model/errors.ts';
import type { AuditResult } from '../../src/model/finding.ts';
import { runCli } from '../helpers/cli.ts';
import { freePort, MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto.ts';
import { buildSeedEstate } from '../collect/estate.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = `${root}src/entry/cli.ts`;
let moto: MotoServer;
let dir: string;
let snapshotFile: string;
let emptyAws: Record<string, string>;

// An environment with no credentials at all: empty shared files, no instance metadata, nothing inherited.
function bareEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('AWS_')) env[k] = v;
  return { ...env, ...emptyAws, AWS_EC2_METADATA_DISABLED: 'true', NODE_NO_WARNINGS: '1', ...extra };
}
const motoEnv = () => bareEnv({ AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey, AWS_REGION: 'us-east-1' });

beforeAll(async () => {
  moto = await startMoto();
  await buildSeedEstate(sdkClientFactory({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }), 'us-east-1');
  dir = mkdtempSync(join(tmpdir(), 'terminal-'));
  writeFileSync(join(dir, 'config'), '[profile audit-ro]\nregion = us-east-1\n');
  writeFileSync(join(dir, 'credentials'), '');
  emptyAws = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
  snapshotFile = join(dir, 'demo.json');
  writeFileSync(snapshotFile, JSON.stringify(demoSnapshot()));
}, 120_000);

afterAll(async () => {
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('preflight (one STS GetCallerIdentity before collection)', () => {
  it('answers with the caller against moto', async () => {
    const saved = { ...process.env };
    process.env = { ...motoEnv() };
    try {
      const caller = await preflight({ region: 'us-east-1' });
      expect(caller.account).toMatch(/^\d{12}$/);
      expect(caller.arn).toMatch(/^arn:aws:sts::\d{12}:/);
    } finally {
      process.env = saved;
    }
  });

  it('makes exactly one attempt against an endpoint that drops every connection, and says it cannot reach it', async () => {
    expect(PREFLIGHT_CLIENT.maxAttempts).toBe(1);
    let connections = 0;
    const server: Server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const env = { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const error = await preflight({ region: 'us-east-1', env }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuditError);
      expect((error as AuditError).code).toBe('INCOMPLETE');
      expect((error as AuditError).message).toMatch(new RegExp(`preflight: cannot reach http://127\\.0\\.0\\.1:${port} \\(.*(socket hang up|ECONNRESET)`));
      expect(connections).toBe(1);
    } finally {
      process.env = saved;
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('audit and collect stop with exit 3 before collecting: closed port, misspelt profile, no credentials', async () => {
    const closed = await freePort();
    const unreachable = runCli(['audit', '--regions', 'us-east-1', '--no-probe', '--out', join(dir, 'never1')],
      { env: bareEnv({ AWS_ENDPOINT_URL: `http://127.0.0.1:${closed}`, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' }) });
    expect(unreachable.code, unreachable.stderr).toBe(3);
    expect(unreachable.stderr).toMatch(new RegExp(`elb-tls-audit: preflight: cannot reach http://127\\.0\\.0\\.1:${closed} \\(.*ECONNREFUSED.*\\): check the network, the region name and AWS_ENDPOINT_URL`));
    expect(existsSync(join(dir, 'never1'))).toBe(false);

    const misspelt = runCli(['collect', '--regions', 'us-east-1', '--profile', 'audit-r0', '--out', join(dir, 'never2.json')], { env: bareEnv() });
    expect(misspelt.code).toBe(3);
    expect(misspelt.stderr).toContain('preflight: AWS profile "audit-r0" is not configured (known: audit-ro): check the spelling of --profile / AWS_PROFILE');

    const none = runCli(['audit', '--regions', 'us-east-1', '--no-probe', '--out', join(dir, 'never3')], { env: bareEnv() });
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/preflight: no usable AWS credentials \(CredentialsProviderError: .*\): set AWS_PROFILE or pass --profile/);
    expect(none.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('a run against moto, as a CI log shows it', () => {
  it('progress as timestamped lines on stderr, the failing findings in a table and the summary on stdout', () => {
    const run = runCli(['audit', '--regions', 'us-east-1', '--no-probe', '--out', join(dir, 'moto-run'), '--fail-on', 'none', '--allow-partial'], { env: motoEnv() });
    expect(run.code, run.stderr).toBe(0);
    // (client-cloudhsm-v2 3.332 logs its own parse warning for moto's timestamps; only our lines are checked.)
    const stamp = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z';
    for (const step of ['checking credentials \\(STS GetCallerIdentity\\)…', 'credentials of arn:aws:\\S+ \\(account \\d{12}\\)', 'us-east-1 elb: 1 Classic load balancer', 'us-east-1 elbv2: 2 ALB/NLB/GWLB load balancers', 'collected with \\d+ API calls']) {
      expect(run.stderr).toMatch(new RegExp(`^${stamp} ${step}`, "m"));
    }
    expect(run.stdout).toMatch(/│ severity │ status +│ rule/);
    expect(run.stdout).toMatch(/│ high +│ fail +│ listener-weak-protocol/);
    expect(run.stdout).not.toMatch(/\u001b\[/);
    // Width-aware: off a terminal the table is laid out for 120 columns, and no row is wider.
    const rows = run.stdout.split('\n').filter((l) => /^[│┌└├]/.test(l));
    expect(Math.max(...rows.map((l) => [...l].length))).toBeLessThanOrEqual(120);
    const result = JSON.parse(readFileSync(join(dir, 'moto-run', 'findings.json'), 'utf8')) as AuditResult;
    // Every failing finding is a row (the table lists fail and error, by severity).
    const failing = result.findings.filter((f) => f.status === 'fail' || f.status === 'error').length;
    expect(run.stdout.split('\n').filter((l) => /^│ (critical|high|medium|low|info) /.test(l))).toHaveLength(failing);
  });
});

describe('--out -, --format, --quiet, --no-color', () => {
  it('--out - writes exactly one format to stdout and creates no folder named -', () => {
    const json = runCli(['evaluate', '--snapshot', snapshotFile, '--out', '-', '--format', 'json', '--fail-on', 'none', '--allow-partial']);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as AuditResult;
    expect(parsed.findings.length).toBeGreaterThan(50);
    expect(json.stderr).toMatch(/findings: \d+ fail/);
    expect(existsSync(join(root, '-'))).toBe(false);

    const csv = runCli(['evaluate', '--snapshot', snapshotFile, '--out', '-', '--format', 'csv', '--quiet', '--fail-on', 'none', '--allow-partial']);
    expect(csv.stdout.split('\n')[0]).toMatch(/ruleId|rule/);
    expect(csv.stderr).toBe('');

    const text = runCli(['evaluate', '--snapshot', snapshotFile, '--out', '-', '--format', 'text', '--fail-on', 'none', '--allow-partial']);
    expect(text.stdout).toMatch(/│ critical │ fail +│ cert-expired/);
    expect(text.stdout).toMatch(/findings: \d+ fail/);

    const two = runCli(['evaluate', '--snapshot', snapshotFile, '--out', '-', '--format', 'json,csv']);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('--format: --out - writes one format to stdout; pick one of json, csv');
  });

  it('colours the table on a terminal (a pty from script(1)), and never with --no-color or NO_COLOR', () => {
    const command = (extra: string) => `${process.execPath} --import tsx ${cli} evaluate --snapshot ${snapshotFile} --out ${join(dir, 'tty')} --fail-on none --allow-partial ${extra}`;
    const tty = (extra: string, env: Record<string, string> = {}) => spawnSync('script', ['-qec', `stty cols 140 rows 50; ${command(extra)}`, '/dev/null'], {
      cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, TERM: 'xterm-256color', COLUMNS: '140', NODE_NO_WARNINGS: '1', ...env },
    });
    // CI=1 as CI machines set it: Node's own colour check would then say no, and the table must still be coloured on a pty.
    const coloured = tty('', { CI: '1' });
    expect(coloured.status, coloured.stdout).toBe(0);
    // Laid out for the pty's 140 columns.
    const widths = coloured.stdout.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').split(/\r?\n/).filter((l) => /^[│┌└├]/.test(l)).map((l) => [...l].length);
    expect(Math.max(...widths)).toBeGreaterThan(120);
    expect(Math.max(...widths)).toBeLessThanOrEqual(140);
    expect(coloured.stdout).toMatch(/\u001b\[31mhigh\u001b\[39m/);
    const plain = tty('--no-color');
    expect(plain.stdout).toMatch(/│ high +│/);
    expect(plain.stdout).not.toMatch(/\u001b\[3\dm(high|critical)/);
    const noColor = tty('', { NO_COLOR: '1' });
    expect(noColor.stdout).not.toMatch(/\u001b\[3\dm(high|critical)/);
  });

  it('shows a live progress line on a terminal (ora hides the cursor and redraws the line)', () => {
    const command = `${process.execPath} --import tsx ${cli} demo --out ${join(dir, 'tty-demo')}`;
    const run = spawnSync('script', ['-qec', `stty cols 120 rows 40; ${command}`, '/dev/null'], { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, TERM: 'xterm-256color', NODE_NO_WARNINGS: '1' } });
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).toContain('\u001b[?25l');
    expect(run.stdout).toMatch(/probed \d+\/\d+ /);
    expect(run.stdout).not.toMatch(/^\d{4}-\d{2}-\d{2}T\S+Z probed/m);
  });
});

describe('a closed pipe', () => {
  it('`rules list | head -1` and a large report into `head -c` end quietly, without an EPIPE stack trace', () => {
    const pipe = (command: string) => spawnSync('bash', ['-c', `set -o pipefail; ${command} 2>${join(dir, 'pipe.err')}; echo "rc=$?"`], { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    for (let i = 0; i < 3; i++) {
      const list = pipe(`${process.execPath} --import tsx ${cli} rules list | head -1`);
      expect(list.stdout).toMatch(/^\S+ +(critical|high|medium|low|info) /);
      expect(list.stdout).toMatch(/rc=0\n$/);
      expect(readFileSync(join(dir, 'pipe.err'), 'utf8')).toBe('');
    }
    const html = pipe(`${process.execPath} --import tsx ${cli} evaluate --snapshot ${snapshotFile} --out - --format html --quiet --fail-on none --allow-partial | head -c 15`);
    expect(html.stdout).toMatch(/^<!doctype html>/i);
    expect(html.stdout).toMatch(/rc=0\n$/);
    expect(readFileSync(join(dir, 'pipe.err'), 'utf8')).toBe('');
  });
});

describe('demo gate flags', () => {
  it('exits 0 by default, and as the gate with --fail-on (incomplete 3; 1 with --allow-partial)', () => {
    const plain = runCli(['demo', '--no-probe', '--out', join(dir, 'demo0')]);
    expect(plain.code).toBe(0);
    const gated = runCli(['demo', '--no-probe', '--out', join(dir, 'demo1'), '--fail-on', 'high']);
    expect(gated.code).toBe(3);
    expect(gated.stdout).toMatch(/ exit 3\n/);
    const partial = runCli(['demo', '--no-probe', '--out', join(dir, 'demo2'), '--fail-on', 'critical', '--allow-partial']);
    expect(partial.code).toBe(1);
  });
});

describe('collect --out', () => {
  it('takes a folder (snapshot.json in it) or - (stdout), like the report commands', () => {
    const folder = runCli(['collect', '--regions', 'us-east-1', '--out', join(dir, 'snap-dir'), '--quiet'], { env: motoEnv() });
    expect(folder.code, folder.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'snap-dir', 'snapshot.json'), 'utf8')).loadBalancers).toHaveLength(3);
    const stdout = runCli(['collect', '--regions', 'us-east-1', '--out', '-', '--quiet'], { env: motoEnv() });
    expect(stdout.code, stdout.stderr).toBe(0);
    expect(JSON.parse(stdout.stdout).loadBalancers).toHaveLength(3);
  });
});
