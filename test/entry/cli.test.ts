import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoSnapshot, demoTrustAnchors } from '../../src/demo/estate.ts';
import type { Snapshot } from '../../src/model/snapshot.ts';
import { runCli } from '../helpers/cli.ts';

let dir: string;
const file = (name: string, data: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof data === 'string' ? data : JSON.stringify(data));
  return path;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-test-'));
});

function cleanSnapshot(): Snapshot {
  const s = demoSnapshot();
  // Only the well-run ALB: everything about it passes the default profile at --fail-on high.
  s.loadBalancers = s.loadBalancers.filter((lb) => lb.name === 'shop');
  s.certificates = s.certificates.filter((c) => c.name === 'shop.example.com');
  for (const listener of s.loadBalancers[0]!.listeners) listener.certificates = listener.certificates.filter((c) => c.isDefault);
  s.hsmClusters = [];
  return s;
}

describe('evaluate exit codes', () => {
  it('exits 1 when findings at or above --fail-on fail, and writes every report', () => {
    const out = join(dir, 'out-fail');
    // The demo estate leaves attributes of one load balancer unread (errors, so incomplete): allow that here.
    const run = runCli(['evaluate', '--snapshot', file('demo.json', demoSnapshot()), '--out', out, '--allow-partial']);
    expect(run.code, run.stderr).toBe(1);
    expect(readdirSync(out).sort()).toEqual(['findings.json', 'report.html', 'results.sarif', 'summary.md']);
    expect(run.stdout).toMatch(/findings: \d+ fail/);
    // --quiet prints only errors: the same run says nothing on stdout and still exits 1.
    const quiet = runCli(['evaluate', '--snapshot', file('demo.json', demoSnapshot()), '--out', `${out}-quiet`, '--quiet', '--allow-partial']);
    expect([quiet.code, quiet.stdout, quiet.stderr]).toEqual([1, '', '']);
  });

  it('exits 0 for a clean estate at --fail-on high, and 1 for the same estate at --fail-on low', () => {
    const snapshot = file('clean.json', cleanSnapshot());
    const trust = file('demo-root.pem', demoTrustAnchors().join('\n'));
    const untrusted = runCli(['evaluate', '--snapshot', snapshot, '--out', join(dir, 'clean0'), '--fail-on', 'high', '--format', 'json']);
    expect(untrusted.code, 'the private demo root is not trusted without --trust-store').toBe(1);
    const high = runCli(['evaluate', '--snapshot', snapshot, '--trust-store', trust, '--out', join(dir, 'clean'), '--fail-on', 'high', '--format', 'json']);
    expect(high.code, high.stdout + high.stderr).toBe(0);
    const low = runCli(['evaluate', '--snapshot', snapshot, '--trust-store', trust, '--out', join(dir, 'clean-low'), '--fail-on', 'info', '--format', 'json']);
    expect(low.code).toBe(1);
  });

  it('exits 3 when a collection attempt failed, names the gap, and 1 with --allow-partial', () => {
    const s = cleanSnapshot();
    s.attempts.push({ service: 'acm', account: '123456789012', region: 'eu-west-1', operation: 'ListCertificates', status: 'error', reason: 'AccessDeniedException: not authorized', covers: [] });
    const path = file('partial.json', s);
    const run = runCli(['evaluate', '--snapshot', path, '--out', join(dir, 'partial'), '--format', 'json,md']);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/INCOMPLETE/);
    const result = JSON.parse(readFileSync(join(dir, 'partial', 'findings.json'), 'utf8'));
    expect(result.complete).toBe(false);
    const gap = result.findings.find((f: { ruleId: string }) => f.ruleId === 'collection-incomplete');
    expect(gap.status).toBe('error');
    expect(gap.message).toMatch(/ListCertificates.*AccessDeniedException/);
    expect(readFileSync(join(dir, 'partial', 'summary.md'), 'utf8')).toMatch(/INCOMPLETE\*\* — part of the estate could not be seen \\\(1 collection gap\\\)/);
    const allowed = runCli(['evaluate', '--snapshot', path, '--out', join(dir, 'partial2'), '--format', 'json', '--allow-partial', '--fail-on', 'none']);
    expect(allowed.code).toBe(0);
  });

  it('reports an empty estate as not applicable, never as a pass', () => {
    const s = cleanSnapshot();
    s.loadBalancers = [];
    s.certificates = [];
    const run = runCli(['evaluate', '--snapshot', file('empty.json', s), '--out', join(dir, 'empty'), '--format', 'json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(readFileSync(join(dir, 'empty', 'findings.json'), 'utf8'));
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ ruleId: 'estate-empty', status: 'not_applicable' });
    expect(result.summary.byStatus.pass).toBe(0);
  });
});

