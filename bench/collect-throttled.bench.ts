/**
 * Throttled collect bench (ADR 0016): generated estates of 1,000 and 5,000 load balancers (half Classic, half
 * ALB/NLB, 2-4 listeners each) built in moto, collected through the throttling emulator
 * (test/helpers/throttle-proxy.ts), which meters every call against AWS's published token buckets and adds a
 * per-call latency. Prints per size:
 *
 *   BENCH name=collect-throttled loadBalancers=N calls=C seconds=S minimumSeconds=M ratio=S/M throttled=T
 *
 * seconds and minimumSeconds are in AWS time: the emulator and the collector share a clock that runs
 * timeScale times faster than the wall clock, so wallSeconds = seconds / timeScale. The scale is chosen per
 * estate so that moto is never the bottleneck: moto serves one request at a time, so its measured capacity
 * (motoCallsPerSecond, through the SDK, 8 in flight) must stay at least twice the wall-clock rate the budgets
 * allow (about 25 calls/s of AWS time while Classic and ELBv2 are read side by side) times the scale.
 * BENCH_THROTTLE_SCALE fixes it instead.
 * minimumSeconds is what the budgets allow at all: for each API category, (calls - bucket capacity) / refill
 * rate, and the slowest category bounds the run. Goal: ratio <= 1.2 and throttled = 0 when paced.
 * The paced runs use --api-budget 1 (the whole published budget) so the ratio measures pacing, not headroom;
 * the smallest estate (if at most 1,000) is also collected unpaced (adaptive backoff only), for comparison (BENCH_THROTTLED_UNPACED=0: not).
 * Sizes: BENCH_THROTTLED_SIZES (default 1000,5000); latency: BENCH_THROTTLE_LATENCY_MS (default 50).
 */
import { performance } from 'node:perf_hooks';
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import pMap from 'p-map';
import { minimumSeconds } from '../src/collect/api-budgets.ts';
import { collectWithStats, sdkClientFactory, type ClientFactory } from '../src/collect/index.ts';
import { buildBenchEstate } from '../test/collect/bench-estate.ts';
import { MOTO_CREDENTIALS, startMoto } from '../test/helpers/moto.ts';
import { scaledClock, startThrottleProxy } from '../test/helpers/throttle-proxy.ts';

const REGION = 'us-east-1';
const SIZES = (process.env['BENCH_THROTTLED_SIZES'] ?? '1000,5000').split(',').map(Number);
const FIXED_SCALE = process.env['BENCH_THROTTLE_SCALE'] ? Number(process.env['BENCH_THROTTLE_SCALE']) : null;
/** AWS-time calls per second the budgets allow while the collector is busiest (ELB 10/s + ELBv2 10/s + the rest). */
const BUDGET_RATE = 25;

/** Calls per wall second moto answers on this estate: 200 one-page listings, 8 in flight. */
async function motoCapacity(clients: ClientFactory): Promise<number> {
  const client = clients('elbv2', REGION);
  const start = performance.now();
  await pMap(Array.from({ length: 200 }, (_, i) => i), () => client.send(new DescribeLoadBalancersCommand({ PageSize: 1 })), { concurrency: 8 });
  return 200 / ((performance.now() - start) / 1000);
}
const LATENCY_MS = Number(process.env['BENCH_THROTTLE_LATENCY_MS'] ?? 50);

/** Run the throttled collect bench and print its BENCH lines. */
export async function run(): Promise<void> {
  for (const size of SIZES) {
    const moto = await startMoto();
    try {
      const build = sdkClientFactory({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
      const t0 = performance.now();
      await buildBenchEstate(build, {
        region: REGION,
        classic: Math.floor(size / 2),
        elbv2: size - Math.floor(size / 2),
        iamCertificates: 50,
        acmCertificates: 50,
        instances: 40,
        sharedClassicSecurityGroup: true,
      });
      const buildSeconds = (performance.now() - t0) / 1000;
      const capacity = await motoCapacity(build);
      const SCALE = FIXED_SCALE ?? Math.max(1, Math.min(20, Math.floor(capacity / 2 / BUDGET_RATE)));
      const modes: { label: string; budget: number | null }[] = [{ label: 'paced', budget: 1 }];
      // Unpaced, the run is throttled, backs off and retries: slow to emulate, so only the smallest estate shows it.
      if (size === Math.min(...SIZES) && size <= 1000 && process.env['BENCH_THROTTLED_UNPACED'] !== '0') modes.push({ label: 'unpaced', budget: null });
      for (const mode of modes) {
        const proxy = await startThrottleProxy({ upstream: moto.endpoint, timeScale: SCALE, latencyMs: LATENCY_MS });
        try {
          const clients = sdkClientFactory({ endpoint: proxy.endpoint, credentials: MOTO_CREDENTIALS });
          const clock = scaledClock(SCALE);
          const start = performance.now();
          const { snapshot, stats } = await collectWithStats({ regions: [REGION], clients, homeRegion: REGION, concurrency: 8, apiBudget: mode.budget, clock });
          const wallSeconds = (performance.now() - start) / 1000;
          const seconds = wallSeconds * SCALE;
          const minimum = minimumSeconds(stats.byOperation, 1);
          const failedAttempts = snapshot.attempts.filter((a) => a.status === 'error').length;
          // Retries the emulator did not cause (no throttles) are timeouts or errors of an overloaded moto: then the
          // time measures moto, not pacing, and the line says so.
          const emulatorBound = mode.budget !== null && (failedAttempts > 0 || stats.retries > stats.throttles);
          const figures: Record<string, string | number> = {
            mode: mode.label,
            budget: mode.budget ?? 'none',
            loadBalancers: snapshot.loadBalancers.length,
            calls: stats.total,
            seconds: seconds.toFixed(1),
            minimumSeconds: minimum.toFixed(1),
            ratio: (seconds / Math.max(minimum, 1e-9)).toFixed(3),
            throttled: proxy.throttled(),
            retries: stats.retries,
            failedAttempts,
            valid: emulatorBound ? 'no-emulator-overloaded' : 'yes',
            wallSeconds: wallSeconds.toFixed(1),
            timeScale: SCALE,
            motoCallsPerSecond: capacity.toFixed(0),
            latencyMs: LATENCY_MS,
            buildSeconds: buildSeconds.toFixed(1),
          };
          process.stdout.write(`BENCH name=collect-throttled ${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
          const perCategory = Object.entries(proxy.counts()).map(([name, c]) => `${name}:${c.requests}/${c.throttled}`).join(' ');
          process.stderr.write(`bench: collect-throttled ${size} ${mode.label}: requests/throttled per category: ${perCategory}\n`);
          for (const a of snapshot.attempts.filter((x) => x.status === 'error').slice(0, 5)) process.stderr.write(`bench: collect-throttled ${size} ${mode.label}: failed ${a.operation}: ${a.reason ?? 'no reason'}\n`);
        } finally {
          await proxy.stop();
        }
      }
    } finally {
      await moto.stop();
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
