// One glob dialect for profile include/exclude and waiver rule/resource patterns (src/evaluate/glob.ts).
import { describe, expect, it } from 'vitest';
import { globMatcher } from '../../src/evaluate/glob.ts';
import { applyWaivers } from '../../src/evaluate/waivers.ts';
import type { Finding } from '../../src/model/finding.ts';

const LB = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/api/50dc6c495c0c9188';
const LISTENER = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/api/50dc6c495c0c9188/f2f7dc8efc522ab2';

describe('glob dialect', () => {
  it('lets * cross / and : (ARNs are not paths), matches whole strings, and keeps ! and . literal', () => {
    const m = (pattern: string, value: string) => globMatcher(pattern)(value);
    expect(m('arn:aws:elasticloadbalancing:*', LB)).toBe(true);
    expect(m('*:loadbalancer/app/api/*', LB)).toBe(true);
    expect(m('*/api/*', LISTENER)).toBe(true);
    expect(m('api', LB)).toBe(false);
    expect(m('listener-weak-??????', 'listener-weak-cipher')).toBe(true);
    expect(m('{cert,chain}-*', 'chain-untrusted')).toBe(true);
    expect(m('chain-[iu]*', 'chain-misordered')).toBe(false);
    expect(m('!cert-*', 'chain-untrusted')).toBe(false);
    expect(m('*.example.com', 'shop.example.com')).toBe(true);
    expect(m('shop.example.com', 'shopXexample.com')).toBe(false);
    expect(m('LB-*', 'lb-single-az')).toBe(false);
  });
});

function finding(ruleId: string, arn: string, name: string, loadBalancerArn: string | null): Finding {
  return {
    ruleId, category: 'weak-protocol', severity: 'high', status: 'fail', message: 'm', messageId: null, evidence: [], controls: {}, fingerprint: 'f', waiver: null,
    resource: { arn, kind: 'listener', name, region: 'eu-west-1', account: '123456789012', loadBalancerArn, loadBalancerType: 'application' },
  };
}

describe('waivers', () => {
  const findings = [
    finding('listener-weak-protocol', LISTENER, 'api:443', LB),
    finding('listener-weak-cipher', LISTENER, 'api:443', LB),
    finding('cert-expiring', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc', 'api.example.com', null),
  ];
  const waive = (rule: string, resource: string) =>
    applyWaivers(findings, [{ rule, resource, reason: 'migration', expires: '2027-03-31' }], '2026-12-01T00:00:00Z').map((f) => f.status);

  it('match rule and resource (ARN, name or load balancer ARN) with the same globs as profiles', () => {
    expect(waive('listener-weak-*', `${LB.slice(0, LB.lastIndexOf('/'))}/*`)).toEqual(['waived', 'waived', 'fail']);
    expect(waive('listener-weak-{protocol,nothing}', '*')).toEqual(['waived', 'fail', 'fail']);
    expect(waive('*', '*.example.com')).toEqual(['fail', 'fail', 'waived']);
    expect(waive('cert-*', 'arn:aws:acm:*:certificate/ab?')).toEqual(['fail', 'fail', 'waived']);
    expect(waive('listener-weak-protocol', 'api')).toEqual(['fail', 'fail', 'fail']);
  });

  it('stop waiving after the expiry day and say so', () => {
    const [expired] = applyWaivers(findings, [{ rule: '*', resource: '*', reason: 'migration', expires: '2026-11-30' }], '2026-12-01T00:00:00Z');
    expect(expired!.status).toBe('fail');
    expect(expired!.message).toMatch(/waiver expired on 2026-11-30/);
  });
});
