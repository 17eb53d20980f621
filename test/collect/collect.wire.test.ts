/**
 * What moto cannot emulate, served as canned wire answers through the proxy (everything else is moto):
 * Classic predefined policies (test/fixtures/collect/README.md says how that file was made), CloudHSM
 * HSMs (moto has no CreateHsm), and mTLS listeners with trust stores (moto has no mTLS).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startFaultProxy } from '../helpers/fault-proxy.ts';
import { hsmClustersResponse } from './estate.ts';
import { mtlsListenersResponse, trustStoreArn, trustStoresResponse } from './mtls-wire.ts';
import { collectThrough, lbNamed, REGION, useSeedEstate } from './seed.ts';

const seed = useSeedEstate();

describe('collectSnapshot with canned answers for what moto lacks', () => {
  it('maps CloudHSM HSMs with their AZ, subnet, state and ENI address (moto creates none; canned DescribeClusters)', async () => {
    const canned = await startFaultProxy({
      upstream: seed.moto.endpoint,
      canned: (req) =>
        req.service === 'cloudhsmv2' && req.region === REGION && req.operation === 'DescribeClusters'
          ? { status: 200, contentType: 'application/x-amz-json-1.1', body: hsmClustersResponse(seed.estate) }
          : null,
    });
    try {
      const snapshot = (await collectThrough(canned.endpoint)).snapshot;
      const clusters = snapshot.hsmClusters;
      expect(clusters.map((c) => c.region)).toEqual([REGION]);
      expect(clusters[0]).toMatchObject({ clusterId: seed.estate.hsmClusterId, state: 'ACTIVE', securityGroup: 'sg-0hsmseed' });
      expect(clusters[0]?.hsms.map((h) => [h.availabilityZone, h.subnetId, h.state, h.eniIp])).toEqual(
        seed.estate.subnets.map(([id, zone], i) => [zone, id, 'ACTIVE', `10.0.${i}.10`]),
      );
      expect(clusters[0]?.subnetMapping).toEqual(Object.fromEntries(seed.estate.subnets.map(([id, zone]) => [zone, id])));
    } finally {
      await canned.stop();
    }
  });

  it('reads mTLS settings and the trust store a verify-mode listener uses (moto has no mTLS; canned ELBv2 answers)', async () => {
    const group = lbNamed(seed.clean.snapshot, 'shop-alb').targetGroups[0]?.arn ?? '';
    const canned = await startFaultProxy({
      upstream: seed.moto.endpoint,
      canned: (req) => {
        if (req.service !== 'elbv2') return null;
        if (req.operation === 'DescribeListeners' && req.params['LoadBalancerArn'] === seed.estate.albArn) {
          return { status: 200, contentType: 'text/xml', body: mtlsListenersResponse(seed.estate, group) };
        }
        if (req.operation === 'DescribeTrustStores') return { status: 200, contentType: 'text/xml', body: trustStoresResponse(seed.estate) };
        return null;
      },
    });
    try {
      const { snapshot, stats } = await collectThrough(canned.endpoint);
      const listener = lbNamed(snapshot, 'shop-alb').listeners[0];
      expect(listener?.mutualAuthentication).toEqual({
        mode: 'verify',
        trustStoreArn: trustStoreArn(seed.estate),
        ignoreClientCertificateExpiry: false,
        advertiseTrustStoreCaNames: 'on',
      });
      expect(listener?.alpnPolicy).toEqual(['HTTP2Preferred']);
      // The CA bundle and revocation calls reach moto, which lacks them: they are gaps on the record (peers.moto.test.ts serves them).
      expect(snapshot.trustStores[0]?.observed?.caBundle.status).toBe('error');
      expect(snapshot.trustStores).toMatchObject([
        {
          arn: trustStoreArn(seed.estate),
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
      upstream: seed.moto.endpoint,
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
