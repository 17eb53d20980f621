/**
 * The standalone probe bundle (dist/probe.js, bin elb-tls-probe) as a user runs it: a real process, several
 * targets at once, exit codes that fail closed, and nothing of the AWS SDK inside (test/entry/action-dist
 * checks the committed bundle is what the source builds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { makePki, startSServer, type Pki, type RunningServer } from '../helpers/tls-servers.ts';

const bin = new URL('../../dist/probe.js', import.meta.url).pathname;

function runProbe(args: string[]): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = execFile('node', [bin, ...args], { timeout: 60_000, maxBuffer: 1 << 24 }, (_e, stdout, stderr) => resolve({ stdout, stderr, code: child.exitCode }));
  });
}

describe('elb-tls-probe (dist/probe.js)', () => {
  let pki: Pki;
  let tls13: RunningServer;
  let tls12: RunningServer;
  beforeAll(async () => {
    pki = makePki();
    tls13 = await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-cert_chain', 'chain_good.pem', '-tls1_3']);
    tls12 = await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-no_tls1_3', '-cipher', 'ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA']);
  }, 60_000);
  afterAll(async () => { await tls13.stop(); await tls12.stop(); pki.cleanup(); });

  it('holds the probe and none of the AWS SDK or the report writers', () => {
    const code = readFileSync(bin, 'utf8');
    expect(code).toContain('elb-tls-probe');
    expect(code).not.toMatch(/ElasticLoadBalancingV2Client|@aws-sdk|smithy/);
    expect(code).not.toMatch(/json-rules-engine/);
    expect(code.length).toBeLessThan(600_000);
  });

  it('probes several targets in one process and prints a JSON array in target order', async () => {
    const { stdout, code } = await runProbe(['--json', '--no-groups', `127.0.0.1:${tls13.port}`, `127.0.0.1:${tls12.port}`]);
    expect(code).toBe(0);
    const [a, b] = JSON.parse(stdout) as { target: { port: number }; protocols: Record<string, boolean | null>; cipherSuites: Record<string, string[]> }[];
    expect(a!.target.port).toBe(tls13.port);
    expect(a!.protocols['TLSv1.3']).toBe(true);
    expect(b!.protocols['TLSv1.3']).toBe(false);
    expect(b!.cipherSuites['TLSv1.2']?.sort()).toEqual(['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_AES_128_CBC_SHA']);
  });

  it('exits 3 when any target cannot be probed, and still reports the others', async () => {
    const { stdout, code } = await runProbe([`127.0.0.1:${tls13.port}`, '127.0.0.1:1', '--timeout', '500']);
    expect(code).toBe(3);
    expect(stdout).toContain('PROBE FAILED');
    expect(stdout).toMatch(/TLSv1\.3\s+offered/);
  });

  it('exits 2 on a bad target or option, naming it', async () => {
    const bad = await runProbe(['host:99999']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad port in "host:99999"');
    expect(bad.stderr).toBe('elb-tls-probe: target: bad port in "host:99999"\n');
    const flag = await runProbe(['--concurrency', 'lots', 'x.test']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--concurrency');
  });

  it('exits 2 on an SNI name RFC 6066 does not allow, naming it and why, and sends nothing', async () => {
    const cases: [string, RegExp][] = [
      ['', /it is empty/], ['127.0.0.1', /an IP address is not sent as SNI/], ['a.test.', /ends with a dot/],
      ['bücher.test', /not ASCII \(give an IDN in its xn-- form\)/], ['a b.test', /a label/], ['a..test', /a label is empty/],
      ['-a.test', /a label/], [`${'x'.repeat(64)}.test`, /a label/], [`${'abc.'.repeat(63)}test`, /at most 253/],
    ];
    for (const [sni, why] of cases) {
      const r = await runProbe(['--sni', sni, '127.0.0.1:1', '--json']);
      expect(r.code, sni).toBe(2);
      expect(r.stderr.startsWith(`elb-tls-probe: --sni: bad SNI name ${JSON.stringify(sni)}: `), r.stderr).toBe(true);
      expect(r.stderr, sni).toMatch(why);
      expect(r.stdout, sni).toBe('');
    }
    const fine = await runProbe(['--sni', 'xn--bcher-kva.test', '--timeout', '200', '127.0.0.1:1', '--json']);
    expect(fine.code).toBe(3);
  });
});
