/**
 * collect-account running out of time, against moto (S3, STS, the load-balancer APIs) through a recording proxy:
 * a context whose getRemainingTimeInMillis falls below the margin makes the function store a checkpoint under the
 * run prefix and answer resume: true; invoked again with that checkpointKey (as the state machine's loop does) it
 * continues without repeating a call, and the last invocation stores the snapshot an uninterrupted one stores.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCheckpoint, sdkClientFactory } from '../../src/collect/index.ts';
import { handler, type CollectAccountResult } from '../../src/entry/lambda.ts';
import type { CollectPageResult } from '../../src/entry/lambda-pages.ts';
import type { Snapshot } from '../../src/model/snapshot.ts';
import { validateSnapshot } from '../../src/snapshot/io.ts';
import { buildSeedEstate } from '../collect/estate.ts';
import { startHoldProxy, type HoldProxy } from '../helpers/hold-proxy.ts';
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto.ts';

const BUCKET = 'audit-reports';
const MEMBER = '111111111111';
const ROLE = 'ElbTlsAuditRole';
// What every invocation asks again on purpose: entering the account, who it is, and the call moto always refuses.
const REPEATABLE = /^(s3|sts)\||^elb\|[^|]+\|DescribeLoadBalancerPolicies\|\{\}$/;

let moto: MotoServer;
let proxy: HoldProxy;
let s3: S3Client;
const savedEnv = { ...process.env };

function useEnv(extra: Record<string, string> = {}): void {
  process.env = {
    ...savedEnv,
    AWS_ENDPOINT_URL: proxy.endpoint,
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
    BUCKET,
    PREFIX: 'audits',
    REGIONS: 'us-east-1,eu-west-1',
    PROBE: 'false',
    ACCOUNTS: MEMBER,
    ROLE_NAME: ROLE,
    ...extra,
  };
}

/** A Lambda context with 15 minutes left until the collection has asked `calls` times whether to stop, then 30 s. */
function clockRunningOutAfter(calls: number): { getRemainingTimeInMillis: () => number } {
  let asked = 0;
  return { getRemainingTimeInMillis: () => (++asked > calls ? 30_000 : 900_000) };
}

async function text(key: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return (await out.Body?.transformToString('utf8')) ?? '';
}

async function storedSnapshot(key: string): Promise<Omit<Snapshot, 'capturedAt'>> {
  const { capturedAt: _at, ...rest } = validateSnapshot(JSON.parse(await text(key)), key);
  return rest;
}

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startHoldProxy(moto.endpoint);
  const sts = new STSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  const assumed = (await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MEMBER}:role/${ROLE}`, RoleSessionName: 'seed' }))).Credentials;
  await buildSeedEstate(
    sdkClientFactory({ endpoint: moto.endpoint, credentials: { accessKeyId: assumed?.AccessKeyId ?? '', secretAccessKey: assumed?.SecretAccessKey ?? '', sessionToken: assumed?.SessionToken ?? '' } }),
    'us-east-1',
  );
  s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
}, 120_000);

afterEach(() => {
  process.env = { ...savedEnv };
});

afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});

describe('collect-account with the remaining-time signal', () => {
  it('stops before the margin, stores a checkpoint, and re-invoked with checkpointKey finishes with the uninterrupted snapshot and no repeated call', async () => {
    useEnv();
    const whole = (await handler({ mode: 'collect-account', account: MEMBER, runPrefix: 'audits/2026/12/03/whole' }, { getRemainingTimeInMillis: () => 900_000 })) as CollectAccountResult;
    expect(whole).toEqual({ account: MEMBER, key: `audits/2026/12/03/whole/accounts/${MEMBER}/snapshot.json`, complete: true, resume: false });
    if (whole.resume) throw new Error('15 minutes left throughout: the whole collection fits');
    const wholeRequests = proxy.requests.splice(0).filter((r) => !REPEATABLE.test(r));

    const runPrefix = 'audits/2026/12/03/timed';
    const answers: CollectAccountResult[] = [];
    let event: { mode: 'collect-account'; account: string; runPrefix: string; checkpointKey?: string } = { mode: 'collect-account', account: MEMBER, runPrefix };
    // The state machine's loop: invoke again with the checkpointKey until the answer is not resume.
    for (let round = 0; round < 30; round++) {
      const answer = (await handler(event, clockRunningOutAfter(12))) as CollectAccountResult;
      answers.push(answer);
      if (!answer.resume) break;
      event = { ...event, checkpointKey: answer.checkpointKey };
    }
    const checkpointKey = `${runPrefix}/accounts/${MEMBER}/checkpoint.json`;
    expect(answers.length).toBeGreaterThan(2);
    expect(answers[0]).toMatchObject({ account: MEMBER, complete: false, resume: true, checkpointKey });
    expect(answers.at(-1)).toEqual({ account: MEMBER, key: `${runPrefix}/accounts/${MEMBER}/snapshot.json`, complete: true, resume: false });
    // Each stop kept more answers than the one before.
    const counts = answers.flatMap((a) => (a.resume ? [a.answers] : []));
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(new Set(counts).size).toBe(counts.length);

    const timedRequests = proxy.requests.splice(0).filter((r) => !REPEATABLE.test(r));
    const seen = new Set<string>();
    expect(timedRequests.filter((r) => seen.has(r) || (seen.add(r), false))).toEqual([]);
    expect([...seen].sort()).toEqual([...new Set(wholeRequests)].sort());
    expect(await storedSnapshot(`${runPrefix}/accounts/${MEMBER}/snapshot.json`)).toEqual(await storedSnapshot(whole.key));
    // The last checkpoint stays readable (a retried invocation could still use it).
    expect(parseCheckpoint(await text(checkpointKey), checkpointKey).scope.account).toBe(MEMBER);
  }, 180_000);

  it('fails rather than loop when an invocation reads nothing new, and refuses a checkpointKey that is not this account\'s', async () => {
    useEnv({ RESUME_MARGIN_SECONDS: '120' });
    const runPrefix = 'audits/2026/12/03/starved';
    await expect(handler({ mode: 'collect-account', account: MEMBER, runPrefix }, { getRemainingTimeInMillis: () => 100_000 })).rejects.toThrow(
      `account ${MEMBER}: no progress in this invocation: it stops collecting when less than 120 s remain (RESUME_MARGIN_SECONDS)`,
    );
    await expect(handler({ mode: 'collect-account', account: MEMBER, runPrefix, checkpointKey: 'audits/other/checkpoint.json' }, {})).rejects.toThrow(
      `event.checkpointKey: must be ${runPrefix}/accounts/${MEMBER}/checkpoint.json`,
    );
    await expect(handler({ mode: 'collect-account', account: MEMBER, runPrefix, checkpointKey: `${runPrefix}/accounts/${MEMBER}/checkpoint.json` }, {})).rejects.toThrow(
      `s3://${BUCKET}/${runPrefix}/accounts/${MEMBER}/checkpoint.json: cannot read the checkpoint`,
    );
    useEnv({ RESUME_MARGIN_SECONDS: 'soon' });
    await expect(handler({ mode: 'collect-account', account: MEMBER, runPrefix }, {})).rejects.toThrow('RESUME_MARGIN_SECONDS: "soon" is not a whole number of seconds from 5 to 900');
  }, 180_000);
});