describe('bad input is exit 2 with a message naming the problem and the place, and nothing written', () => {
  it('a snapshot with a wrong field type names the JSON path', () => {
    const s = demoSnapshot() as unknown as { loadBalancers: { listeners: { port: unknown }[] }[] };
    s.loadBalancers[2]!.listeners[0]!.port = '443';
    const out = join(dir, 'bad1');
    const run = runCli(['evaluate', '--snapshot', file('bad.json', s), '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bad\.json: invalid snapshot: \/loadBalancers\/2\/listeners\/0\/port must be integer/);
    expect(existsSync(out)).toBe(false);
  });

  it('a snapshot that is not JSON, or not a snapshot at all', () => {
    expect(runCli(['evaluate', '--snapshot', file('garbage.json', '{"loadBal')]).stderr).toMatch(/garbage\.json: not valid JSON/);
    const wrong = runCli(['evaluate', '--snapshot', file('other.json', { hello: 'world' })]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/\/schemaVersion is missing/);
    expect(runCli(['evaluate', '--snapshot', join(dir, 'missing.json')]).stderr).toMatch(/missing\.json: cannot read snapshot: ENOENT/);
  });

  it('bad flags: unknown severity, unknown profile, unknown format, unknown option', () => {
    const snapshot = file('ok.json', cleanSnapshot());
    const failOn = runCli(['evaluate', '--snapshot', snapshot, '--fail-on', 'severe']);
    expect([failOn.code, failOn.stderr]).toEqual([2, expect.stringMatching(/--fail-on: "severe" is not a severity/)]);
    const profile = runCli(['evaluate', '--snapshot', snapshot, '--rules-profile', 'pci-dss-3']);
    expect([profile.code, profile.stderr]).toEqual([2, expect.stringMatching(/--rules-profile: unknown rules profile "pci-dss-3" \(shipped: .*pci-dss-4\.0/)]);
    expect(runCli(['evaluate', '--snapshot', snapshot, '--format', 'pdf']).code).toBe(2);
    expect(runCli(['evaluate', '--snapshot', snapshot, '--frobnicate']).code).toBe(2);
  });

  it('a malformed waivers file names the waiver and field', () => {
    const waivers = file('waivers.json', { waivers: [{ rule: 'listener-weak-protocol', resource: '*', reason: 'legacy clients', expires: '31/12/2027' }] });
    const run = runCli(['evaluate', '--snapshot', file('ok2.json', cleanSnapshot()), '--waivers', waivers, '--out', join(dir, 'w')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/waivers\.json: invalid waivers: \/waivers\/0\/expires must match pattern/);
  });
});

describe('determinism and waivers', () => {
  it('two evaluations of the same snapshot write byte-identical reports', () => {
    const snapshot = file('det.json', demoSnapshot());
    runCli(['evaluate', '--snapshot', snapshot, '--out', join(dir, 'det1'), '--quiet']);
    runCli(['evaluate', '--snapshot', snapshot, '--out', join(dir, 'det2'), '--quiet']);
    for (const name of ['findings.json', 'results.sarif', 'summary.md', 'report.html']) {
      expect(readFileSync(join(dir, 'det1', name), 'utf8'), name).toBe(readFileSync(join(dir, 'det2', name), 'utf8'));
    }
  });

  it('a live waiver waives, an expired one stops waiving and says so', () => {
    const waivers = file('w2.json', { waivers: [
      { rule: 'listener-weak-protocol', resource: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/api/*', reason: 'partner integration needs TLS 1.0 until cut-over', expires: '2027-03-31' },
      { rule: 'listener-weak-protocol', resource: '*loadbalancer/legacy-web*', reason: 'old exception', expires: '2026-01-31' },
    ] });
    runCli(['evaluate', '--snapshot', file('w.json', demoSnapshot()), '--waivers', waivers, '--out', join(dir, 'waived'), '--format', 'json,sarif']);
    const findings = JSON.parse(readFileSync(join(dir, 'waived', 'findings.json'), 'utf8')).findings.filter((f: { ruleId: string; status: string }) => f.ruleId === 'listener-weak-protocol' && f.status !== 'pass' && f.status !== 'not_applicable');
    const api = findings.find((f: { resource: { name: string } }) => f.resource.name === 'api:443');
    const legacy = findings.find((f: { resource: { name: string } }) => f.resource.name === 'legacy-web:443');
    expect(api).toMatchObject({ status: 'waived', waiver: { expired: false, expires: '2027-03-31' } });
    expect(legacy).toMatchObject({ status: 'fail', waiver: { expired: true } });
    expect(legacy.message).toMatch(/waiver expired on 2026-01-31/);
    const sarif = readFileSync(join(dir, 'waived', 'results.sarif'), 'utf8');
    expect(sarif).not.toContain(api.fingerprint);
    expect(sarif).toContain(legacy.fingerprint);
  });
});

describe('rules and demo commands', () => {
  it('rules list shows the catalogue with controls; rules show prints one rule; unknown id is exit 2', () => {
    const list = runCli(['rules', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/listener-weak-protocol\s+high\s+weak-protocol\s+listener\s+aws-fsbp:ELB\.17\/ELB\.8/);
    expect(JSON.parse(runCli(['rules', 'show', 'lb-single-az']).stdout).params).toEqual({ minAzs: 2 });
    expect(runCli(['rules', 'show', 'no-such-rule']).code).toBe(2);
  });

  it('rules test runs every example and prints the counts', () => {
    const run = runCli(['rules', 'test']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/^\d+ passed, 0 failed$/m);
  });

  it('demo writes all four reports and the snapshot and exits 0', () => {
    const out = join(dir, 'demo');
    const run = runCli(['demo', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['findings.json', 'report.html', 'results.sarif', 'snapshot.json', 'summary.md']);
    expect(run.stdout).toMatch(/\d+ load balancers, \d+ listeners, \d+ certificates, 1 HSM cluster, /);
  });
});

describe('demo with live probes', () => {
  it('probes local stand-ins of the demo endpoints and reports configured-versus-served drift with both sides', () => {
    const out = join(dir, 'demo-probe');
    const run = runCli(['demo', '--out', out, '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8'));
    // The demo fails closed on purpose: one dead endpoint and one simulated AccessDenied on mqtt-tls's attributes.
    // The denial is an error itself, and so is every check that needed those attributes; nothing about them passes or fails.
    expect(result.complete).toBe(false);
    const errors = result.findings.filter((f: { status: string }) => f.status === 'error');
    expect(errors.map((f: { ruleId: string; resource: { name: string } }) => `${f.ruleId} ${f.resource.name}`).sort()).toEqual([
      'collection-incomplete mqtt-tls',
      expect.stringMatching(/^endpoint-probe-failed payments-classic-.*:8443/),
      'lb-access-logs mqtt-tls',
      'lb-cross-zone mqtt-tls',
      'lb-deletion-protection mqtt-tls',
    ]);
    const unseen = errors.find((f: { ruleId: string }) => f.ruleId === 'lb-deletion-protection');
    expect(unseen.message).toMatch(/DescribeLoadBalancerAttributes\) could not be read: AccessDenied/);
    expect(result.verdict.kind).toBe('incomplete');
    expect(result.verdict.unseen).toMatchObject({ collection: 1, probe: 1, facts: 3 });
    expect(result.summary.resources.endpoints).toBeGreaterThanOrEqual(5);
    const drift = result.findings.filter((f: { category: string; status: string }) => f.category === 'drift' && f.status === 'fail');
    const protocol = drift.find((f: { ruleId: string; resource: { name: string } }) => f.ruleId === 'endpoint-protocol-drift' && f.resource.name.includes('mqtt'));
    expect(protocol.message).toMatch(/served TLSv1\.1, TLSv1\.2, TLSv1\.3, configured TLSv1\.2, TLSv1\.3/);
    // The shop ALB still serves a replaced certificate to SNI clients asking for www.
    expect(drift.some((f: { ruleId: string; message: string }) => f.ruleId === 'endpoint-certificate-drift' && /www\.shop\.example\.com/.test(f.message))).toBe(true);
    // TCP pass-through on 443 is confirmed by the probe, so the cleartext rule passes for hsm-front.
    const tcp = result.findings.find((f: { ruleId: string; resource: { name: string } }) => f.ruleId === 'listener-tcp-on-tls-port' && f.resource.name === 'hsm-front:443');
    expect(tcp.status).toBe('pass');
    // ...and what its web servers serve is judged directly, since no load-balancer policy covers it.
    const served = result.findings.find((f: { ruleId: string; resource: { name: string } }) => f.ruleId === 'endpoint-weak-protocol' && f.resource.name.startsWith('hsm-front'));
    expect(served.status).toBe('fail');
    expect(served.message).toMatch(/accepts TLSv1\.1/);
  });
});
