/**
 * Nothing unseen passes, against moto: one load balancer's DescribeListeners, DescribeLoadBalancerAttributes,
 * DescribeRules or DescribeTargetHealth is denied (through the fault proxy), and separately GetCertificate for a
 * certificate whose chain holds an expired intermediate. What depended on the missing data is an error, never
 * pass or fail; everything else is judged as in a clean read; the run is incomplete (exit 3).
 */
import { ImportCertificateCommand } from '@aws-sdk/client-acm';
import { AddListenerCertificatesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, type AuditOptions } from '../../src/audit.ts';
import { sdkClientFactory } from '../../src/collect/index.ts';
import type { Finding } from '../../src/model/finding.ts';
import type { Snapshot } from '../../src/model/snapshot.ts';
import { collectThrough, lbNamed, useSeedEstate } from '../collect/seed.ts';
import { startFaultProxy, type AwsRequestInfo } from '../helpers/fault-proxy.ts';
import { MOTO_CREDENTIALS } from '../helpers/moto.ts';
import { TestPki } from '../helpers/pki.ts';

const seed = useSeedEstate();
const NOW = new Date('2026-11-21T12:00:00Z');
let pki: TestPki;
let expiredChainArn: string;

beforeAll(async () => {
  // A certificate whose leaf is valid but whose intermediate expired ten days before the audit.
  pki = new TestPki({ now: NOW });
  const root = pki.root('Unseen Root', { notBeforeDays: -3000, notAfterDays: 3000 });
  const intermediate = pki.intermediate('Unseen Expired Intermediate', root, { notBeforeDays: -400, notAfterDays: -10 });
  const leaf = pki.leaf('expired-chain.example.test', intermediate, { notBeforeDays: -30, notAfterDays: 300 });
  const clients = sdkClientFactory({ endpoint: seed.moto.endpoint, credentials: MOTO_CREDENTIALS });
  const imported = await clients('acm', seed.estate.region).send(new ImportCertificateCommand({
    Certificate: Buffer.from(leaf.pem), PrivateKey: Buffer.from(leaf.keyPem), CertificateChain: Buffer.from(intermediate.pem),
  }));
  expiredChainArn = imported.CertificateArn ?? '';
  await clients('elbv2', seed.estate.region).send(new AddListenerCertificatesCommand({
    ListenerArn: seed.estate.albHttpsListenerArn, Certificates: [{ CertificateArn: expiredChainArn }],
  }));
}, 120_000);
afterAll(() => pki?.cleanup());

async function judge(snapshot: Snapshot, gate: Partial<Pick<AuditOptions, 'failOn' | 'allowPartial'>> = {}) {
  return audit({ source: { kind: 'snapshot', snapshot }, probe: false, profile: 'default', failOn: 'high', allowPartial: false, ...gate });
}

async function collectDenying(deny: (req: AwsRequestInfo) => boolean): Promise<Snapshot> {
  const proxy = await startFaultProxy({ upstream: seed.moto.endpoint, deny });
  try {
    return (await collectThrough(proxy.endpoint)).snapshot;
  } finally {
    await proxy.stop();
  }
}

const on = (findings: readonly Finding[], name: string, ruleId: string): Finding | undefined =>
  findings.find((f) => f.ruleId === ruleId && f.resource.name === name);
const statusOf = (findings: readonly Finding[], name: string, ruleId: string): string => on(findings, name, ruleId)?.status ?? 'not_applicable';

/** Every rule finding on resources other than `touched` is what the clean read says. */
function othersUnchanged(clean: readonly Finding[], partial: readonly Finding[], touched: (f: Finding) => boolean): void {
  const key = (f: Finding) => `${f.ruleId}|${f.resource.arn}|${f.status}`;
  const rules = (list: readonly Finding[]) => list.filter((f) => f.category !== 'collection-incomplete' && !touched(f)).map(key).sort();
  expect(rules(partial)).toEqual(rules(clean));
}