describe('collect-page with the remaining-time signal', () => {
  it('a page that outruns its invocation stores a checkpoint beside its snapshot key and resumes to the same page snapshot, no call repeated', async () => {
    // Pacing off: moto never throttles, and the test is about the stop, not the budget.
    useEnv({ API_BUDGET: 'none' });
    const item = { account: MEMBER, region: 'us-east-1', service: 'elbv2', marker: null, pageSize: 50, id: 'elbv2-0' };
    const whole = (await handler({ mode: 'collect-page', item, runPrefix: 'audits/2026/12/03/page-whole' } as never, { getRemainingTimeInMillis: () => 900_000 })) as CollectPageResult;
    expect(whole).toEqual({ account: MEMBER, region: 'us-east-1', id: 'elbv2-0', key: `audits/2026/12/03/page-whole/pages/${MEMBER}/us-east-1/elbv2-0.json`, complete: true, resume: false });
    if (whole.resume) throw new Error('15 minutes left throughout: the page fits');
    const wholeRequests = proxy.requests.splice(0).filter((r) => !REPEATABLE.test(r));

    const runPrefix = 'audits/2026/12/03/page-timed';
    const checkpointKey = `${runPrefix}/pages/${MEMBER}/us-east-1/elbv2-0.checkpoint.json`;
    const answers: CollectPageResult[] = [];
    let event: Record<string, unknown> = { mode: 'collect-page', item, runPrefix };
    for (let round = 0; round < 30; round++) {
      const answer = (await handler(event as never, clockRunningOutAfter(6))) as CollectPageResult;
      answers.push(answer);
      if (!answer.resume) break;
      event = { ...event, checkpointKey: answer.checkpointKey };
    }
    expect(answers.length).toBeGreaterThan(1);
    expect(answers[0]).toMatchObject({ account: MEMBER, region: 'us-east-1', id: 'elbv2-0', complete: false, resume: true, checkpointKey });
    expect(answers.at(-1)).toEqual({ ...whole, key: `${runPrefix}/pages/${MEMBER}/us-east-1/elbv2-0.json` });
    const timedRequests = proxy.requests.splice(0).filter((r) => !REPEATABLE.test(r));
    const seen = new Set<string>();
    expect(timedRequests.filter((r) => seen.has(r) || (seen.add(r), false))).toEqual([]);
    expect([...seen].sort()).toEqual([...new Set(wholeRequests)].sort());
    expect(await storedSnapshot(`${runPrefix}/pages/${MEMBER}/us-east-1/elbv2-0.json`)).toEqual(await storedSnapshot(whole.key));
    // Another page's checkpoint, or a key that is not a string, is refused before any call.
    await expect(handler({ mode: 'collect-page', item, runPrefix, checkpointKey: `${runPrefix}/pages/${MEMBER}/us-east-1/elbv2-1.checkpoint.json` } as never, {})).rejects.toThrow(
      `event.checkpointKey: must be ${checkpointKey} (this page's checkpoint in this run)`,
    );
    await expect(handler({ mode: 'collect-page', item, runPrefix, checkpointKey: 7 } as never, {})).rejects.toThrow('event.checkpointKey: must be a string (the checkpointKey a stopped collect-page answered)');
  }, 180_000);
});
