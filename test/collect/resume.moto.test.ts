/**
 * Resumable collection against moto: a run stopped after K sends leaves a checkpoint; resuming it (through a
 * file on disk) sends only the calls not yet answered, and ends with the snapshot an uninterrupted run makes.
 * Every request that reaches the wire is counted by a middleware on the SDK clients, not by the collector.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectOrStop,
  collectWithStats,
  CollectionStopped,
  readCheckpoint,
  sdkClientFactory,
  writeCheckpoint,
  type CheckpointData,
  type ClientFactory,
  type CollectOptions,
  type CollectResult,
  type ServiceName,
} from '../../src/collect/index.ts';
import { AuditError } from '../../src/model/errors.ts';
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto.ts';
import { buildSeedEstate } from './estate.ts';

const REGION = 'us-east-1';
const NOW = new Date('2026-11-21T12:00:00Z');
const STS_KEY = /^sts\|[^|]+\|GetCallerIdentity(Command)?\|/;
// moto rejects the listing of Classic predefined policies (a 'skipped' call): failed calls are not kept, so every
// run asks again. Any other repeat would be a call a checkpoint should have answered.
const FAILS_IN_MOTO = /^elb\|[^|]+\|DescribeLoadBalancerPoliciesCommand\|\{\}$/;

let moto: MotoServer;
let dir: string;
let clean: CollectResult;
let cleanSends: string[];

type Handler = (args: { input: unknown }) => Promise<unknown>;
interface RecordableStack {
  add(middleware: (next: Handler, context: { commandName?: string }) => Handler, options: { step: 'initialize'; name: string }): void;
}

/** The standard factory with a middleware that records every request sent, as service|region|Command|input. */
function countingClients(sent: string[], credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = MOTO_CREDENTIALS): ClientFactory {
  const inner = sdkClientFactory({ endpoint: moto.endpoint, credentials });
  const seen = new Set<object>();
  return ((service: ServiceName, region: string) => {
    const client = inner(service, region);
    if (!seen.has(client)) {
      seen.add(client);
      (client.middlewareStack as unknown as RecordableStack).add(
        (next, context) => (args) => {
          sent.push(`${service}|${region}|${String(context.commandName)}|${JSON.stringify(args.input)}`);
          return next(args);
        },
        { step: 'initialize', name: 'countSends' },
      );
    }
    return client;
  }) as ClientFactory;
}

function options(clients: ClientFactory, extra: Partial<CollectOptions> = {}): CollectOptions {
  // Pages of 2 so that listings take several pages and a stop can fall between two pages of one walk.
  return { regions: [REGION, 'eu-west-1'], homeRegion: REGION, clients, now: () => NOW, retry: { maxAttempts: 4, baseDelayMs: 2, maxDelayMs: 20 }, concurrency: 4, pageSizeLimit: 2, ...extra };
}

function duplicates(keys: string[]): string[] {
  const seen = new Set<string>();
  return keys.filter((k) => (seen.has(k) ? true : (seen.add(k), false)));
}

/** Stops after `after` sends of this run, writes the checkpoint to disk and reads it back. */
async function stoppedRun(name: string, after: number, sent: string[], resumeFrom?: CheckpointData): Promise<CheckpointData> {
  const mine: string[] = [];
  const outcome = await collectOrStop(options(countingClients(mine), { stop: () => mine.length >= after, ...(resumeFrom ? { resumeFrom } : {}) }));
  sent.push(...mine);
  if (!('stopped' in outcome)) throw new Error(`${name}: expected a stop after ${after} sends, the run finished with ${mine.length}`);
  expect(mine.length, 'calls in flight finish; nothing new starts').toBeGreaterThanOrEqual(after);
  const path = join(dir, `${name}.json`);
  writeCheckpoint(path, outcome.checkpoint);
  return readCheckpoint(path);
}

beforeAll(async () => {
  moto = await startMoto();
  dir = mkdtempSync(join(tmpdir(), 'resume-'));
  await buildSeedEstate(sdkClientFactory({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }), REGION);
  cleanSends = [];
  clean = await collectWithStats(options(countingClients(cleanSends)));
}, 120_000);

