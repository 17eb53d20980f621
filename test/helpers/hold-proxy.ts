/**
 * A loopback proxy in front of moto that records every AWS request it forwards and can hold chosen requests
 * until the test releases them: a child process is then known to be mid-collection when it is interrupted.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { identify, type AwsRequestInfo } from './fault-proxy.ts';

export interface HoldProxy {
  endpoint: string;
  /** Every request forwarded, as service|region|operation|params (JSON), in arrival order. */
  requests: string[];
  /** Requests waiting for release(). */
  held(): number;
  /** Lets every held request through, and stops holding. */
  release(): void;
  /** Holds the requests the predicate picks from now on. */
  holdWhen(predicate: ((info: AwsRequestInfo) => boolean) | null): void;
  stop(): Promise<void>;
}

export async function startHoldProxy(upstream: string): Promise<HoldProxy> {
  const target = new URL(upstream);
  const requests: string[] = [];
  let waiting: (() => void)[] = [];
  let hold: ((info: AwsRequestInfo) => boolean) | null = null;

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const upstreamReq = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    });
    upstreamReq.on('error', () => req.socket.destroy());
    upstreamReq.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const info = identify(req, body.toString());
      const { Action: _action, Version: _version, ...params } = info.params;
      requests.push(`${info.service}|${info.region}|${info.operation}|${JSON.stringify(params)}`);
      if (hold?.(info)) waiting.push(() => forward(req, res, body));
      else forward(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    held: () => waiting.length,
    release: () => {
      hold = null;
      const go = waiting;
      waiting = [];
      for (const next of go) next();
    },
    holdWhen: (predicate) => {
      hold = predicate;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
