/**
 * Pacing to AWS's request budgets (ADR 0016): the token buckets on a virtual clock, the budget flag, and a
 * collection through the throttling emulator (test/helpers/throttle-proxy.ts) in front of moto_server:
 * unpaced it is throttled, paced at the emulated account's budget it never is, and both see the same estate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCategory, minimumSeconds } from '../../src/collect/api-budgets.ts';
import { collectWithStats, sdkClientFactory } from '../../src/collect/index.ts';
import { Pacer, paced, parseApiBudget, type PacingClock } from '../../src/collect/pacing.ts';
import { apiBudgetOf } from '../../src/entry/api-budget-flag.ts';
import type { Snapshot } from '../../src/model/snapshot.ts';
import { runCli } from '../helpers/cli.ts';
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto.ts';
import { identify, scaledClock, startThrottleProxy } from '../helpers/throttle-proxy.ts';
import { buildBenchEstate } from './bench-estate.ts';

/** A clock that only moves when someone sleeps on it. */
function virtualClock(): PacingClock & { t: number } {
  const clock = {
    t: 0,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms;
    },
  };
  return clock;
}

describe('token buckets per account, region and API category', () => {
  // The client keeps a bucket smaller and slower than AWS's (pacing.ts paced()): ELB 40/10 becomes 30 and 9.5/s.
  const ELB = paced({ capacity: 40, refillPerSecond: 10 });
  const EC2 = paced({ capacity: 100, refillPerSecond: 20 });
  const IAM = paced({ capacity: 10, refillPerSecond: 10 });

  it('a full bucket lets its capacity go at once, then one token per 1/refill seconds', async () => {
    expect(ELB).toEqual({ capacity: 30, refillPerSecond: 9.5 });
    const clock = virtualClock();
    const pacer = new Pacer({ budget: 1, clock });
    for (let i = 0; i < ELB.capacity; i++) await pacer.take('111', 'elbv2', 'us-east-1', 'DescribeListeners');
    expect(clock.t).toBe(0);
    await pacer.take('111', 'elbv2', 'us-east-1', 'DescribeRules');
    expect(clock.t).toBeCloseTo(1000 / ELB.refillPerSecond, 6); // ELBv2 Describe* share one bucket
    for (let i = 0; i < 10; i++) await pacer.take('111', 'elbv2', 'us-east-1', 'DescribeTargetHealth');
    expect(clock.t).toBeCloseTo((11 * 1000) / ELB.refillPerSecond, 6);
  });

  it('buckets are separate per ELB API version, region, account and EC2 action; IAM is one per account', async () => {
    const clock = virtualClock();
    const pacer = new Pacer({ budget: 1, clock });
    for (let i = 0; i < ELB.capacity; i++) await pacer.take('111', 'elbv2', 'us-east-1', 'DescribeListeners');
    for (let i = 0; i < ELB.capacity; i++) await pacer.take('111', 'elb', 'us-east-1', 'DescribeTags');
    for (let i = 0; i < ELB.capacity; i++) await pacer.take('111', 'elbv2', 'eu-west-1', 'DescribeListeners');
    for (let i = 0; i < ELB.capacity; i++) await pacer.take('222', 'elbv2', 'us-east-1', 'DescribeListeners');
    for (let i = 0; i < EC2.capacity; i++) await pacer.take('111', 'ec2', 'us-east-1', 'DescribeInstances');
    for (let i = 0; i < EC2.capacity; i++) await pacer.take('111', 'ec2', 'us-east-1', 'DescribeSecurityGroups');
    expect(clock.t).toBe(0);
    for (let i = 0; i < IAM.capacity; i++) await pacer.take('111', 'iam', i % 2 === 0 ? 'us-east-1' : 'eu-west-1', 'GetServerCertificate');
    expect(clock.t).toBe(0);
    await pacer.take('111', 'iam', 'eu-west-1', 'GetServerCertificate');
    expect(clock.t).toBeGreaterThan(0);
  });

  it('--api-budget scales capacity and rate; ACM ListCertificates is 1 per second', async () => {
    const clock = virtualClock();
    const pacer = new Pacer({ budget: 0.5, clock });
    const half = paced({ capacity: 20, refillPerSecond: 5 });
    for (let i = 0; i < half.capacity; i++) await pacer.take('111', 'elb', 'us-east-1', 'DescribeTags');
    expect(clock.t).toBe(0);
    await pacer.take('111', 'elb', 'us-east-1', 'DescribeTags');
    expect(clock.t).toBeCloseTo(1000 / half.refillPerSecond, 6);
    const acm = virtualClock();
    const full = new Pacer({ budget: 1, clock: acm });
    await full.take('111', 'acm', 'us-east-1', 'ListCertificates');
    await full.take('111', 'acm', 'us-east-1', 'ListCertificates');
    expect(acm.t).toBeCloseTo(1000 / 0.95, 6);
    expect(apiCategory('acm', 'ListCertificates')).toMatchObject({ capacity: 1, refillPerSecond: 1, published: true });
    expect(apiCategory('iam', 'GetServerCertificate')).toMatchObject({ global: true, published: false });
  });

  it('a throttle halves the rate and spends the bucket; successes bring the rate back', async () => {
    const clock = virtualClock();
    const pacer = new Pacer({ budget: 1, clock });
    pacer.throttled('111', 'elbv2', 'us-east-1', 'DescribeRules');
    await pacer.take('111', 'elbv2', 'us-east-1', 'DescribeRules');
    expect(clock.t).toBeCloseTo(1000 / (ELB.refillPerSecond / 2), 6); // half the rate, from an empty bucket
    for (let i = 0; i < 200; i++) {
      await pacer.take('111', 'elbv2', 'us-east-1', 'DescribeRules');
      pacer.succeeded('111', 'elbv2', 'us-east-1', 'DescribeRules');
    }
    const before = clock.t;
    for (let i = 0; i < 10; i++) await pacer.take('111', 'elbv2', 'us-east-1', 'DescribeRules');
    expect(clock.t - before).toBeCloseTo((10 * 1000) / ELB.refillPerSecond, 0); // back at the full rate
  });

  it('the minimum time is the slowest category: calls past the bucket over the refill rate', () => {
    expect(minimumSeconds({ 'elbv2:DescribeListeners': 540, 'elbv2:DescribeRules': 500, 'elb:DescribeTags': 100 })).toBeCloseTo(100, 6);
    expect(minimumSeconds({ 'elbv2:DescribeListeners': 30 })).toBe(0);
    expect(minimumSeconds({ 'elb:DescribeTags': 140 }, 0.5)).toBeCloseTo(24, 6);
  });

  it('the budget is a fraction in (0, 1] or a percentage; anything else is a usage error naming the flag', () => {
    expect(parseApiBudget('0.5')).toBe(0.5);
    expect(parseApiBudget('25%')).toBe(0.25);
    expect(parseApiBudget('1')).toBe(1);
    for (const bad of ['0', '1.5', '-0.2', 'half', '', '%', '200%']) expect(parseApiBudget(bad)).toBeNull();
    expect(apiBudgetOf(undefined)).toBe(0.5);
    expect(() => apiBudgetOf('2')).toThrow(/--api-budget|fraction/);
    expect(() => new Pacer({ budget: 0 })).toThrow(RangeError);
    const run = runCli(['collect', '--api-budget', '150%', '--regions', 'us-east-1', '--out', '-']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--api-budget/);
    expect(run.stderr).toMatch(/150%/);
  });
});

