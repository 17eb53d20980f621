import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The AWS request a proxied HTTP request is: collector service name and operation. */
export interface AwsRequestInfo {
  /** elb, elbv2, iam, acm, cloudhsmv2, ec2, sts (or the signing name when unknown) */
  service: string;
  /** the signing region of the request */
  region: string;
  operation: string;
  /** Query-protocol parameters, or the parsed JSON body. */
  params: Record<string, unknown>;
  /** the request path (REST-JSON services such as Security Hub name the operation by it) */
  path: string;
}

/** A canned answer, e.g. a recorded wire response for something the emulator does not do. */
export interface CannedResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface FaultProxyOptions {
  upstream: string;
  /** Share of requests that get a fault (0..1): throttling, a 5xx or a connection reset, in turn. */
  faultRate?: number;
  /** Seed for the fault dice, so a run is repeatable. */
  seed?: number;
  /** Requests answered with the service's access-denied error. */
  deny?: (info: AwsRequestInfo) => boolean;
  /** Requests answered with a canned response instead of the emulator's. */
  canned?: (info: AwsRequestInfo) => CannedResponse | null;
}

export interface FaultProxy {
  endpoint: string;
  /** Faults injected so far, by kind. */
  injected: { throttle: number; serverError: number; reset: number; denied: number };
  /** Faults injected per `service:Operation`. */
  faultsByOperation: Map<string, number>;
  /** Requests that reached the emulator, per `service:Operation`. */
  forwarded: Map<string, number>;
  stop(): Promise<void>;
}

const QUERY_VERSIONS: Record<string, string> = { '2012-06-01': 'elb', '2015-12-01': 'elbv2' };
const JSON_SERVICES: Record<string, string> = { acm: 'acm', cloudhsm: 'cloudhsmv2', wafv2: 'wafv2', 'acm-pca': 'acmpca' };

/** Tells service and operation from the SigV4 scope, the Query Action or the JSON X-Amz-Target. */
export function identify(req: IncomingMessage, body: string): AwsRequestInfo {
  const scope = /Credential=[^/]+\/\d+\/([^/]+)\/([^/]+)\//.exec(String(req.headers['authorization'] ?? ''));
  const region = scope?.[1] ?? 'unknown';
  const signing = scope?.[2] ?? 'unknown';
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') {
    const params = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    return { service: JSON_SERVICES[signing] ?? signing, region, operation: target.split('.').pop() ?? '', params, path: req.url ?? '' };
  }
  if (String(req.headers['content-type'] ?? '').includes('json')) {
    // REST-JSON (Security Hub): the path is the operation.
    const params = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    return { service: signing, region, operation: (req.url ?? '').split('?')[0] ?? '', params, path: req.url ?? '' };
  }
  const params = Object.fromEntries(new URLSearchParams(body));
  const version = String(params['Version'] ?? '');
  return { service: QUERY_VERSIONS[version] ?? signing, region, operation: String(params['Action'] ?? ''), params, path: req.url ?? '' };
}

/** The error body the service's protocol uses, so the SDK parses it as that service would send it. */
export function awsError(service: string, status: number, code: string, message: string): CannedResponse {
  if (service === 'securityhub') {
    return { status, contentType: 'application/json', body: JSON.stringify({ __type: code, Code: code, Message: message }) };
  }
  if (service === 'acm' || service === 'cloudhsmv2' || service === 'wafv2' || service === 'acmpca') {
    return { status, contentType: 'application/x-amz-json-1.1', body: JSON.stringify({ __type: code, message }) };
  }
  if (service === 'ec2') {
    return {
      status,
      contentType: 'text/xml',
      body: `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>fault-proxy</RequestID></Response>`,
    };
  }
  return {
    status,
    contentType: 'text/xml',
    body: `<ErrorResponse><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`,
  };
}

const DENIED: Record<string, string> = { ec2: 'UnauthorizedOperation', acm: 'AccessDeniedException', cloudhsmv2: 'CloudHsmAccessDeniedException', wafv2: 'WAFAccessDeniedException', acmpca: 'AccessDeniedException' };
const THROTTLE: Record<string, [number, string]> = {
  ec2: [503, 'RequestLimitExceeded'],
  acm: [400, 'ThrottlingException'],
  cloudhsmv2: [400, 'ThrottlingException'],
  securityhub: [429, 'TooManyRequestsException'],
};

// mulberry32: a tiny seeded PRNG so fault placement repeats run to run.
function dice(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Starts a loopback HTTP proxy in front of the emulator that injects faults and access denials. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const roll = dice(options.seed ?? 1);
  const rate = options.faultRate ?? 0;
  const upstream = new URL(options.upstream);
  const injected = { throttle: 0, serverError: 0, reset: 0, denied: 0 };
  const forwarded = new Map<string, number>();
  const faultsByOperation = new Map<string, number>();
  let turn = 0;

  const send = (res: ServerResponse, answer: CannedResponse): void => {
    res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': Buffer.byteLength(answer.body) });
    res.end(answer.body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const info = identify(req, body.toString());
      if (options.deny?.(info)) {
        injected.denied++;
        send(res, awsError(info.service, 403, DENIED[info.service] ?? 'AccessDenied', `User is not authorized to perform ${info.operation}`));
        return;
      }
      if (rate > 0 && roll() < rate) {
        const kind = turn++ % 3;
        const faultKey = `${info.service}:${info.operation}`;
        faultsByOperation.set(faultKey, (faultsByOperation.get(faultKey) ?? 0) + 1);
        if (kind === 0) {
          injected.throttle++;
          const [status, code] = THROTTLE[info.service] ?? [400, 'Throttling'];
          send(res, awsError(info.service, status, code, 'Rate exceeded'));
        } else if (kind === 1) {
          injected.serverError++;
          send(res, awsError(info.service, 500, 'InternalFailure', 'injected server error'));
        } else {
          injected.reset++;
          req.socket.resetAndDestroy();
        }
        return;
      }
      const canned = options.canned?.(info);
      if (canned) {
        send(res, canned);
        return;
      }
      const key = `${info.service}:${info.operation}`;
      forwarded.set(key, (forwarded.get(key) ?? 0) + 1);
      const upstreamReq = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      upstreamReq.on('error', () => req.socket.destroy());
      upstreamReq.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    injected,
    faultsByOperation,
    forwarded,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
