/**
 * `audit` end to end against moto on the estate modelled on the seed guides: a Classic load balancer in one AZ
 * with a custom policy enabling TLSv1 and SSLv3 and backend HTTPS with and without back-end authentication,
 * an HTTPS listener forwarding to HTTP, an NLB passing TCP 443 through to CloudHSM web servers. It must report
 * what is wrong and nothing that is right. (Configuration only: the moto load balancers have no live endpoints.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, type AuditOutcome } from '../../src/audit.ts';
import { sdkClientFactory } from '../../src/collect/index.ts';
import type { Finding } from '../../src/model/finding.ts';
import { buildSeedEstate, type SeedEstate } from '../collect/estate.ts';
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto.ts';

let moto: MotoServer;
let estate: SeedEstate;
let outcome: AuditOutcome;

beforeAll(async () => {
  moto = await startMoto();
  const clients = sdkClientFactory({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  estate = await buildSeedEstate(clients, 'us-east-1');
  outcome = await audit({
    source: { kind: 'aws', collect: { regions: ['us-east-1'], clients, homeRegion: 'us-east-1' } },
    probe: false, profile: 'default', failOn: 'high', allowPartial: true,
    trustAnchorsPem: [estate.iamChain.rootPem, estate.acmChain.rootPem],
  });
});
afterAll(async () => {
  await moto?.stop();
});

const status = (ruleId: string, name: string): string | undefined =>
  outcome.result.findings.find((f: Finding) => f.ruleId === ruleId && f.resource.name === name)?.status;

describe('audit against moto (seed scenarios)', () => {
  it('reports what is wrong on the Classic load balancer', () => {
    expect(status('listener-weak-protocol', 'legacy-web:443')).toBe('fail');
    expect(outcome.result.findings.find((f) => f.ruleId === 'listener-weak-protocol' && f.resource.name === 'legacy-web:443')!.message).toMatch(/SSLv3, TLSv1\.0/);
    expect(status('classic-backend-auth-missing', 'legacy-web:8443')).toBe('fail');
    expect(status('listener-http-without-redirect', 'legacy-web:80')).toBe('fail');
    expect(status('lb-single-az', 'legacy-web')).toBe('fail');
  });

  it('and not what is right on it: back-end authentication on 443 passes', () => {
    expect(status('classic-backend-auth-missing', 'legacy-web:443')).toBe('pass');
  });

  it('reports the HTTPS listener that forwards to HTTP, and passes its HTTP listener that redirects', () => {
    const https = outcome.result.findings.filter((f) => f.ruleId === 'listener-backend-unencrypted' && f.status === 'fail');
    expect(https.map((f) => f.resource.arn)).toContain(estate.albHttpsListenerArn);
    const redirect = outcome.result.findings.filter((f) => f.ruleId === 'listener-http-without-redirect' && f.resource.loadBalancerArn === estate.albArn);
    expect(redirect.map((f) => f.status)).toEqual(['pass']);
  });

  it('does not call TCP pass-through on 443 safe without a probe, and says why', () => {
    const tcp = outcome.result.findings.find((f) => f.ruleId === 'listener-tcp-on-tls-port' && f.resource.loadBalancerArn === estate.nlbArn)!;
    expect(tcp.status).toBe('fail');
    expect(tcp.message).toMatch(/not confirmed by a probe/);
  });

  it('collects the whole estate (load balancers of all three types, certificates) and exits by its findings', () => {
    const types = new Set(outcome.snapshot.loadBalancers.map((lb) => lb.type));
    expect([...types].sort()).toEqual(['application', 'classic', 'network']);
    expect(outcome.result.summary.resources.certificates).toBeGreaterThanOrEqual(2);
    expect(outcome.exitCode).toBe(1);
  });
});
