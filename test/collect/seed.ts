/** Shared setup for the collector tests: moto on a free port, the seed estate, and one clean collection. */
import { afterAll, beforeAll } from 'vitest';
import { collectWithStats, sdkClientFactory, type CollectOptions, type CollectResult } from '../../src/collect/index.ts';
import type { LoadBalancer, Snapshot } from '../../src/model/snapshot.ts';
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto.ts';
import { buildSeedEstate, type SeedEstate } from './estate.ts';

export const REGION = 'us-east-1';
export const SCOPE = [REGION, 'eu-west-1'];
const NOW = new Date('2026-11-21T12:00:00Z');
const FAST_RETRY = { maxAttempts: 10, baseDelayMs: 2, maxDelayMs: 20 };

/** What a test file gets once beforeAll has run. */
export interface SeedContext {
  moto: MotoServer;
  estate: SeedEstate;
  clean: CollectResult;
  /** Progress lines of the clean collection. */
  progress: string[];
}

/** Collects the seed scope through an endpoint (moto itself or a proxy in front of it). */
export async function collectThrough(endpoint: string, extra: Partial<CollectOptions> = {}): Promise<CollectResult> {
  return collectWithStats({
    ...extra,
    regions: SCOPE,
    clients: sdkClientFactory({ endpoint, credentials: MOTO_CREDENTIALS }),
    homeRegion: REGION,
    now: () => NOW,
    retry: FAST_RETRY,
    concurrency: 4,
  });
}

/** The load balancer of that name, or a thrown error naming it. */
export function lbNamed(snapshot: Snapshot, name: string): LoadBalancer {
  const lb = snapshot.loadBalancers.find((l) => l.name === name);
  if (!lb) throw new Error(`no load balancer ${name}`);
  return lb;
}

/** Registers beforeAll/afterAll that start moto, build the seed estate and collect it cleanly once. */
export function useSeedEstate(): SeedContext {
  const context = { progress: [] as string[] } as unknown as SeedContext;
  beforeAll(async () => {
    context.moto = await startMoto();
    context.estate = await buildSeedEstate(sdkClientFactory({ endpoint: context.moto.endpoint, credentials: MOTO_CREDENTIALS }), REGION);
    context.clean = await collectThrough(context.moto.endpoint, { onProgress: (line) => context.progress.push(line) });
  });
  afterAll(async () => {
    await context.moto?.stop();
  });
  return context;
}
