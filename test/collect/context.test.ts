/** The call runtime on its own: memo, gate, retry and attempts, with plain async functions standing in for the wire. */
import { describe, expect, it } from 'vitest';
import type { ClientFactory } from '../../src/collect/clients.ts';
import { CollectContext } from '../../src/collect/context.ts';
import { collectPages, chunk } from '../../src/collect/paging.ts';
import { backoffDelay, classifyError } from '../../src/collect/retry.ts';

const noClients = (() => ({})) as unknown as ClientFactory;
const awsError = (name: string, status: number): Error & { $metadata: { httpStatusCode: number } } =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });

function context(maxAttempts = 4, concurrency = 3): CollectContext {
  return new CollectContext({ clients: noClients, concurrency, retry: { maxAttempts, baseDelayMs: 1, maxDelayMs: 2 }, sleep: async () => {} });
}

describe('classifyError', () => {
  it('treats throttling codes and 429 as throttles, 5xx and resets as transient, the rest as fatal', () => {
    for (const code of ['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'DependencyThrottle']) {
      expect(classifyError(awsError(code, 400))).toBe('throttle');
    }
    expect(classifyError(awsError('Whatever', 429))).toBe('throttle');
    expect(classifyError(awsError('InternalFailure', 500))).toBe('transient');
    expect(classifyError(awsError('ServiceUnavailable', 503))).toBe('transient');
    expect(classifyError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('transient');
    expect(classifyError(awsError('AccessDenied', 403))).toBe('fatal');
    expect(classifyError(awsError('ValidationError', 400))).toBe('fatal');
  });

  it('backs off within a doubling ceiling capped at maxDelayMs', () => {
    const settings = { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, settings, () => 0.999)).toBeLessThan(100);
    expect(backoffDelay(3, settings, () => 0.999)).toBe(399);
    expect(backoffDelay(10, settings, () => 0.999)).toBe(999);
  });
});

describe('CollectContext', () => {
  it('sends a distinct input once, however many callers ask for it', async () => {
    const ctx = context();
    let sent = 0;
    const ask = (): Promise<string> =>
      ctx.call({ service: 'acm', region: 'r', operation: 'GetCertificate', input: { CertificateArn: 'a' } }, async () => {
        sent++;
        return 'pem';
      });
    expect(await Promise.all([ask(), ask(), ask()])).toEqual(['pem', 'pem', 'pem']);
    expect(sent).toBe(1);
    expect(ctx.stats().byOperation).toEqual({ 'acm:GetCertificate': 1 });
  });

  it('keeps at most `concurrency` requests in flight per service and region', async () => {
    const ctx = context(4, 3);
    let inFlight = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ctx.call({ service: 'elb', region: 'r', operation: 'DescribeTags', input: { i } }, async () => {
          peak = Math.max(peak, ++inFlight);
          await new Promise((resolve) => setTimeout(resolve, 1));
          inFlight--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });

  it('retries throttles and 5xx, then succeeds with one logical call', async () => {
    const ctx = context(5);
    const failures = [awsError('Throttling', 400), awsError('InternalFailure', 500)];
    const out = await ctx.call({ service: 'elb', region: 'r', operation: 'DescribeLoadBalancers', input: {} }, async () => {
      const next = failures.shift();
      if (next) throw next;
      return 'ok';
    });
    expect(out).toBe('ok');
    expect(ctx.stats()).toMatchObject({ total: 1, retries: 2 });
    expect(ctx.attempts()).toMatchObject([{ operation: 'DescribeLoadBalancers', status: 'ok', reason: null, covers: [] }]);
  });

  it('aborts a request that hangs past the timeout and retries it', async () => {
    const ctx = new CollectContext({ clients: noClients, concurrency: 2, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 }, requestTimeoutMs: 20, sleep: async () => {} });
    let tries = 0;
    const out = await ctx.call({ service: 'ec2', region: 'r', operation: 'DescribeInstances', input: {} }, (_client, { abortSignal }) => {
      tries++;
      if (tries > 1) return Promise.resolve('answered');
      // The first request never answers; only the abort signal ends it, as the SDK's handler does.
      return new Promise((_resolve, reject) => abortSignal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))));
    });
    expect([out, tries, ctx.stats().retries]).toEqual(['answered', 2, 1]);
  });

  it('records an error attempt with what it covers when retries run out, and does not retry AccessDenied', async () => {
    const ctx = context(3);
    let throttled = 0;
    let denied = 0;
    const a = await ctx.tryCall({ service: 'elbv2', region: 'r', operation: 'DescribeTags', input: { n: 1 }, covers: ['arn:1', 'arn:2'] }, async () => {
      throttled++;
      throw awsError('Throttling', 400);
    });
    const b = await ctx.tryCall({ service: 'acm', region: 'r', operation: 'ListCertificates', input: {}, covers: ['arn:c'] }, async () => {
      denied++;
      throw awsError('AccessDeniedException', 400);
    });
    expect([a, b, throttled, denied]).toEqual([null, null, 3, 1]);
    expect(ctx.attempts()).toEqual([
      { service: 'acm', account: 'unknown', region: 'r', operation: 'ListCertificates', status: 'error', reason: 'AccessDeniedException: AccessDeniedException happened', covers: ['arn:c'] },
      { service: 'elbv2', account: 'unknown', region: 'r', operation: 'DescribeTags', status: 'error', reason: 'Throttling: Throttling happened', covers: ['arn:1', 'arn:2'] },
    ]);
  });
});

describe('paging', () => {
  it('follows markers to the last page and stops on a repeated marker', async () => {
    const pages: Record<string, { items: number[]; next: string | undefined }> = {
      start: { items: [1, 2], next: 'm1' },
      m1: { items: [3], next: 'm2' },
      m2: { items: [4], next: 'm1' },
    };
    const seen: (string | undefined)[] = [];
    const all = await collectPages(async (marker) => {
      seen.push(marker);
      return pages[marker ?? 'start'] ?? { items: [], next: undefined };
    });
    expect(all).toEqual([1, 2, 3, 4]);
    expect(seen).toEqual([undefined, 'm1', 'm2']);
  });

  it('batches to the API maximum', () => {
    expect(chunk(Array.from({ length: 45 }, (_, i) => i), 20).map((b) => b.length)).toEqual([20, 20, 5]);
  });
});
