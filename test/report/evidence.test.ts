/** Evidence in plain words, in summary.md and in SARIF: observed values, what was expected, where they were read. */
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { demoSnapshot, demoTrustAnchors, withDemoCollectionGap } from '../../src/demo/estate.ts';
import { describeEvidence, factSource } from '../../src/report/evidence.ts';
import type { Finding } from '../../src/model/finding.ts';
import { renderSummary } from '../../src/report/markdown.ts';
import { buildSarif } from '../../src/report/sarif.ts';
import type { ReportInput } from '../../src/report/reporter.ts';
import { SEVERITIES } from '../../src/model/rule.ts';

async function demoInput(): Promise<ReportInput> {
  const outcome = await audit({ source: { kind: 'snapshot', snapshot: withDemoCollectionGap(demoSnapshot()) }, probe: false, profile: 'default',
    allowPartial: true, failOn: 'none', trustAnchorsPem: demoTrustAnchors() });
  return { result: outcome.result, snapshot: outcome.snapshot, facts: outcome.facts, rules: outcome.rules, options: { sarifCategory: 'elb-tls-audit/' } };
}

describe('plain-word evidence', () => {
  it('names the observed value, the expectation and the API call, once per value, with no engine words', async () => {
    const input = await demoInput();
    const weak = input.result.findings.find((f) => f.ruleId === 'cert-weak-key' && f.status === 'fail')!;
    const lines = describeEvidence(weak);
    const size = lines.find((l) => l.what === 'Key size (bits)')!;
    expect(size).toMatchObject({ observed: '1024', expected: 'at least 2048', source: 'acm GetCertificate (certificate body and chain)', met: false });
    // the rule tests key.type twice and key.curve in an "any" the failure did not depend on
    expect(lines.filter((l) => l.what === 'Key type')).toHaveLength(1);
    expect(lines.some((l) => l.what === 'Key curve')).toBe(false);
    for (const f of input.result.findings.filter((x) => x.status === 'fail' || x.status === 'error')) {
      for (const l of describeEvidence(f)) {
        expect(`${l.what} ${l.observed} ${l.expected}`).not.toMatch(/\b(equal|notEqual|greaterThanInclusive|isEmpty|pemAvailable)\b|^\{|"\w+":/);
        expect(l.source.length).toBeGreaterThan(0);
      }
    }
  });

  it('says IAM calls for IAM certificates, Classic calls for Classic listeners and the probe for endpoints', async () => {
    const input = await demoInput();
    const source = (ruleId: string) => describeEvidence(input.result.findings.find((f) => f.ruleId === ruleId && f.status !== 'pass')!)[0]!.source;
    expect(source('cert-iam-expired')).toBe('iam ListServerCertificates (expiration)');
    expect(source('classic-server-order-off')).toBe('elb DescribeLoadBalancerPolicies');
    expect(source('listener-weak-protocol')).toBe('elbv2 DescribeListeners and DescribeSSLPolicies');
    expect(source('collection-incomplete')).toBe('elbv2 DescribeLoadBalancerAttributes');
    const lb = input.result.findings[0]!;
    const endpoint: Finding = { ...lb, resource: { ...lb.resource, kind: 'endpoint', name: 'shop.example.com:443' } };
    expect(factSource(endpoint, { fact: 'servedProtocols', path: null, operator: 'protocolsAtLeast', expected: 'TLSv1.2', actual: [], result: false }))
      .toBe('TLS probe of shop.example.com:443');
    expect(source('lb-deletion-protection')).toBe('elbv2 DescribeLoadBalancerAttributes');
  });
});

describe('summary.md', () => {
  it('lists error findings with the failing ones, by severity, with what was observed', async () => {
    const input = await demoInput();
    const md = renderSummary(input);
    const rows = md.split('\n').filter((l) => /^\| \S+ (critical|high|medium|low|info) \| (fail|⚠️ error) \|/.test(l));
    const open = input.result.findings.filter((f) => f.status === 'fail' || f.status === 'error');
    expect(rows).toHaveLength(open.length);
    const errors = rows.filter((r) => r.includes('⚠️ error'));
    expect(errors).toHaveLength(open.filter((f) => f.status === 'error').length);
    expect(errors.length).toBeGreaterThan(0);
    const severities = rows.map((r) => SEVERITIES.findIndex((s) => r.includes(` ${s} |`)));
    expect(severities).toEqual([...severities].sort((a, b) => a - b));
    expect(md).toContain('Key size \\(bits\\): 1024 \\(acm GetCertificate \\(certificate body and chain\\)\\)');
  });
});

describe('SARIF evidence', () => {
  it('puts the unmet observations in the result message and properties', async () => {
    const input = await demoInput();
    const log = buildSarif(input);
    const weak = log.runs[0]!.results!.find((r) => r.ruleId === 'cert-weak-key')!;
    expect(weak.message.text).toContain('Observed: Key size (bits): 1024 (expected at least 2048; from acm GetCertificate');
    expect(weak.properties?.['evidence']).toEqual(expect.arrayContaining([expect.stringContaining('Key size (bits): 1024')]));
  });
});
