/** Retry policy and error classification for AWS calls. */

export interface RetrySettings {
  /** Total tries per call, first one included. */
  maxAttempts: number;
  /** First backoff; doubles each retry, with full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 20_000 };

export type ErrorKind = 'throttle' | 'transient' | 'fatal';

const THROTTLE_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'DependencyThrottle',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
]);

// Errors raised below the HTTP layer: the request may never have reached the service, so a retry is safe
// (every call the collector makes is a read).
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** The AWS error code of an SDK or network error, for attempt reasons. */
export function errorCode(error: unknown): string {
  const e = (error ?? {}) as ErrorLike;
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  if (typeof e.name === 'string' && e.name !== '' && e.name !== 'Error') return e.name;
  return 'Error';
}

/** Whether an error is worth retrying, and whether it says to slow down. */
export function classifyError(error: unknown): ErrorKind {
  const e = (error ?? {}) as ErrorLike;
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : null;
  const code = errorCode(error);
  if (THROTTLE_CODES.has(code) || status === 429) return 'throttle';
  if (status !== null && status >= 500) return 'transient';
  if (NETWORK_CODES.has(code) || e.name === 'TimeoutError' || e.name === 'AbortError') return 'transient';
  const message = typeof e.message === 'string' ? e.message : '';
  if (status === null && /socket hang up|ECONNRESET|other side closed|EPIPE/i.test(message)) return 'transient';
  return 'fatal';
}

/** Full-jitter exponential backoff for the given retry number (1 = first retry). */
export function backoffDelay(retry: number, settings: RetrySettings, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/** A short human reason for an attempt that failed. */
export function describeError(error: unknown): string {
  const e = (error ?? {}) as ErrorLike;
  const message = typeof e.message === 'string' ? e.message.split('\n')[0] ?? '' : String(error);
  const code = errorCode(error);
  return message && message !== code ? `${code}: ${message}` : code;
}

/**
 * Whether the regional endpoint does not exist at all: DNS has no such host (AWS has no endpoint for that
 * service there), or what answered is not an AWS API (an emulator without the service in that region).
 */
export function endpointMissing(error: unknown): boolean {
  const e = (error ?? {}) as ErrorLike;
  // An HTML page where JSON was due is a web server, not the service; a truncated AWS answer would not start with '<'.
  const message = typeof e.message === 'string' ? e.message : '';
  return errorCode(error) === 'ENOTFOUND' || (e.name === 'SyntaxError' && /Unexpected token '<'/.test(message));
}
