/** CollectContext's preload and stop on their own, with plain async functions standing in for the wire. */
import { describe, expect, it } from 'vitest';
import type { ClientFactory } from '../../src/collect/clients.ts';
import { CollectContext, StopError } from '../../src/collect/context.ts';

const noClients = (() => ({})) as unknown as ClientFactory;
const throttled = (): Error => Object.assign(new Error('slow down'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });

describe('CollectContext preload and stop', () => {
  it('answers a preloaded key without sending, and counts it as no call', async () => {
    const key = 'acm|r|GetCertificate|{"CertificateArn":"a"}';
    const ctx = new CollectContext({ clients: noClients, concurrency: 2, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 }, preload: new Map([[key, { Certificate: 'pem' }]]) });
    let sent = 0;
    const out = await ctx.call({ service: 'acm', region: 'r', operation: 'GetCertificate', input: { CertificateArn: 'a' } }, async () => {
      sent++;
      return { Certificate: 'other' };
    });
    expect(out).toEqual({ Certificate: 'pem' });
    expect([sent, ctx.stats().total, ctx.stopped()]).toEqual([0, 0, false]);
    expect([...ctx.answers().keys()]).toEqual([key]);
  });

  it('once stop() is true refuses new sends and retries, still answers memo hits, and says it stopped', async () => {
    let stopping = false;
    const ctx = new CollectContext({ clients: noClients, concurrency: 2, retry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1 }, sleep: async () => {}, stop: () => stopping });
    const first = await ctx.call({ service: 'elb', region: 'r', operation: 'DescribeTags', input: { n: 1 } }, async () => 'one');
    expect(first).toBe('one');
    let tries = 0;
    const retried = ctx.call({ service: 'elb', region: 'r', operation: 'DescribeTags', input: { n: 2 } }, async () => {
      tries++;
      stopping = true;
      throw throttled();
    });
    await expect(retried).rejects.toBeInstanceOf(StopError);
    expect(tries, 'the retry after the stop is not sent').toBe(1);
    await expect(ctx.call({ service: 'elb', region: 'r', operation: 'DescribeTags', input: { n: 3 } }, async () => 'three')).rejects.toThrow('DescribeTags not sent: the collection is stopping');
    expect(await ctx.call({ service: 'elb', region: 'r', operation: 'DescribeTags', input: { n: 1 } }, async () => 'again')).toBe('one');
    expect(ctx.stopped()).toBe(true);
    // Only what came back is an answer to keep: the refused and the failed calls are made again on resume.
    expect([...ctx.answers().keys()]).toEqual(['elb|r|DescribeTags|{"n":1}']);
  });
});