describe('what a denied call could not show is an error, never pass or fail', () => {
  let clean: Awaited<ReturnType<typeof judge>>;
  beforeAll(async () => {
    clean = await judge((await collectThrough(seed.moto.endpoint)).snapshot);
  }, 120_000);

  it('a clean read judges everything: the expired intermediate fails cert-expired, and the gate at critical exits 1', async () => {
    expect(clean.result.complete).toBe(true);
    expect(on(clean.result.findings, 'expired-chain.example.test', 'cert-expired')).toMatchObject({ status: 'fail', messageId: 'chainExpired' });
    expect(statusOf(clean.result.findings, 'shop-alb', 'lb-no-listeners')).toBe('pass');
    expect(statusOf(clean.result.findings, 'shop-alb:443', 'listener-backend-unencrypted')).toBe('fail');
    expect((await judge(clean.snapshot, { failOn: 'critical', allowPartial: true })).exitCode).toBe(1);
  });

  it('DescribeListeners denied for one ALB: its listener checks are errors; the NLB is judged as before', async () => {
    const albArn = seed.estate.albArn;
    const snapshot = await collectDenying((r) => r.operation === 'DescribeListeners' && r.params['LoadBalancerArn'] === albArn);
    expect(lbNamed(snapshot, 'shop-alb').observed.listeners).toMatchObject({ status: 'error', reason: expect.stringMatching(/AccessDenied/) });
    const outcome = await judge(snapshot);
    const findings = outcome.result.findings;
    for (const rule of ['lb-no-listeners', 'lb-internet-facing-no-tls']) {
      expect(on(findings, 'shop-alb', rule), rule).toMatchObject({ status: 'error', message: expect.stringMatching(/DescribeListeners\) could not be read: AccessDenied/) });
    }
    expect(statusOf(findings, 'hsm-nlb', 'lb-no-listeners')).toBe('pass');
    expect(statusOf(findings, 'hsm-nlb', 'nlb-no-tls-listener')).toBe(statusOf(clean.result.findings, 'hsm-nlb', 'nlb-no-tls-listener'));
    // The ALB's certificates: whether a listener uses them is now unknown, so none is called "unused".
    expect(findings.filter((f) => f.ruleId === 'cert-unused' && f.status === 'fail')).toEqual([]);
    othersUnchanged(clean.result.findings, findings, (f) => f.resource.loadBalancerArn === albArn || f.resource.arn === albArn || f.resource.kind === 'certificate');
    expect(outcome.exitCode).toBe(3);
    expect(outcome.result.verdict.kind).toBe('incomplete');
  });

  it('DescribeLoadBalancerAttributes denied for one ALB: its hardening checks are errors, the NLB is judged', async () => {
    const albArn = seed.estate.albArn;
    const snapshot = await collectDenying((r) => r.service === 'elbv2' && r.operation === 'DescribeLoadBalancerAttributes' && r.params['LoadBalancerArn'] === albArn);
    const outcome = await judge(snapshot);
    const findings = outcome.result.findings;
    for (const rule of ['lb-deletion-protection', 'lb-access-logs', 'alb-drop-invalid-headers', 'lb-desync-mitigation']) {
      expect(on(findings, 'shop-alb', rule), rule).toMatchObject({ status: 'error', message: expect.stringMatching(/attributes \(DescribeLoadBalancerAttributes\) could not be read/) });
    }
    expect(statusOf(findings, 'hsm-nlb', 'lb-deletion-protection')).toBe('fail');
    othersUnchanged(clean.result.findings, findings, (f) => f.resource.arn === albArn);
    expect(outcome.exitCode).toBe(3);
  });

  it('DescribeRules denied for the HTTPS listener: where its traffic goes is unknown, so backend encryption is an error', async () => {
    const listenerArn = seed.estate.albHttpsListenerArn;
    const snapshot = await collectDenying((r) => r.operation === 'DescribeRules' && r.params['ListenerArn'] === listenerArn);
    const outcome = await judge(snapshot);
    const findings = outcome.result.findings;
    expect(on(findings, 'shop-alb:443', 'listener-backend-unencrypted')).toMatchObject({ status: 'error', message: expect.stringMatching(/listener rules \(DescribeRules\) could not be read/) });
    // The policy, certificates and the HTTP listener's redirect do not depend on those rules.
    for (const [name, rule] of [['shop-alb:443', 'listener-weak-protocol'], ['shop-alb:80', 'listener-http-without-redirect'], ['shop-alb:443', 'listener-no-certificate']] as const) {
      expect(statusOf(findings, name, rule), `${name} ${rule}`).toBe(statusOf(clean.result.findings, name, rule));
    }
    othersUnchanged(clean.result.findings, findings, (f) => f.resource.arn === listenerArn);
    expect(outcome.exitCode).toBe(3);
  });

  it('DescribeTargetHealth denied: the spread of healthy targets is an error, the NLB (other target group) is judged', async () => {
    const albGroups = lbNamed(seed.clean.snapshot, 'shop-alb').targetGroups.map((g) => g.arn);
    const snapshot = await collectDenying((r) => r.operation === 'DescribeTargetHealth' && albGroups.includes(String(r.params['TargetGroupArn'])));
    const outcome = await judge(snapshot);
    const findings = outcome.result.findings;
    expect(on(findings, 'shop-alb', 'lb-single-az')).toMatchObject({ status: 'error', message: expect.stringMatching(/DescribeTargetHealth\) could not be read/) });
    expect(statusOf(findings, 'hsm-nlb', 'lb-single-az')).toBe(statusOf(clean.result.findings, 'hsm-nlb', 'lb-single-az'));
    othersUnchanged(clean.result.findings, findings, (f) => f.resource.arn === seed.estate.albArn);
    expect(outcome.exitCode).toBe(3);
  });

  it('GetCertificate denied for the certificate with the expired intermediate: no pass on it, and --allow-partial --fail-on critical is not green', async () => {
    const snapshot = await collectDenying((r) => r.operation === 'GetCertificate' && r.params['CertificateArn'] === expiredChainArn);
    const outcome = await judge(snapshot);
    const onCertificate = outcome.result.findings.filter((f) => f.resource.arn === expiredChainArn);
    expect(onCertificate.filter((f) => f.status === 'pass' && /^(cert-expired|cert-expiring|chain-|cert-weak)/.test(f.ruleId))).toEqual([]);
    expect(on(outcome.result.findings, 'expired-chain.example.test', 'cert-expired')).toMatchObject({
      status: 'error', message: expect.stringMatching(/GetCertificate\) could not be read: AccessDenied/),
    });
    const partial = await judge(snapshot, { failOn: 'critical', allowPartial: true });
    expect(partial.exitCode).toBe(3);
    expect(partial.result.verdict.kind).toBe('incomplete');
    expect(partial.result.verdict.headline).toMatch(/a check at critical or above could not be judged/);
  });
});
