/**
 * Fail closed, checked against moto through a loopback proxy: injected throttling, 5xx and connection
 * resets must not change the snapshot; an AccessDenied service must leave error attempts with what they
 * cover and everything else intact.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.ts';
import { collectThrough, lbNamed, REGION, useSeedEstate } from './seed.ts';

const seed = useSeedEstate();

describe('collectSnapshot through the fault-injecting proxy', () => {
  let proxy: FaultProxy | undefined;
  afterAll(async () => {
    await proxy?.stop();
  });

  it('yields the same snapshot as a clean run despite throttling, 5xx and connection resets', async () => {
    proxy = await startFaultProxy({ upstream: seed.moto.endpoint, faultRate: 0.25, seed: 7 });
    const faulty = await collectThrough(proxy.endpoint);
    const injected = { ...proxy.injected };
    const faults = Object.fromEntries(proxy.faultsByOperation);
    await proxy.stop();
    proxy = undefined;
    expect(injected.throttle).toBeGreaterThan(0);
    expect(injected.serverError).toBeGreaterThan(0);
    expect(injected.reset).toBeGreaterThan(0);
    expect({ retries: faulty.stats.retriesByOperation }).toEqual({ retries: faults });
    expect(faulty.snapshot).toEqual(seed.clean.snapshot);
    // Retries are not new calls: the logical call count is the clean run's.
    expect(faulty.stats.total).toBe(seed.clean.stats.total);
  });

  it('AccessDenied on ACM yields error attempts covering the ACM certificates and leaves the rest intact', async () => {
    const deny = await startFaultProxy({ upstream: seed.moto.endpoint, deny: (req) => req.service === 'acm' });
    try {
      const partial = (await collectThrough(deny.endpoint)).snapshot;
      const failed = partial.attempts.filter((a) => a.status === 'error');
      expect(failed.map((a) => `${a.service}/${a.region}/${a.operation}`)).toEqual([
        'acm/eu-west-1/ListCertificates',
        'acm/us-east-1/DescribeCertificate',
        'acm/us-east-1/GetCertificate',
        'acm/us-east-1/ListCertificates',
        'acm/us-east-1/ListTagsForCertificate',
      ]);
      for (const a of failed.filter((x) => x.region === REGION)) {
        expect(a.covers).toEqual([seed.estate.acmCertArn]);
        expect(a.reason).toMatch(/AccessDenied/);
      }
      // The ACM certificate is still there as a record (so rules can say it was not read), without content.
      const acm = partial.certificates.find((c) => c.arn === seed.estate.acmCertArn);
      expect(acm).toMatchObject({ source: 'acm', bodyPem: null, chainPem: null, notAfter: null });
      expect(partial.loadBalancers).toEqual(seed.clean.snapshot.loadBalancers);
      expect(partial.instances).toEqual(seed.clean.snapshot.instances);
      expect(partial.hsmClusters).toEqual(seed.clean.snapshot.hsmClusters);
      expect(partial.certificates.find((c) => c.arn === seed.estate.iamCertArn)).toEqual(
        seed.clean.snapshot.certificates.find((c) => c.arn === seed.estate.iamCertArn),
      );
    } finally {
      await deny.stop();
    }
  });

  it('AccessDenied on one Classic call family covers that load balancer only', async () => {
    const deny = await startFaultProxy({ upstream: seed.moto.endpoint, deny: (req) => req.service === 'elb' && req.operation === 'DescribeInstanceHealth' });
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
          covers: [lbNamed(seed.clean.snapshot, 'legacy-web').arn],
        },
      ]);
      // Instances are still listed, their health unknown rather than guessed.
      expect(lbNamed(partial, 'legacy-web').registeredInstances.map((i) => i.state)).toEqual(['unknown', 'unknown']);
    } finally {
      await deny.stop();
    }
  });
});
