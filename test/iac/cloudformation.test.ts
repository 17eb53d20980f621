/**
 * CloudFormation and SAM: templates that pass cfn-lint, judged with the live rules. Lines are found by content
 * in the fixture so a test cannot pass by agreeing with itself.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findingOf, fixture, lineOf, regionOf, runIac, sarifOf } from './helpers.ts';

const sam = fixture('cloudformation', 'sam-web.fail.yaml');
const classic = fixture('cloudformation', 'classic-custom-policy.fail.json');
const unknown = fixture('cloudformation', 'unknown-parameter.error.yaml');
const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;

describe('iac: CloudFormation and SAM templates', async () => {
  const run = await runIac([sam], { region: 'eu-west-1', account: '111111111111' });

  it.skipIf(!cfnLint)('uses templates that pass cfn-lint', () => {
    const lint = spawnSync('cfn-lint', [sam, classic, unknown], { encoding: 'utf8' });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });

  it('applies the API default policy to an HTTPS listener without SslPolicy and points at the resource', () => {
    const f = findingOf(run, 'listener-weak-protocol', 'web-dev:443');
    expect(f.message).toContain('ELBSecurityPolicy-2016-08');
    const start = lineOf(sam, /^ {2}DefaultPolicyListener:/);
    expect(regionOf(sarifOf(run, f))).toMatchObject({ uri: 'test/fixtures/iac/cloudformation/sam-web.fail.yaml', startLine: start });
  });

  it('resolves !If on a condition of a parameter default, and --parameter overrides it', async () => {
    const line = lineOf(sam, /SslPolicy: !If/);
    const dev = findingOf(run, 'listener-weak-protocol', 'web-dev:8443');
    expect(dev.status).toBe('fail');
    expect(regionOf(sarifOf(run, dev))).toMatchObject({ startLine: line, endLine: line });
    const prod = await runIac([sam], { region: 'eu-west-1', account: '111111111111', parameters: { Stage: 'prod' } });
    expect(findingOf(prod, 'listener-weak-protocol', 'web-prod:8443').status).toBe('pass');
    expect(findingOf(prod, 'listener-weak-protocol', 'EdgeNlb:443').status).toBe('pass');
  });

  it('resolves !FindInMap for an NLB TLS listener and judges its ciphers', () => {
    expect(findingOf(run, 'listener-weak-protocol', 'EdgeNlb:443').message).toContain('ELBSecurityPolicy-TLS-1-0-2015-04');
    expect(findingOf(run, 'listener-weak-cipher', 'EdgeNlb:443').status).toBe('fail');
  });

  it('counts zones picked with !Select from !GetAZs as distinct, and adds SNI certificates from ListenerCertificate', () => {
    // Two zones is judged; healthy targets are not known from code, so the rule is not applicable (not listed), never a pass.
    expect(run.outcome.facts.loadBalancer.find((l) => l.name === 'web-dev')!.availabilityZoneCount).toBe(2);
    expect(run.outcome.result.findings.filter((f) => f.ruleId === 'lb-single-az' && f.resource.name === 'web-dev')).toEqual([]);
    const listener = run.outcome.facts.listener.find((l) => l.name === 'web-dev:8443')!;
    expect(listener.sniCertificateCount).toBe(1);
    expect(listener.redirectsToHttps).toBe(false);
    expect(findingOf(run, 'listener-http-without-redirect', 'web-dev:80').status).toBe('fail');
    expect(run.outcome.result.complete).toBe(true);
  });

  it('reads mutual TLS: a trust store without revocations and a listener that ignores client expiry', () => {
    expect(findingOf(run, 'mtls-no-revocation', 'web-dev:9443').status).toBe('fail');
    expect(findingOf(run, 'mtls-ignores-client-expiry', 'web-dev:9443').status).toBe('fail');
    expect(findingOf(run, 'mtls-no-trust-store', 'web-dev:9443').status).toBe('pass');
    expect(regionOf(sarifOf(run, findingOf(run, 'mtls-ignores-client-expiry', 'web-dev:9443'))).startLine).toBe(lineOf(sam, /MutualAuthentication:/));
  });

  it('reads Classic custom policies, Reference-Security-Policy and back-end authentication from JSON', async () => {
    const json = await runIac([classic]);
    const weak = findingOf(json, 'listener-weak-protocol', 'legacy-json:443');
    expect(weak.message).toContain('TLSv1.0');
    expect(findingOf(json, 'listener-weak-cipher', 'legacy-json:443').message).toContain('3DES');
    expect(findingOf(json, 'classic-backend-auth-missing', 'legacy-json:443').status).toBe('fail');
    expect(findingOf(json, 'listener-weak-protocol', 'legacy-json:465').status).toBe('pass');
    expect(findingOf(json, 'classic-backend-auth-missing', 'legacy-json:465').status).toBe('pass');
    expect(findingOf(json, 'classic-server-order-off', 'legacy-json:443').status).toBe('pass');
    expect(regionOf(sarifOf(json, weak)).startLine).toBe(lineOf(classic, /"Policies": \[/));
  });

  it('reports a parameter without a value and an imported export as not judged before deploy, never as a pass (exit 3)', async () => {
    const gap = await runIac([unknown]);
    const findings = gap.outcome.result.findings;
    expect(findings.filter((f) => f.ruleId.startsWith('listener-weak')).map((f) => f.status)).toEqual(['error', 'error']);
    const reasons = findings.filter((f) => f.ruleId === 'collection-incomplete').map((f) => f.message);
    expect(reasons.some((m) => m.includes('not judged before deploy') && m.includes('parameter TlsPolicy has no Default'))).toBe(true);
    expect(reasons.some((m) => m.includes('Fn::ImportValue'))).toBe(true);
    expect(findings.some((f) => f.status === 'pass' && f.ruleId === 'listener-weak-protocol')).toBe(false);
    expect(gap.outcome.result.complete).toBe(false);
    expect(gap.outcome.exitCode).toBe(3);
    // The listener of a load balancer outside the code is judged; that load balancer is not.
    expect(gap.outcome.facts.loadBalancer).toEqual([]);
    // Both the gap and the rules it leaves unjudged sit on the SslPolicy line.
    const onLine = gap.sarif.runs[0]!.results.filter((r) => r.message.text.includes('TlsPolicy'));
    expect(onLine.length).toBeGreaterThan(1);
    for (const r of onLine) expect(regionOf(r).startLine).toBe(lineOf(unknown, /SslPolicy: !Ref TlsPolicy/));
  });
});
