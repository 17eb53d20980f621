import { OBSERVED, type Attempt, type Observation } from '../model/snapshot.ts';
import type { ClientFactory, ServiceClients, ServiceName } from './clients.ts';
import type { Pacer } from './pacing.ts';
import { backoffDelay, classifyError, describeError, type RetrySettings } from './retry.ts';
import { compareCodePoints } from '../text/order.ts';

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Calls made per `service:Operation` (first tries only) and how many retries they needed. */
export interface CallStats {
  total: number;
  retries: number;
  /** Answers that said to slow down (Throttling, RequestLimitExceeded, 429, ...), each retried or failed. */
  throttles: number;
  byOperation: Record<string, number>;
  retriesByOperation: Record<string, number>;
}

/**
 * A concurrency gate per (service, region): AWS meters each service per account and region, so that is
 * where to slow down. Adaptive: a throttle halves the window, a run of successes widens it again.
 */
class AdaptiveGate {
  private active = 0;
  private window: number;
  private successes = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {
    this.window = max;
  }

  async enter(): Promise<void> {
    if (this.active < this.window) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  leave(): void {
    const next = this.active <= this.window ? this.waiting.shift() : undefined;
    if (next) next();
    else this.active--;
  }

  throttled(): void {
    this.window = Math.max(1, Math.floor(this.window / 2));
    this.successes = 0;
  }

  succeeded(): void {
    if (this.window >= this.max) return;
    if (++this.successes >= this.window * 4) {
      this.window++;
      this.successes = 0;
      const next = this.waiting.shift();
      if (next) {
        this.active++;
        next();
      }
    }
  }
}

interface Family {
  attempt: Attempt;
  failedCovers: Set<string>;
  reasons: Set<string>;
}

function failureStatus(request: CallRequest<ServiceName>, error: unknown): 'error' | 'skipped' {
  const choice = request.onFailure ?? 'error';
  return typeof choice === 'function' ? choice(error) : choice;
}

/** The observation a failed read leaves on the records it would have filled. */
export function failedObservation(error: unknown, status: 'error' | 'skipped' = 'error'): Observation {
  return { status, reason: describeError(error) };
}

/** Per-request options handed to client.send: an abort signal that enforces the request timeout. */
export interface SendOptions {
  abortSignal: AbortSignal;
}

/** How a collector sends one request with the client it is given. */
export type Sender<S extends ServiceName, O> = (client: ServiceClients[S], options: SendOptions) => Promise<O>;

/** One request: its call family, its input (the memo key) and what a failure leaves unseen. */
export interface CallRequest<S extends ServiceName> {
  service: S;
  region: string;
  operation: string;
  input: object;
  /** ARNs or ids this call would have covered; they land in the attempt when it fails. */
  covers?: readonly string[];
  /** Region the client signs for, when the attempt's region is a label such as 'global' (IAM). */
  clientRegion?: string;
  /** 'skipped' for calls whose absence loses nothing (the project has the data itself), or a per-error choice. */
  onFailure?: 'error' | 'skipped' | ((error: unknown) => 'error' | 'skipped');
}

export interface ContextOptions {
  clients: ClientFactory;
  concurrency: number;
  retry: RetrySettings;
  /** Caps every page size below the API maximum; only tests set it, to walk markers on small estates. */
  pageSizeLimit?: number;
  /** A request that has not answered after this long is aborted and retried like a reset. */
  requestTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Paces requests to the API budgets (pacing.ts); without it requests go as fast as the gates let them. */
  pacer?: Pacer;
  /** Answers by memo key (a resumed checkpoint): a call found here is answered without sending. */
  preload?: ReadonlyMap<string, unknown>;
  /** Once true, a call that would send (or retry) throws StopError instead; calls in flight finish. */
  stop?: () => boolean;
}

/** A call not made because the collection was told to stop; the call is left for a resumed run. */
export class StopError extends Error {
  constructor(operation: string) {
    super(`${operation} not sent: the collection is stopping`);
    this.name = 'CollectionStopping';
  }
}

/**
 * Everything a collector needs to call AWS: one memo so each distinct input is sent at most once,
 * per-service gates, retry with backoff, call counts, and one attempt per (service, region, operation).
 */
export class CollectContext {
  account = 'unknown';
  private readonly memo = new Map<string, Promise<unknown>>();
  private readonly gates = new Map<string, AdaptiveGate>();
  private readonly families = new Map<string, Family>();
  private readonly counts: CallStats = { total: 0, retries: 0, throttles: 0, byOperation: {}, retriesByOperation: {} };
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly answered = new Map<string, unknown>();
  private stopsRefused = 0;

