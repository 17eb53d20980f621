/**
 * CollectContext.paginate: the SDK's own paginator walks the pages, every page still goes through call()
 * (counted, memoised, one attempt per family), and a marker cycle is an error gap, not a silent short list.
 * A real ElasticLoadBalancingV2Client talks to a loopback server that answers DescribeLoadBalancers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ElasticLoadBalancingV2Client, paginateDescribeLoadBalancers } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ClientFactory } from '../../src/collect/clients.ts';
import { CollectContext } from '../../src/collect/context.ts';

const page = (names: string[], next: string | null): string => `<DescribeLoadBalancersResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
<DescribeLoadBalancersResult><LoadBalancers>${names.map((n) => `<member><LoadBalancerName>${n}</LoadBalancerName></member>`).join('')}</LoadBalancers>
${next ? `<NextMarker>${next}</NextMarker>` : ''}</DescribeLoadBalancersResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeLoadBalancersResponse>`;

describe('CollectContext.paginate over the SDK paginator', () => {
  let server: http.Server;
  let endpoint: string;
  let cycle: string | null = null;
  const markers: (string | null)[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => {
        const marker = new URLSearchParams(body).get('Marker');
        markers.push(marker);
        const pages: Record<string, [string[], string | null]> = { '': [['a', 'b'], 'm1'], m1: [['c'], 'm2'], m2: [['d'], cycle] };
        const [names, next] = pages[marker ?? ''] ?? [[], null];
        res.writeHead(200, { 'content-type': 'text/xml' }).end(page(names, next));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const context = (): CollectContext => {
    const client = new ElasticLoadBalancingV2Client({ region: 'eu-west-1', endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
    const clients = (() => client) as unknown as ClientFactory;
    return new CollectContext({ clients, concurrency: 2, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 }, sleep: async () => {} });
  };
  const request = { service: 'elbv2' as const, region: 'eu-west-1', operation: 'DescribeLoadBalancers', input: { PageSize: 2 }, covers: ['lb-scope'] };

  it('walks every page through call(): three calls counted, one ok attempt', async () => {
    cycle = null;
    markers.length = 0;
    const ctx = context();
    const pages = await ctx.paginate(request, paginateDescribeLoadBalancers);
    expect(pages.flatMap((p) => p.LoadBalancers ?? []).map((l) => l.LoadBalancerName)).toEqual(['a', 'b', 'c', 'd']);
    expect(markers).toEqual([null, 'm1', 'm2']);
    expect(ctx.stats().byOperation['elbv2:DescribeLoadBalancers']).toBe(3);
    expect(ctx.attempts()).toMatchObject([{ service: 'elbv2', operation: 'DescribeLoadBalancers', status: 'ok' }]);
  });

  for (const to of ['m1', 'm2']) {
    it(`a marker the API already returned (m2 -> ${to}) ends the walk as an error attempt, with no page sent twice`, async () => {
      cycle = to;
      markers.length = 0;
      const ctx = context();
      await expect(ctx.paginate(request, paginateDescribeLoadBalancers)).rejects.toThrow(/pagination marker it had already returned/);
      expect(markers).toEqual([null, 'm1', 'm2']);
      const [attempt] = ctx.attempts();
      expect(attempt).toMatchObject({ status: 'error', covers: ['lb-scope'] });
      expect(attempt?.reason).toMatch(/listing may be incomplete/);
    });
  }
});