describe('the emulator recognises every protocol the collector speaks', () => {
  const auth = (service: string) => ({ authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261203/eu-west-1/${service}/aws4_request, SignedHeaders=host, Signature=00` });
  it('Query (ELB by API version, EC2, IAM, STS), JSON targets and pre-signed downloads', () => {
    expect(identify(auth('elasticloadbalancing'), '/', 'Action=DescribeTags&Version=2012-06-01')).toMatchObject({ service: 'elb', operation: 'DescribeTags', region: 'eu-west-1' });
    expect(identify(auth('elasticloadbalancing'), '/', 'Action=DescribeRules&Version=2015-12-01')).toMatchObject({ service: 'elbv2', operation: 'DescribeRules' });
    expect(identify(auth('ec2'), '/', 'Action=DescribeInstances&Version=2016-11-15')).toMatchObject({ service: 'ec2' });
    expect(identify(auth('iam'), '/', 'Action=GetServerCertificate&Version=2010-05-08')).toMatchObject({ service: 'iam' });
    expect(identify({ ...auth('acm'), 'x-amz-target': 'CertificateManager.GetCertificate' }, '/', '{}')).toMatchObject({ service: 'acm', operation: 'GetCertificate' });
    expect(identify({ ...auth('cloudhsm'), 'x-amz-target': 'BaldrApiService.DescribeClusters' }, '/', '{}')).toMatchObject({ service: 'cloudhsmv2' });
    expect(identify({ ...auth('wafv2'), 'x-amz-target': 'AWSWAF_20190729.ListWebACLs' }, '/', '{}')).toMatchObject({ service: 'wafv2' });
    expect(identify({ ...auth('acm-pca'), 'x-amz-target': 'ACMPrivateCA.DescribeCertificateAuthority' }, '/', '{}')).toMatchObject({ service: 'acmpca' });
    expect(identify({}, '/bucket/key?X-Amz-Credential=AKID%2F20261203%2Fus-east-1%2Fs3%2Faws4_request', '')).toBeNull();
  });
});

describe('collection through the throttling emulator (moto behind it)', () => {
  let moto: MotoServer;
  const REGION = 'us-east-1';
  // The emulated account has a fifth of the published budget (ELBv2: 8 tokens, 2/s; ACM and IAM: 2 and 2/s),
  // on the wall clock. A faster clock would magnify the client's own delays between taking a token and the
  // request arriving (signing, a new connection, a busy event loop: tens of ms under load) into whole tokens.
  const SHARE = 0.2;
  const SCALE = 1;

  beforeAll(async () => {
    moto = await startMoto();
    await buildBenchEstate(sdkClientFactory({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }), {
      region: REGION, classic: 6, elbv2: 8, iamCertificates: 4, acmCertificates: 4, instances: 4,
    });
  }, 180_000);
  afterAll(async () => {
    await moto?.stop();
  });

  const collectThrough = async (apiBudget: number | null) => {
    const proxy = await startThrottleProxy({ upstream: moto.endpoint, timeScale: SCALE, latencyMs: 50, bucketShare: SHARE });
    try {
      const clients = sdkClientFactory({ endpoint: proxy.endpoint, credentials: MOTO_CREDENTIALS });
      const result = await collectWithStats({
        regions: [REGION], clients, homeRegion: REGION, apiBudget, clock: scaledClock(SCALE), now: () => new Date('2026-12-03T00:00:00Z'),
        retry: { maxAttempts: 12, baseDelayMs: 200, maxDelayMs: 20_000 },
      });
      const counts = proxy.counts();
      const metered = Object.values(counts).reduce((n, c) => n + c.requests + c.throttled, 0);
      return { ...result, counts, metered, throttled: proxy.throttled() };
    } finally {
      await proxy.stop();
    }
  };
  const comparable = (s: Snapshot) => ({ ...s, attempts: s.attempts.map(({ reason: _reason, ...a }) => a) });

  it('unpaced it is throttled; paced to the account budget it never is, and reads the same estate', async () => {
    const unpaced = await collectThrough(null);
    expect(unpaced.throttled).toBeGreaterThan(0);
    expect(unpaced.stats.throttles).toBe(unpaced.throttled);
    const paced = await collectThrough(SHARE);
    expect(paced.throttled, JSON.stringify(paced.counts)).toBe(0);
    expect(paced.stats.throttles).toBe(0);
    expect(paced.stats.retries).toBe(0);
    // Every request the collector sent was metered: the emulator knows every protocol in use.
    expect(paced.metered).toBe(paced.stats.total);
    expect(unpaced.metered).toBe(unpaced.stats.total + unpaced.stats.retries);
    expect(paced.snapshot.attempts.filter((a) => a.status === 'error').map((a) => `${a.service}:${a.operation}: ${a.reason}`)).toEqual([]);
    expect(paced.snapshot.loadBalancers).toHaveLength(14);
    expect(comparable(paced.snapshot)).toEqual(comparable(unpaced.snapshot));
    // The categories the estate exercises, each metered on its own bucket.
    expect(Object.keys(paced.counts)).toEqual(expect.arrayContaining(['elb:non-mutating', 'elbv2:non-mutating', 'acm:GetCertificate', 'iam:GetServerCertificate', 'ec2:DescribeInstances']));
  }, 240_000);
});