afterAll(async () => {
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('resumable collection', () => {
  it('the uninterrupted run is complete and sends each call once (the baseline the resumes are held to)', () => {
    expect(clean.snapshot.attempts.filter((a) => a.status === 'error')).toEqual([]);
    expect(clean.snapshot.loadBalancers.map((lb) => lb.name).sort()).toEqual(['hsm-nlb', 'legacy-web', 'shop-alb']);
    expect(duplicates(cleanSends)).toEqual([]);
    expect(clean.snapshot.attempts.filter((a) => a.status === 'skipped').map((a) => `${a.service} ${a.region} ${a.operation}`)).toEqual([
      'elb eu-west-1 DescribeLoadBalancerPolicies(predefined)',
      'elb us-east-1 DescribeLoadBalancerPolicies(predefined)',
    ]);
    expect(cleanSends.length).toBeGreaterThan(30);
  });

  it('stopped twice and resumed, it sends no call twice and builds the same snapshot as the uninterrupted run', async () => {
    const third = Math.floor(cleanSends.length / 3);
    const sent: string[] = [];
    const first = await stoppedRun('first', third, sent);
    expect(first.capturedAt).toBe(NOW.toISOString());
    expect(first.scope).toEqual({ account: '123456789012', regions: ['eu-west-1', REGION], homeRegion: REGION, allCertificates: false, alsoFetchCertificates: [], pageSizeLimit: 2 });
    const second = await stoppedRun('second', third, sent, first);
    expect(second.entries.length).toBeGreaterThan(first.entries.length);
    // Every answer of the first checkpoint is still in the second, unchanged.
    const secondByKey = new Map(second.entries);
    for (const [key, answer] of first.entries) if (!STS_KEY.test(key)) expect(secondByKey.get(key), key).toEqual(answer);

    // The last run's clock says 2030: the snapshot keeps the first run's capture time all the same.
    const last: string[] = [];
    const resumed = await collectOrStop(options(countingClients(last), { resumeFrom: second, now: () => new Date('2030-01-01T00:00:00Z') }));
    sent.push(...last);
    if ('stopped' in resumed) throw new Error('the last run has no stop and must finish');
    // GetCallerIdentity is asked again on purpose by every resume (is it still the same account?); nothing else is.
    expect(duplicates(sent).filter((k) => !STS_KEY.test(k) && !FAILS_IN_MOTO.test(k))).toEqual([]);
    expect(sent.filter((k) => FAILS_IN_MOTO.test(k)).length).toBeLessThanOrEqual(6);
    expect(sent.filter((k) => STS_KEY.test(k))).toHaveLength(3);
    expect([...new Set(sent)].sort()).toEqual([...new Set(cleanSends)].sort());
    expect(resumed.snapshot).toEqual(clean.snapshot);
  });

  it('a stop before anything was answered gives an empty checkpoint that resumes to the full snapshot', async () => {
    const sent: string[] = [];
    const empty = await stoppedRun('empty', 0, sent);
    expect(sent).toEqual([]);
    expect(empty.entries).toEqual([]);
    const resumed = await collectWithStats(options(countingClients(sent), { resumeFrom: empty }));
    expect(resumed.snapshot).toEqual(clean.snapshot);
  });

  it('collectWithStats throws CollectionStopped (exit 3 if nobody handles it) instead of returning a partial snapshot', async () => {
    const sent: string[] = [];
    const error = await collectWithStats(options(countingClients(sent), { stop: () => sent.length >= 5 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CollectionStopped);
    expect((error as CollectionStopped).code).toBe('INCOMPLETE');
    expect((error as CollectionStopped).checkpoint.entries.length).toBeGreaterThanOrEqual(5);
  });

  it('refuses to resume for another scope or with another account\'s credentials, naming the checkpoint', async () => {
    const sent: string[] = [];
    const checkpoint = await stoppedRun('scoped', 8, sent);
    expect(checkpoint.entries.some(([key]) => FAILS_IN_MOTO.test(key)), 'a failed call is not kept').toBe(false);
    const where = { resumeFrom: checkpoint, resumeSource: 'saved.json' };
    await expect(collectOrStop(options(countingClients([]), { ...where, regions: [REGION] }))).rejects.toThrow(
      'saved.json: the checkpoint was taken for another scope: regions is eu-west-1,us-east-1 in the checkpoint but us-east-1 in this run',
    );
    await expect(collectOrStop(options(countingClients([]), { ...where, allCertificates: true }))).rejects.toThrow(/allCertificates is false in the checkpoint but true/);
    const sts = new STSClient({ region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    const assumed = (await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111111111111:role/Audit', RoleSessionName: 'resume' }))).Credentials;
    const other = { accessKeyId: assumed?.AccessKeyId ?? '', secretAccessKey: assumed?.SecretAccessKey ?? '', sessionToken: assumed?.SessionToken ?? '' };
    const otherSent: string[] = [];
    const refused = await collectOrStop(options(countingClients(otherSent, other), where)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AuditError);
    expect((refused as AuditError).message).toBe('saved.json: the checkpoint holds account 123456789012, but these credentials are for account 111111111111');
    // Refused before any stored answer could be mixed with the other account's: only the identity was asked.
    expect(otherSent.map((k) => k.split('|')[2])).toEqual(['GetCallerIdentityCommand']);
  });
});
