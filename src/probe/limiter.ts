/** Bounds how many connections run at once and how closely they start, so a probe stays polite. */
export class Limiter {
  private running = 0;
  private nextStart = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly concurrency: number, private readonly pacingMs = 0) {}

  /** Runs fn when a slot is free and the pacing gap has passed. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= Math.max(1, this.concurrency)) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
    try {
      if (this.pacingMs > 0) {
        const now = Date.now();
        const start = Math.max(now, this.nextStart);
        this.nextStart = start + this.pacingMs;
        if (start > now) await new Promise((resolve) => setTimeout(resolve, start - now));
      }
      return await fn();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }
}
