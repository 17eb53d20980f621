/**
 * Pacing to AWS's request budgets (ADR 0016): one token bucket per (account, region, API category), sized
 * from the published figures in api-budgets.ts times the run's budget fraction, so a large collection
 * spends at most that share of each bucket and leaves the rest to the account's own automation.
 *
 * A request takes its token before it is sent. AWS sees a request no earlier than it was sent, so while our
 * bucket is no larger and refills no faster than AWS's, AWS's bucket always holds at least as many tokens
 * as ours and a paced run is never throttled by its own calls. Throttles still happen when something else
 * spends the account's budget: then the bucket's rate is cut (and its tokens spent) and grows back slowly
 * on successes, beside the retry backoff and the concurrency gate in context.ts.
 */
import { apiCategory, scaleBucket, type BucketSpec } from './api-budgets.ts';
import type { ServiceName } from './clients.ts';

/** Time as the pacer sees it; a benchmark runs the clock faster to emulate hours in minutes. */
export interface PacingClock {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const REAL_CLOCK: PacingClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Default share of each published budget a run may use. */
export const DEFAULT_API_BUDGET = 0.5;

/** After a throttle the rate drops to this share of the bucket's own rate, and never below MIN_SHARE. */
const CUT = 0.5;
const MIN_SHARE = 0.1;
/** Successes before the rate grows by one step (GROWTH of the bucket's own rate) back towards it. */
const GROWTH_AFTER = 20;
const GROWTH = 0.1;

/**
 * The bucket the client keeps for an AWS bucket: a quarter smaller and 5% slower. Requests reach AWS a little
 * after their token was taken, and not always by the same delay (a new connection, a busy event loop); were
 * ours the same size and rate, a request that arrives closer to the next than it was sent would find AWS's
 * bucket empty. The smaller burst covers delays in the first seconds; the slower rate lets AWS's bucket fill
 * back up over a long run, so late requests find tokens waiting.
 */
export const PACED_CAPACITY = 0.75;
export const PACED_RATE = 0.95;

export function paced(spec: BucketSpec): BucketSpec {
  return { capacity: Math.max(1, Math.floor(spec.capacity * PACED_CAPACITY)), refillPerSecond: spec.refillPerSecond * PACED_RATE };
}

class TokenBucket {
  private tokens: number;
  private last: number;
  private rate: number;
  private successes = 0;

  constructor(private readonly spec: BucketSpec, private readonly clock: PacingClock) {
    this.tokens = spec.capacity;
    this.last = clock.now();
    this.rate = spec.refillPerSecond;
  }

  /**
   * Reserves the next token and waits until it is due. Tokens may go negative: each caller reserves one in
   * arrival order and sleeps until the refill covers it, so waiting callers are served first come, first served.
   */
  async take(): Promise<void> {
    this.refill();
    this.tokens -= 1;
    if (this.tokens >= 0) return;
    const start = this.clock.now();
    const due = start + (-this.tokens / this.rate) * 1000;
    // A timer may fire a little early by the clock it is read with; the token is not due until `due`.
    for (let now = start; now < due; now = this.clock.now()) await this.clock.sleep(due - now);
  }

  throttled(): void {
    this.refill();
    this.rate = Math.max(this.spec.refillPerSecond * MIN_SHARE, this.rate * CUT);
    this.tokens = Math.min(this.tokens, 0);
    this.successes = 0;
  }

  succeeded(): void {
    if (this.rate >= this.spec.refillPerSecond) return;
    if (++this.successes >= GROWTH_AFTER) {
      this.refill();
      this.rate = Math.min(this.spec.refillPerSecond, this.rate + this.spec.refillPerSecond * GROWTH);
      this.successes = 0;
    }
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.spec.capacity, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }
}

export interface PacerOptions {
  /** Share of each published bucket to use, in (0, 1]. */
  budget: number;
  clock?: PacingClock;
}

/** Hands out tokens per (account, region, API category). */
export class Pacer {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly clock: PacingClock;

  constructor(private readonly options: PacerOptions) {
    if (!(options.budget > 0 && options.budget <= 1)) throw new RangeError(`API budget must be a fraction in (0, 1], got ${options.budget}`);
    this.clock = options.clock ?? REAL_CLOCK;
  }

  /** Waits until a request to service:operation in this account and region fits the budget. */
  async take(account: string, service: ServiceName, region: string, operation: string): Promise<void> {
    await this.bucket(account, service, region, operation).take();
  }

  throttled(account: string, service: ServiceName, region: string, operation: string): void {
    this.bucket(account, service, region, operation).throttled();
  }

  succeeded(account: string, service: ServiceName, region: string, operation: string): void {
    this.bucket(account, service, region, operation).succeeded();
  }

  private bucket(account: string, service: ServiceName, region: string, operation: string): TokenBucket {
    const category = apiCategory(service, operation);
    const key = `${account}|${category.global ? 'global' : region}|${category.name}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(paced(scaleBucket(category, this.options.budget)), this.clock);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}

/** Parses an --api-budget value: a fraction in (0, 1], or a percentage such as 50%. */
export function parseApiBudget(text: string): number | null {
  const trimmed = text.trim();
  const percent = trimmed.endsWith('%');
  const value = Number(percent ? trimmed.slice(0, -1) : trimmed);
  if (trimmed === '' || trimmed === '%' || !Number.isFinite(value)) return null;
  const fraction = percent ? value / 100 : value;
  return fraction > 0 && fraction <= 1 ? fraction : null;
}
