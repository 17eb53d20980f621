/**
 * A throttling emulator: a loopback HTTP proxy in front of moto_server that meters every AWS API request
 * against the published token buckets (src/collect/api-budgets.ts: per account, region and API category),
 * answers an empty bucket the way AWS does (`Throttling` / "Rate exceeded" for ELB, IAM and STS,
 * `RequestLimitExceeded` for EC2, `ThrottlingException` for the JSON services) and adds a per-call latency.
 *
 * `timeScale` runs the emulated clock faster than the wall clock (refills `timeScale` times as fast,
 * latency `timeScale` times as short), so a collection that takes an hour against AWS's budgets runs in
 * minutes here; the client under test is given the same clock (scaledClock) so both sides agree on time.
 * Requests that are not API calls (pre-signed S3 downloads, moto's own /moto-api) are passed through unmetered.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { apiCategory, scaleBucket, type BucketSpec } from '../../src/collect/api-budgets.ts';
import type { ServiceName } from '../../src/collect/clients.ts';
import type { PacingClock } from '../../src/collect/pacing.ts';

export interface ThrottleProxyOptions {
  /** moto_server's endpoint, e.g. http://127.0.0.1:5000 */
  upstream: string;
  /** Emulated seconds per wall second (default 1). */
  timeScale?: number;
  /** Emulated service latency per call in ms, added before the upstream call (default 50). */
  latencyMs?: number;
  /** Share of each published bucket the emulated account has (default 1: the published figures). */
  bucketShare?: number;
}

export interface CategoryCounts {
  requests: number;
  throttled: number;
}

export interface ThrottleProxy {
  endpoint: string;
  /** Per category name (`elbv2:non-mutating`, `ec2:DescribeInstances`, ...): admitted and throttled requests. */
  counts(): Record<string, CategoryCounts>;
  throttled(): number;
  /** Forget counts and refill every bucket. */
  reset(): void;
  stop(): Promise<void>;
}

/** A clock that runs `timeScale` times faster than the wall clock, for the client under test. */
export function scaledClock(timeScale: number): PacingClock {
  return {
    now: () => performance.now() * timeScale,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / timeScale)),
  };
}

interface Bucket {
  tokens: number;
  last: number;
  spec: BucketSpec;
}

/** Service as the collector names it, and operation, of one request; null for what is not an API call. */
export function identify(headers: IncomingMessage['headers'], url: string, body: string): { service: ServiceName; operation: string; region: string; account: string } | null {
  const auth = typeof headers.authorization === 'string' ? headers.authorization : '';
  const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth);
  if (!scope) return null; // pre-signed URLs carry their signature in the query; moto-api calls are unsigned
  const [, account, region, signingName] = scope as unknown as [string, string, string, string];
  const target = typeof headers['x-amz-target'] === 'string' ? headers['x-amz-target'] : '';
  if (target !== '') {
    const operation = target.slice(target.indexOf('.') + 1);
    const service = JSON_SERVICES[signingName];
    return service ? { service, operation, region, account } : null;
  }
  const cbor = /\/service\/[^/]+\/operation\/([^/?]+)/.exec(url);
  if (cbor) {
    const service = JSON_SERVICES[signingName];
    return service ? { service, operation: cbor[1]!, region, account } : null;
  }
  const form = new URLSearchParams(body);
  const operation = form.get('Action');
  if (!operation) return null;
  switch (signingName) {
    case 'elasticloadbalancing':
      return { service: form.get('Version') === '2012-06-01' ? 'elb' : 'elbv2', operation, region, account };
    case 'ec2':
    case 'iam':
    case 'sts':
      return { service: signingName, operation, region, account };
    default:
      return null;
  }
}

const JSON_SERVICES: Record<string, ServiceName> = { acm: 'acm', cloudhsm: 'cloudhsmv2', wafv2: 'wafv2', 'acm-pca': 'acmpca' };

function throttleAnswer(service: ServiceName, response: ServerResponse): void {
  const requestId = randomUUID();
  switch (service) {
    case 'ec2':
      response.writeHead(503, { 'content-type': 'text/xml' });
      response.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`);
      return;
    case 'elb':
    case 'elbv2':
    case 'iam':
    case 'sts':
      response.writeHead(400, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
      response.end(`<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
      return;
    default:
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'ThrottlingException', 'x-amzn-requestid': requestId });
      response.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
  }
}

/** Starts the proxy on a free 127.0.0.1 port. */
export async function startThrottleProxy(options: ThrottleProxyOptions): Promise<ThrottleProxy> {
  const timeScale = options.timeScale ?? 1;
  const latencyMs = options.latencyMs ?? 50;
  const share = options.bucketShare ?? 1;
  const clock = scaledClock(timeScale);
  const upstream = new URL(options.upstream);
  const buckets = new Map<string, Bucket>();
  let counts = new Map<string, CategoryCounts>();

  const admit = (id: NonNullable<ReturnType<typeof identify>>): { category: string; ok: boolean } => {
    const category = apiCategory(id.service, id.operation);
    const key = `${id.account}|${category.global ? 'global' : id.region}|${category.name}`;
    const now = clock.now();
    let bucket = buckets.get(key);
    if (!bucket) {
      const spec = scaleBucket(category, share);
      bucket = { tokens: spec.capacity, last: now, spec };
      buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(bucket.spec.capacity, bucket.tokens + ((now - bucket.last) / 1000) * bucket.spec.refillPerSecond);
    bucket.last = now;
    const entry = counts.get(category.name) ?? { requests: 0, throttled: 0 };
    counts.set(category.name, entry);
    // A token is a whole request; the small epsilon absorbs float error in the refill sum.
    if (bucket.tokens >= 1 - 1e-9) {
      bucket.tokens -= 1;
      entry.requests++;
      return { category: category.name, ok: true };
    }
    entry.throttled++;
    if (process.env['THROTTLE_PROXY_DEBUG']) process.stderr.write(`throttle-proxy: throttled ${id.service}:${id.operation} tokens=${bucket.tokens.toFixed(3)} at ${now.toFixed(0)}\n`);
    return { category: category.name, ok: false };
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const id = identify(req.headers, req.url ?? '/', body.toString('utf8'));
      const verdict = id ? admit(id) : null;
      const delay = id ? latencyMs / timeScale : 0;
      setTimeout(() => {
        if (id && verdict && !verdict.ok) {
          throttleAnswer(id.service, res);
          return;
        }
        const forward = httpRequest(
          { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        forward.on('error', (error) => {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(`throttle proxy: upstream failed: ${error.message}`);
        });
        forward.end(body);
      }, delay);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts: () => Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, { ...v }])),
    throttled: () => [...counts.values()].reduce((n, c) => n + c.throttled, 0),
    reset: () => {
      buckets.clear();
      counts = new Map();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
