/**
 * The collectors against a real moto_server: the seed estate is built through the SDK, collected,
 * and the snapshot checked field by field. moto does not list Classic predefined policies; that one
 * answer comes from a wire fixture (test/fixtures/collect/README.md says how it was made).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectWithStats, sdkClientFactory, type CollectOptions, type CollectResult } from '../../src/collect/index.ts';
import type { LoadBalancer, Snapshot } from '../../src/model/snapshot.ts';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.ts';
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto.ts';
import { buildSeedEstate, hsmClustersResponse, type SeedEstate } from './estate.ts';
import { mtlsListenersResponse, trustStoreArn, trustStoresResponse } from './mtls-wire.ts';

const REGION = 'us-east-1';
const SCOPE = [REGION, 'eu-west-1'];
const NOW = new Date('2026-11-21T12:00:00Z');
const FAST_RETRY = { maxAttempts: 10, baseDelayMs: 2, maxDelayMs: 20 };

let moto: MotoServer;
let estate: SeedEstate;
let clean: CollectResult;
const progress: string[] = [];

async function collectThrough(endpoint: string, extra: Partial<CollectOptions> = {}): Promise<CollectResult> {
  return collectWithStats({
    ...extra,
    regions: SCOPE,
    clients: sdkClientFactory({ endpoint, credentials: MOTO_CREDENTIALS }),
    homeRegion: REGION,
    now: () => NOW,
    retry: FAST_RETRY,
    concurrency: 4,
  });
}

const lbNamed = (snapshot: Snapshot, name: string): LoadBalancer => {
  const lb = snapshot.loadBalancers.find((l) => l.name === name);
  if (!lb) throw new Error(`no load balancer ${name}`);
  return lb;
};

beforeAll(async () => {
  moto = await startMoto();
  estate = await buildSeedEstate(sdkClientFactory({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }), REGION);
  clean = await collectThrough(moto.endpoint, { onProgress: (line) => progress.push(line) });
});

afterAll(async () => {
  await moto?.stop();
});

describe('collectSnapshot against moto', () => {
  it('reads the Classic load balancer: listeners, custom and backend-auth policies, attributes, tags, health', () => {
    const snapshot = clean.snapshot;
    expect(snapshot.scope).toEqual({ accounts: ['123456789012'], regions: ['eu-west-1', 'us-east-1'] });
    const classic = lbNamed(snapshot, 'legacy-web');
    expect(classic.arn).toBe('arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/legacy-web');
    expect(classic.type).toBe('classic');
    expect(classic.availabilityZones.map((z) => z.zoneName)).toEqual(['us-east-1a']);
    const https = classic.listeners.find((l) => l.port === 443);
    expect(https).toMatchObject({
      arn: `${classic.arn}/listener/443`,
      protocol: 'HTTPS',
      instanceProtocol: 'HTTPS',
      instancePort: 443,
      policyNames: ['legacy-negotiation'],
      certificates: [{ arn: estate.iamCertArn, isDefault: true }],
    });
    expect(classic.listeners.map((l) => `${l.protocol}:${l.port}->${l.instanceProtocol}:${l.instancePort}`)).toEqual([
      'HTTP:80->HTTP:80',
      'HTTPS:443->HTTPS:443',
      'SSL:8443->SSL:8443',
    ]);
    const legacy = classic.classicPolicies.find((p) => p.name === 'legacy-negotiation');
    expect(legacy?.attributes).toContainEqual({ name: 'Protocol-SSLv3', value: 'true' });
    expect(legacy?.attributes).toContainEqual({ name: 'Protocol-TLSv1', value: 'true' });
    const modern = classic.classicPolicies.find((p) => p.name === 'modern-negotiation');
    expect(modern?.attributes).toEqual([{ name: 'Reference-Security-Policy', value: 'ELBSecurityPolicy-TLS-1-2-2017-01' }]);
    expect(classic.classicPolicies.find((p) => p.name === 'backend-auth')).toEqual({
      name: 'backend-auth',
      type: 'BackendServerAuthenticationPolicyType',
      attributes: [{ name: 'PublicKeyPolicyName', value: 'backend-key' }],
    });
    // Backend HTTPS on 443 is authenticated; the SSL backend on 8443 is not.
    expect(classic.backendServers).toEqual([{ instancePort: 443, policyNames: ['backend-auth'] }]);
    expect(classic.attributes).toMatchObject({
      'cross_zone_load_balancing.enabled': 'false',
      'connection_draining.enabled': 'true',
      'connection_draining.timeout': '120',
      'access_log.enabled': 'false',
    });
    expect(classic.tags).toEqual({ team: 'legacy' });
    expect(classic.registeredInstances).toEqual(
      [...estate.instanceIds].sort().map((instanceId) => ({ instanceId, state: 'healthy' })),
    );
  });

  it('reads the ALB and NLB: SNI certificates, redirect, HTTPS forwarding to HTTP, target health', () => {
    const alb = lbNamed(clean.snapshot, 'shop-alb');
    expect(alb).toMatchObject({ arn: estate.albArn, type: 'application', tags: { team: 'shop' } });
    expect(alb.availabilityZones).toHaveLength(2);
    const https = alb.listeners.find((l) => l.protocol === 'HTTPS');
    expect(https?.sslPolicy).toBe('ELBSecurityPolicy-2016-08');
    expect(https?.certificates).toEqual([
      { arn: estate.acmCertArn, isDefault: true },
      { arn: estate.iamCertArn, isDefault: false },
    ]);
    const forwarded = https?.defaultActions[0]?.targetGroupArns[0];
    const group = alb.targetGroups.find((g) => g.arn === forwarded);
    expect(group).toMatchObject({ protocol: 'HTTP', port: 80, targetType: 'instance' });
    expect(group?.targets.map((t) => t.id)).toEqual([...estate.instanceIds].sort());
    const http = alb.listeners.find((l) => l.protocol === 'HTTP');
    expect(http?.sslPolicy).toBeNull();
    expect(http?.defaultActions).toEqual([
      { type: 'redirect', targetGroupArns: [], redirect: { protocol: 'HTTPS', port: '443', host: null, statusCode: 'HTTP_301' } },
    ]);

    const nlb = lbNamed(clean.snapshot, 'hsm-nlb');
    expect(nlb.type).toBe('network');
    expect(nlb.listeners).toHaveLength(1);
    expect(nlb.listeners[0]).toMatchObject({ protocol: 'TCP', port: 443, sslPolicy: null, certificates: [] });
    expect(nlb.targetGroups[0]?.targets.map((t) => t.port)).toEqual([443, 443]);
  });

  it('fetches each used certificate once, with body and chain as uploaded', () => {
    const iam = clean.snapshot.certificates.find((c) => c.arn === estate.iamCertArn);
    expect(iam).toMatchObject({ source: 'iam', region: 'global', name: 'legacy-cert' });
    expect(iam?.bodyPem?.trim()).toBe(estate.iamChain.leafPem.trim());
    expect(iam?.chainPem).toContain(estate.iamChain.intermediatePem.trim());
    // Used by the Classic LB and (as SNI) by the ALB, yet fetched once.
    expect(iam?.inUseBy).toEqual([estate.albArn, lbNamed(clean.snapshot, 'legacy-web').arn].sort());
    const acm = clean.snapshot.certificates.find((c) => c.arn === estate.acmCertArn);
    expect(acm).toMatchObject({ source: 'acm', region: REGION, domainName: 'shop.example.test', acmType: 'IMPORTED', keyAlgorithm: 'RSA_2048' });
    expect(acm?.bodyPem?.trim()).toBe(estate.acmChain.leafPem.trim());
    expect(acm?.chainPem).toContain(estate.acmChain.intermediatePem.trim());
    expect(clean.stats.byOperation['iam:GetServerCertificate']).toBe(1);
    expect(clean.stats.byOperation['acm:GetCertificate']).toBe(1);
    expect(clean.stats.byOperation['acm:DescribeCertificate']).toBe(1);
  });

  it('reads CloudHSM clusters and the placement of every registered instance', () => {
    expect(clean.snapshot.hsmClusters.map((c) => c.clusterId)).toEqual([estate.hsmClusterId]);
    expect(clean.snapshot.hsmClusters[0]).toMatchObject({ region: REGION, hsmType: 'hsm1.medium' });
    expect(clean.snapshot.instances.map((i) => i.instanceId)).toEqual([...estate.instanceIds].sort());
    const placement = clean.snapshot.instances.map((i) => [i.subnetId, i.availabilityZone]);
    expect(placement.sort()).toEqual([...estate.subnets].sort());
    for (const instance of clean.snapshot.instances) expect(instance.vpcId).toMatch(/^vpc-/);
  });

  it('makes each call once per distinct input, batched and listed per region', () => {
    expect(clean.stats.retries).toBe(0);
    expect(clean.stats.byOperation).toMatchObject({
      'sts:GetCallerIdentity': 1,
      'elb:DescribeLoadBalancers': 2, // one page per region
      'elb:DescribeTags': 1, // one batch: only us-east-1 has Classic LBs
      'elb:DescribeLoadBalancerPolicies': 1,
      'elbv2:DescribeSSLPolicies': 2,
      'elbv2:DescribeListeners': 2,
      'elbv2:DescribeTargetGroups': 2,
      'elbv2:DescribeListenerCertificates': 1, // only the HTTPS listener
      'elbv2:DescribeRules': 1, // only the HTTP listener
      'elbv2:DescribeTags': 1,
      'ec2:DescribeInstances': 1, // both LBs' instances in one filtered call
      'iam:ListServerCertificates': 1,
      'acm:ListCertificates': 2,
    });
  });

  it('records an ok attempt for every call family; the predefined listing moto cannot answer is skipped, not failed', () => {
    const notOk = clean.snapshot.attempts.filter((a) => a.status !== 'ok');
    expect(notOk.map((a) => `${a.service}/${a.region}/${a.operation}/${a.status}`)).toEqual([
      'elb/eu-west-1/DescribeLoadBalancerPolicies(predefined)/skipped',
      'elb/us-east-1/DescribeLoadBalancerPolicies(predefined)/skipped',
    ]);
    expect(clean.snapshot.attempts.every((a) => a.account === '123456789012')).toBe(true);
    expect(clean.snapshot.observations).toEqual([]);
  });

  it('reports progress per region and service with counts', () => {
    expect(progress).toContain('us-east-1 elb: 1 Classic load balancers');
    expect(progress).toContain('us-east-1 elbv2: 2 ALB/NLB/GWLB load balancers');
    expect(progress).toContain('eu-west-1 elbv2: 0 ALB/NLB/GWLB load balancers');
    expect(progress).toContain('global iam: 1 server certificates');
    expect(progress.at(-1)).toMatch(/^collected with \d+ API calls \(0 retries\)$/);
  });

  it('follows markers to the last page when pages are small', async () => {
    const paged = await collectThrough(moto.endpoint, { pageSizeLimit: 1 });
    expect(paged.snapshot).toEqual(clean.snapshot);
    // Two ALB/NLB in us-east-1 at one per page, one empty page in eu-west-1.
    expect(paged.stats.byOperation['elbv2:DescribeLoadBalancers']).toBe(3);
    expect(paged.stats.total).toBeGreaterThan(clean.stats.total);
  });
});

describe('collectSnapshot through the fault-injecting proxy', () => {
  let proxy: FaultProxy | undefined;
  afterAll(async () => {
    await proxy?.stop();
  });

  it('yields the same snapshot as a clean run despite throttling, 5xx and connection resets', async () => {
    proxy = await startFaultProxy({ upstream: moto.endpoint, faultRate: 0.25, seed: 7 });
    const faulty = await collectThrough(proxy.endpoint);
    const injected = { ...proxy.injected };
    const faults = Object.fromEntries(proxy.faultsByOperation);
    await proxy.stop();
    proxy = undefined;
    expect(injected.throttle).toBeGreaterThan(0);
    expect(injected.serverError).toBeGreaterThan(0);
    expect(injected.reset).toBeGreaterThan(0);
    expect({ retries: faulty.stats.retriesByOperation }).toEqual({ retries: faults });
    expect(faulty.snapshot).toEqual(clean.snapshot);
    // Retries are not new calls: the logical call count is the clean run's.
    expect(faulty.stats.total).toBe(clean.stats.total);
  });

  it('AccessDenied on ACM yields error attempts covering the ACM certificates and leaves the rest intact', async () => {
    const deny = await startFaultProxy({ upstream: moto.endpoint, deny: (req) => req.service === 'acm' });
    try {
      const partial = (await collectThrough(deny.endpoint)).snapshot;
      const failed = partial.attempts.filter((a) => a.status === 'error');
      expect(failed.map((a) => `${a.service}/${a.region}/${a.operation}`)).toEqual([
        'acm/eu-west-1/ListCertificates',
        'acm/us-east-1/DescribeCertificate',
        'acm/us-east-1/GetCertificate',
        'acm/us-east-1/ListCertificates',
      ]);
      for (const a of failed.filter((x) => x.region === REGION)) {
        expect(a.covers).toEqual([estate.acmCertArn]);
        expect(a.reason).toMatch(/AccessDenied/);
      }
      // The ACM certificate is still there as a record (so rules can say it was not read), without content.
      const acm = partial.certificates.find((c) => c.arn === estate.acmCertArn);
      expect(acm).toMatchObject({ source: 'acm', bodyPem: null, chainPem: null, notAfter: null });
      expect(partial.loadBalancers).toEqual(clean.snapshot.loadBalancers);
      expect(partial.instances).toEqual(clean.snapshot.instances);
      expect(partial.hsmClusters).toEqual(clean.snapshot.hsmClusters);
      expect(partial.certificates.find((c) => c.arn === estate.iamCertArn)).toEqual(
        clean.snapshot.certificates.find((c) => c.arn === estate.iamCertArn),
      );
    } finally {
      await deny.stop();
    }
  });

  it('AccessDenied on one Classic call family covers that load balancer only', async () => {
    const deny = await startFaultProxy({ upstream: moto.endpoint, deny: (req) => req.service === 'elb' && req.operation === 'DescribeInstanceHealth' });
    try {
      const partial = (await collectThrough(deny.endpoint)).snapshot;
      const failed = partial.attempts.filter((a) => a.status === 'error');
      expect(failed).toEqual([
        {
          service: 'elb',
          account: '123456789012',
          region: REGION,
          operation: 'DescribeInstanceHealth',
          status: 'error',
          reason: expect.stringMatching(/^AccessDenied/) as unknown as string,
          covers: [lbNamed(clean.snapshot, 'legacy-web').arn],
        },
      ]);
      // Instances are still listed, their health unknown rather than guessed.
      expect(lbNamed(partial, 'legacy-web').registeredInstances.map((i) => i.state)).toEqual(['unknown', 'unknown']);
    } finally {
      await deny.stop();
    }
  });

  it('maps CloudHSM HSMs with their AZ, subnet, state and ENI address (moto creates none; canned DescribeClusters)', async () => {
    const canned = await startFaultProxy({
      upstream: moto.endpoint,
      canned: (req) =>
        req.service === 'cloudhsmv2' && req.region === REGION && req.operation === 'DescribeClusters'
          ? { status: 200, contentType: 'application/x-amz-json-1.1', body: hsmClustersResponse(estate) }
          : null,
    });
    try {
      const snapshot = (await collectThrough(canned.endpoint)).snapshot;
      const clusters = snapshot.hsmClusters;
      expect(clusters.map((c) => c.region)).toEqual([REGION]);
      expect(clusters[0]).toMatchObject({ clusterId: estate.hsmClusterId, state: 'ACTIVE', securityGroup: 'sg-0hsmseed' });
      expect(clusters[0]?.hsms.map((h) => [h.availabilityZone, h.subnetId, h.state, h.eniIp])).toEqual(
        estate.subnets.map(([id, zone], i) => [zone, id, 'ACTIVE', `10.0.${i}.10`]),
      );
      expect(clusters[0]?.subnetMapping).toEqual(Object.fromEntries(estate.subnets.map(([id, zone]) => [zone, id])));
    } finally {
      await canned.stop();
    }
  });

  it('reads mTLS settings and the trust store a verify-mode listener uses (moto has no mTLS; canned ELBv2 answers)', async () => {
    const group = lbNamed(clean.snapshot, 'shop-alb').targetGroups[0]?.arn ?? '';
    const canned = await startFaultProxy({
      upstream: moto.endpoint,
      canned: (req) => {
        if (req.service !== 'elbv2') return null;
        if (req.operation === 'DescribeListeners' && req.params['LoadBalancerArn'] === estate.albArn) {
          return { status: 200, contentType: 'text/xml', body: mtlsListenersResponse(estate, group) };
        }
        if (req.operation === 'DescribeTrustStores') return { status: 200, contentType: 'text/xml', body: trustStoresResponse(estate) };
        return null;
      },
    });
    try {
      const { snapshot, stats } = await collectThrough(canned.endpoint);
      const listener = lbNamed(snapshot, 'shop-alb').listeners[0];
      expect(listener?.mutualAuthentication).toEqual({
        mode: 'verify',
        trustStoreArn: trustStoreArn(estate),
        ignoreClientCertificateExpiry: false,
        advertiseTrustStoreCaNames: 'on',
      });
      expect(listener?.alpnPolicy).toEqual(['HTTP2Preferred']);
      expect(snapshot.trustStores).toEqual([
        {
          arn: trustStoreArn(estate),
          name: 'partners',
          account: '123456789012',
          region: REGION,
          status: 'ACTIVE',
          numberOfCaCertificates: 2,
          caBundlePem: null,
          revocationCount: 1,
        },
      ]);
      expect(stats.byOperation['elbv2:DescribeTrustStores']).toBe(1);
    } finally {
      await canned.stop();
    }
  });

  it('uses the predefined Classic policies the API returns (recorded wire response; moto lacks them)', async () => {
    const body = readFileSync(new URL('../fixtures/collect/elb-predefined-policies.response.xml', import.meta.url), 'utf8');
    const recorded = await startFaultProxy({
      upstream: moto.endpoint,
      canned: (req) =>
        req.service === 'elb' && req.operation === 'DescribeLoadBalancerPolicies' && req.params['LoadBalancerName'] === undefined
          ? { status: 200, contentType: 'text/xml', body }
          : null,
    });
    try {
      const snapshot = (await collectThrough(recorded.endpoint)).snapshot;
      expect(snapshot.classicPredefinedPolicies.map((p) => p.name)).toEqual(['ELBSecurityPolicy-2016-08', 'ELBSecurityPolicy-TLS-1-2-2017-01']);
      const tls12 = snapshot.classicPredefinedPolicies[1];
      expect(tls12?.attributes).toHaveLength(93);
      expect(tls12?.attributes).toContainEqual({ name: 'Protocol-TLSv1', value: 'false' });
      expect(tls12?.attributes).toContainEqual({ name: 'Protocol-TLSv1.2', value: 'true' });
      expect(snapshot.attempts.filter((a) => a.status !== 'ok')).toEqual([]);
    } finally {
      await recorded.stop();
    }
  });
});