  constructor(private readonly options: ContextOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Sends one request through memo, gate and retry; records its outcome under the call family. Throws on failure. */
  async call<S extends ServiceName, O>(request: CallRequest<S>, send: Sender<S, O>): Promise<O> {
    const { service, region, operation, input } = request;
    const key = `${service}|${region}|${operation}|${JSON.stringify(input)}`;
    let pending = this.memo.get(key) as Promise<O> | undefined;
    if (!pending) {
      const preload = this.options.preload;
      if (preload?.has(key)) {
        const answer = preload.get(key) as O;
        this.answered.set(key, answer);
        pending = Promise.resolve(answer);
      } else {
        if (this.shouldStop()) throw new StopError(operation);
        pending = this.sendWithRetry(service, request.clientRegion ?? region, operation, this.stoppable(operation, send)).then((answer) => {
          this.answered.set(key, answer);
          return answer;
        });
      }
      this.memo.set(key, pending);
    }
    const family = this.family(service, region, operation);
    try {
      return await pending;
    } catch (error) {
      const status = failureStatus(request, error);
      if (status === 'error' || family.attempt.status === 'ok') family.attempt.status = status;
      family.reasons.add(describeError(error));
      for (const arn of request.covers ?? []) family.failedCovers.add(arn);
      throw error;
    }
  }

  /** Like call, but answers null on failure (the failure is already recorded as an attempt). */
  async tryCall<S extends ServiceName, O>(request: CallRequest<S>, send: Sender<S, O>): Promise<O | null> {
    try {
      return await this.call(request, send);
    } catch {
      return null;
    }
  }

  /** Like tryCall, but also says how the data was seen, for the record it lands on: ok, or the failure and why. */
  async observe<S extends ServiceName, O>(request: CallRequest<S>, send: Sender<S, O>): Promise<[O | null, Observation]> {
    try {
      return [await this.call(request, send), OBSERVED];
    } catch (error) {
      return [null, failedObservation(error, failureStatus(request, error))];
    }
  }

  /**
   * Every page of a listing, walked by the SDK's own paginator while each page goes through call() (memo, gate,
   * retry, attempt). The paginator checks `client instanceof` its client class and then calls `client.send`, so
   * it gets a child of the real client whose send is routed here. A marker the API already returned is an error
   * gap on the call family (a cycle would otherwise loop, and a silent stop would look like a full list).
   * Page sizes belong in the input; pass pageSize too where an older paginator overwrites the input's with it.
   */
  async paginate<S extends ServiceName, I extends object, O>(
    request: Omit<CallRequest<S>, 'input'> & { input: I },
    paginator: (config: { client: ServiceClients[S]; pageSize?: number }, input: I) => AsyncIterable<O>,
    pageSize?: number,
  ): Promise<O[]> {
    const real = this.options.clients(request.service, request.clientRegion ?? request.region);
    const seen = new Set<string>();
    const routed = Object.create(real) as ServiceClients[S] & { send: (command: { input: object }) => Promise<unknown> };
    routed.send = async (command: { input: object }) => {
      const input = { ...command.input };
      const key = JSON.stringify(input);
      if (seen.has(key)) {
        const reason = 'the API returned a pagination marker it had already returned; the listing may be incomplete';
        this.note(request.service, request.region, request.operation, 'error', reason, request.covers ?? []);
        throw new Error(reason);
      }
      seen.add(key);
      return this.call({ ...request, input }, (c, o) => (c as unknown as { send: (cmd: unknown, o: SendOptions) => Promise<unknown> }).send(command, o));
    };
    const pages: O[] = [];
    // No stopOnSameToken: it would end an A→A repeat quietly; the seen-input check above reports it instead.
    for await (const page of paginator({ client: routed, ...(pageSize === undefined ? {} : { pageSize }) }, { ...request.input })) pages.push(page);
    return pages;
  }

  /** The page size to ask for: the API's maximum unless a test lowers it. */
  pageSize(apiMaximum: number): number {
    return Math.min(apiMaximum, this.options.pageSizeLimit ?? apiMaximum);
  }

  /** Records a call family that was not (fully) looked at for a reason other than a failed call. */
  note(service: string, region: string, operation: string, status: 'skipped' | 'error', reason: string, covers: readonly string[] = []): void {
    const family = this.family(service, region, operation);
    if (family.attempt.status !== 'error') family.attempt.status = status;
    family.reasons.add(reason);
    for (const arn of covers) family.failedCovers.add(arn);
  }

  /** The attempts so far, in a stable order. */
  attempts(): Attempt[] {
    return [...this.families.values()]
      .map(({ attempt, failedCovers, reasons }) => ({
        ...attempt,
        account: this.account,
        reason: reasons.size > 0 ? [...reasons].sort().join('; ') : null,
        covers: [...failedCovers].sort(),
      }))
      .sort((a, b) => compareCodePoints(`${a.service}|${a.region}|${a.operation}`, `${b.service}|${b.region}|${b.operation}`));
  }

  /** Every answer that came back (sent or preloaded), by memo key: what a checkpoint keeps. */
  answers(): ReadonlyMap<string, unknown> {
    return this.answered;
  }

  /** Whether a call was refused because stop() turned true: the results are then not a whole collection. */
  stopped(): boolean {
    return this.stopsRefused > 0;
  }

  private shouldStop(): boolean {
    if (this.options.stop?.() !== true) return false;
    this.stopsRefused++;
    return true;
  }

  /** The sender, refusing a retry once stop() is true (the first try was just let through by call()). */
  private stoppable<S extends ServiceName, O>(operation: string, send: Sender<S, O>): Sender<S, O> {
    if (this.options.stop === undefined) return send;
    let tries = 0;
    return (client, options) => {
      if (tries++ > 0 && this.shouldStop()) return Promise.reject(new StopError(operation));
      return send(client, options);
    };
  }

  /** Call counts so far. */
  stats(): CallStats {
    const { total, retries, throttles, byOperation, retriesByOperation } = this.counts;
    return { total, retries, throttles, byOperation: { ...byOperation }, retriesByOperation: { ...retriesByOperation } };
  }

  private family(service: string, region: string, operation: string): Family {
    const key = `${service}|${region}|${operation}`;
    let family = this.families.get(key);
    if (!family) {
      family = {
        attempt: { service, account: this.account, region, operation, status: 'ok', reason: null, covers: [] },
        failedCovers: new Set(),
        reasons: new Set(),
      };
      this.families.set(key, family);
    }
    return family;
  }

  private gate(service: string, region: string): AdaptiveGate {
    const key = `${service}|${region}`;
    let gate = this.gates.get(key);
    if (!gate) {
      gate = new AdaptiveGate(this.options.concurrency);
      this.gates.set(key, gate);
    }
    return gate;
  }

  private async sendWithRetry<S extends ServiceName, O>(
    service: S,
    region: string,
    operation: string,
    send: Sender<S, O>,
  ): Promise<O> {
    const client = this.options.clients(service, region);
    const gate = this.gate(service, region);
    const counter = `${service}:${operation}`;
    this.counts.total++;
    this.counts.byOperation[counter] = (this.counts.byOperation[counter] ?? 0) + 1;
    const pacer = this.options.pacer;
    for (let attempt = 1; ; attempt++) {
      await gate.enter();
      // The token is taken per try (AWS meters retries like any request), and only once a slot is held: a
      // token taken before queueing at the gate would let requests that waited there reach AWS bunched together.
      if (pacer) await pacer.take(this.account, service, region, operation);
      let failure: unknown;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
      try {
        const result = await send(client, { abortSignal: controller.signal });
        gate.succeeded();
        pacer?.succeeded(this.account, service, region, operation);
        return result;
      } catch (error) {
        failure = error;
      } finally {
        clearTimeout(timer);
        gate.leave();
      }
      const kind = classifyError(failure);
      if (kind === 'throttle') {
        gate.throttled();
        pacer?.throttled(this.account, service, region, operation);
        this.counts.throttles++;
      }
      if (kind === 'fatal' || attempt >= this.options.retry.maxAttempts) throw failure;
      this.counts.retries++;
      this.counts.retriesByOperation[counter] = (this.counts.retriesByOperation[counter] ?? 0) + 1;
      await this.sleep(backoffDelay(attempt, this.options.retry));
    }
  }
}
