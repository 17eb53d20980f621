/**
 * Downloads a pre-signed S3 URL (trust-store CA bundles and CRLs) through the request handler of the SDK
 * client that handed it out, so proxy, agent and timeout settings are those of every other call.
 */
import type { SendOptions } from './context.ts';

/** Largest download read: ELB caps a CA bundle at 1 MiB; CRLs are allowed more. */
export const MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024;

interface HandlerResponse {
  response: { statusCode: number; body?: unknown };
}
interface RequestHandler {
  handle(request: object, options?: { abortSignal?: AbortSignal }): Promise<HandlerResponse>;
}

/** An error carrying the HTTP status, shaped like an SDK error so retry and reasons treat it the same way. */
class DownloadError extends Error {
  readonly $metadata: { httpStatusCode: number };
  constructor(readonly code: string, message: string, status: number) {
    super(message);
    this.name = code;
    this.$metadata = { httpStatusCode: status };
  }
}

async function readBody(body: unknown, maxBytes: number): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
    size += buffer.length;
    if (size > maxBytes) throw new DownloadError('DownloadTooLarge', `the download is larger than ${maxBytes} bytes`, 200);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** GETs `url` with the client's own HTTP handler; a non-2xx answer is an error with its status. */
export async function downloadPresigned(client: { config: object }, url: string, options: SendOptions, maxBytes = MAX_DOWNLOAD_BYTES): Promise<Buffer> {
  const handler = (client.config as { requestHandler?: unknown }).requestHandler as RequestHandler | undefined;
  if (handler === undefined || typeof handler.handle !== 'function') throw new DownloadError('NoRequestHandler', 'the SDK client has no request handler to download with', 0);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DownloadError('BadPresignedUrl', `not a URL: ${url.slice(0, 80)}`, 0);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new DownloadError('BadPresignedUrl', `not an HTTP(S) URL: ${parsed.protocol}`, 0);
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of parsed.searchParams) {
    const seen = query[key];
    query[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  const request = {
    method: 'GET',
    protocol: parsed.protocol,
    hostname: parsed.hostname,
    ...(parsed.port !== '' ? { port: Number(parsed.port) } : {}),
    // The handler sends the path as given: keep the URL's own encoding, which the signature covers.
    path: parsed.pathname,
    query,
    headers: { host: parsed.host },
  };
  const { response } = await handler.handle(request, { abortSignal: options.abortSignal });
  const body = await readBody(response.body, maxBytes);
  if (response.statusCode < 200 || response.statusCode >= 300) {
    const code = /<Code>([^<]+)<\/Code>/.exec(body.toString('utf8', 0, 2000))?.[1] ?? `HTTP${response.statusCode}`;
    throw new DownloadError(code, `the pre-signed download answered HTTP ${response.statusCode}`, response.statusCode);
  }
  return body;
}
