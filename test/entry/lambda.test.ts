/**
 * The Lambda handler invoked locally against moto_server (S3, SNS, STS and the load-balancer APIs):
 * the scheduled single-account run, a many-account run with one account that cannot be entered, the
 * three state-machine modes driven the way template.yaml's Distributed Map drives them, and the staged
 * deployment package (dist/lambda.js beside rules/) run in a child process.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sdkClientFactory } from '../../src/collect/index.ts';
import { handler, readConfig, runPrefixFor, type RunSummary } from '../../src/entry/lambda.ts';
import type { AuditResult } from '../../src/model/finding.ts';
import { validateSnapshot } from '../../src/snapshot/io.ts';
import { buildSeedEstate } from '../collect/estate.ts';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.ts';
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto.ts';
import { node24 } from '../helpers/node24.ts';
import { stateMachineDefinition } from './lambda-template.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BUCKET = 'audit-reports';
const MEMBER = '111111111111';
const LOCKED = '222222222222';
const ROLE = 'ElbTlsAuditRole';

let moto: MotoServer;
let denyLocked: FaultProxy;
let s3: S3Client;
let topicArn: string;
let sink: Server;
const notifications: { Subject?: string; Message?: string }[] = [];
const savedEnv = { ...process.env };
let scratch: string;

function useEnv(extra: Record<string, string>, endpoint = moto.endpoint): void {
  process.env = {
    ...savedEnv,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
    BUCKET,
    PREFIX: 'audits',
    REGIONS: 'us-east-1',
    PROBE: 'false',
    ...extra,
  };
}

async function text(key: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return (await out.Body?.transformToString('utf8')) ?? '';
}

async function keysUnder(prefix: string): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key ?? '').sort();
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'lambda-'));
  moto = await startMoto();
  await buildSeedEstate(sdkClientFactory({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }), 'us-east-1');
  // The member account's estate is built with that account's own (assumed) credentials, as moto keys accounts by credentials.
  const sts = new STSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  const assumed = (await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MEMBER}:role/${ROLE}`, RoleSessionName: 'seed' }))).Credentials;
  await buildSeedEstate(
    sdkClientFactory({ endpoint: moto.endpoint, credentials: { accessKeyId: assumed?.AccessKeyId ?? '', secretAccessKey: assumed?.SecretAccessKey ?? '', sessionToken: assumed?.SessionToken ?? '' } }),
    'us-east-1',
  );
  denyLocked = await startFaultProxy({ upstream: moto.endpoint, deny: (req) => req.operation === 'AssumeRole' && String(req.params['RoleArn']).includes(LOCKED) });

  s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  // SNS delivers to an HTTP subscriber on loopback, so the published summary can be read back.
  sink = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { Type?: string; Subject?: string; Message?: string };
      if (parsed.Type === 'Notification') notifications.push(parsed);
      res.end('ok');
    });
  });
  await new Promise<void>((done) => sink.listen(0, '127.0.0.1', done));
  const sns = new SNSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'elb-tls-audit' }))).TopicArn ?? '';
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/sns` }));
});

afterEach(() => {
  process.env = { ...savedEnv };
});

afterAll(async () => {
  await denyLocked?.stop();
  await moto?.stop();
  await new Promise((done) => sink?.close(done));
  rmSync(scratch, { recursive: true, force: true });
});

describe('Lambda handler against moto', () => {
  it('writes every report and snapshot.json under <prefix>/yyyy/mm/dd/<run-id>/ and publishes a summary to SNS', async () => {
    useEnv({ SNS_TOPIC_ARN: topicArn });
    const before = new Date();
    const run = (await handler({}, { awsRequestId: 'req-0001' })) as RunSummary;
    const day = before.toISOString().slice(0, 10).replace(/-/g, '/');
    expect(run.prefix).toMatch(new RegExp(`^audits/${day}/\\d{8}T\\d{6}Z-req-0001$`));
    const names = ['findings.json', 'report.html', 'results.sarif', 'snapshot.json', 'summary.md'];
    expect(await keysUnder(`${run.prefix}/`)).toEqual(names.map((n) => `${run.prefix}/${n}`));
    expect(run.keys.sort()).toEqual(names.map((n) => `${run.prefix}/${n}`));
    expect(run, run.verdictMessage).toMatchObject({ bucket: BUCKET, verdict: 'fail', complete: true });
    // The pointer is written last and names every object of the run with its digest.
    const pointer = JSON.parse(await text('audits/latest.json')) as { runPrefix: string; objects: Array<{ key: string; sha256: string }> };
    expect(pointer.runPrefix).toBe(run.prefix);
    expect(pointer.objects.map((o) => o.key)).toEqual(names.map((n) => `${run.prefix}/${n}`));
    for (const o of pointer.objects) expect(createHash('sha256').update(await text(o.key)).digest('hex')).toBe(o.sha256);

    const findings = JSON.parse(await text(`${run.prefix}/findings.json`)) as AuditResult;
    expect(findings.scope).toEqual({ accounts: ['123456789012'], regions: ['us-east-1'] });
    expect(findings.findings.some((f) => f.status === 'fail' && f.resource.name === 'legacy-web')).toBe(true);
    expect(run.failing).toBe(findings.summary.byStatus.fail);
    const snapshot = validateSnapshot(JSON.parse(await text(`${run.prefix}/snapshot.json`)), 'snapshot.json');
    expect(snapshot.loadBalancers.map((lb) => lb.name).sort()).toEqual(['hsm-nlb', 'legacy-web', 'shop-alb']);
    expect(JSON.parse(await text(`${run.prefix}/results.sarif`))).toMatchObject({ version: '2.1.0' });
    expect(await text(`${run.prefix}/summary.md`)).toContain('# elb-tls-audit');
    const head = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${run.prefix}/report.html` }));
    expect(head.ContentType).toBe('text/html; charset=utf-8');

    await expect.poll(() => notifications.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const note = notifications.at(-1);
    expect(note?.Subject).toBe(`elb-tls-audit fail: ${findings.summary.byStatus.fail} failing, 0 errors`);
    expect(note?.Message).toContain(`s3://${BUCKET}/${run.prefix}/report.html`);
  });

  it('audits many accounts in one run; an account it cannot enter makes the run incomplete and is named', async () => {
    useEnv({ ACCOUNTS: `${LOCKED},${MEMBER}`, ROLE_NAME: ROLE, EXTERNAL_ID: 'org-audit' }, denyLocked.endpoint);
    const run = (await handler({}, { awsRequestId: 'req-many' })) as RunSummary;
    expect(run).toMatchObject({ verdict: 'incomplete', complete: false });
    const findings = JSON.parse(await text(`${run.prefix}/findings.json`)) as AuditResult;
    expect(findings.scope.accounts).toEqual([MEMBER, LOCKED]);
    const lbAccounts = new Set(findings.findings.filter((f) => f.resource.kind === 'loadBalancer' && f.ruleId !== 'collection-incomplete').map((f) => f.resource.account));
    expect([...lbAccounts]).toEqual([MEMBER]);
    const gap = findings.findings.filter((f) => f.ruleId === 'collection-incomplete');
    expect(gap).toEqual([expect.objectContaining({ status: 'error', resource: expect.objectContaining({ account: LOCKED, arn: `aws/${LOCKED}/us-east-1/sts/AssumeRole` }) })]);
    expect(gap[0]?.message).toMatch(/AccessDenied/);
  });

  it('reads the external id from Secrets Manager when it enters member accounts, and names a secret that holds none', async () => {
    const sm = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    const secret = async (Name: string, SecretString: string): Promise<string> => (await sm.send(new CreateSecretCommand({ Name, SecretString }))).ARN ?? '';
    const current = await secret('audit/external-id', JSON.stringify({ externalId: 'ext-7f3a' }));
    const retired = await secret('audit/retired-external-id', 'ext-0000');
    const empty = await secret('audit/no-external-id', JSON.stringify({ id: 'ext-7f3a' }));
    // The member role's trust policy, as STS would apply it: AssumeRole only with the right external id.
    const trust = await startFaultProxy({ upstream: moto.endpoint, deny: (req) => req.operation === 'AssumeRole' && req.params['ExternalId'] !== 'ext-7f3a' });
    try {
      useEnv({ ACCOUNTS: MEMBER, ROLE_NAME: ROLE, EXTERNAL_ID_SECRET_ID: current }, trust.endpoint);
      expect(await handler({}, { awsRequestId: 'req-ext-1' })).toMatchObject({ complete: true });
      const child = (await handler({ mode: 'collect-account', account: MEMBER, runPrefix: 'audits/2026/01/01/ext' }, {})) as { complete: boolean };
      expect(child.complete).toBe(true);

      useEnv({ ACCOUNTS: MEMBER, ROLE_NAME: ROLE, EXTERNAL_ID_SECRET_ID: retired }, trust.endpoint);
      const refused = (await handler({}, { awsRequestId: 'req-ext-2' })) as RunSummary;
      expect(refused).toMatchObject({ verdict: 'incomplete', complete: false });

      useEnv({ ACCOUNTS: MEMBER, ROLE_NAME: ROLE, EXTERNAL_ID_SECRET_ID: empty }, trust.endpoint);
      await expect(handler({}, { awsRequestId: 'req-ext-3' })).rejects.toThrow(`EXTERNAL_ID_SECRET_ID (${empty}): the secret holds no valid external id`);
      // The function's own account needs no external id: the secret is not read at all.
      useEnv({ EXTERNAL_ID_SECRET_ID: empty }, trust.endpoint);
      expect(await handler({}, { awsRequestId: 'req-ext-4' })).toMatchObject({ complete: true });
    } finally {
      await trust.stop();
    }
  });

  it('runs the state machine steps as template.yaml wires them: list, one collection per account, merge', async () => {
    useEnv({ ACCOUNTS: `${MEMBER},${LOCKED}`, ROLE_NAME: ROLE }, denyLocked.endpoint);
    const definition = stateMachineDefinition();
    const list = (await handler(definition.payload('ListAccounts', {}), { awsRequestId: 'req-sfn' })) as { bucket: string; key: string; runPrefix: string; count: number };
    expect(list).toMatchObject({ bucket: BUCKET, count: 2 });
    expect(list.key).toBe(`${list.runPrefix}/accounts.json`);
    // ItemReader reads the JSON array; ItemSelector builds each child's input.
    const items = JSON.parse(await text(list.key)) as string[];
    expect(items).toEqual([MEMBER, LOCKED]);
    const state = { list };
    const children = [];
    for (const account of items) {
      const childInput = definition.itemSelector(state, account);
      children.push((await handler(definition.payload('CollectAccount', childInput), {})) as { account: string; complete: boolean });
    }
    expect(children).toEqual([
      { account: MEMBER, key: `${list.runPrefix}/accounts/${MEMBER}/snapshot.json`, complete: true, resume: false },
      { account: LOCKED, key: `${list.runPrefix}/accounts/${LOCKED}/snapshot.json`, complete: false, resume: false },
    ]);
    const merged = (await handler(definition.payload('MergeAndReport', state), {})) as RunSummary;
    expect(merged).toMatchObject({ prefix: list.runPrefix, verdict: 'incomplete', complete: false });
    const findings = JSON.parse(await text(`${list.runPrefix}/findings.json`)) as AuditResult;
    expect(findings.scope.accounts).toEqual([MEMBER, LOCKED]);
    expect(findings.findings.filter((f) => f.ruleId === 'collection-incomplete').map((f) => f.resource.arn)).toEqual([`aws/${LOCKED}/us-east-1/sts/AssumeRole`]);

    // A child that failed outright leaves no snapshot: the merge still names the account (fail closed).
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `${list.runPrefix}/accounts/${MEMBER}/snapshot.json` }));
    const again = (await handler(definition.payload('MergeAndReport', state), {})) as RunSummary;
    expect(again.verdict).toBe('incomplete');
    const after = JSON.parse(await text(`${list.runPrefix}/findings.json`)) as AuditResult;
    expect(after.findings.filter((f) => f.ruleId === 'collection-incomplete').map((f) => f.resource.arn).sort()).toEqual(
      [`aws/${LOCKED}/us-east-1/sts/AssumeRole`, `aws/${MEMBER}/us-east-1/stepfunctions/CollectAccount`].sort(),
    );
  });

  it('rejects bad configuration with the variable named, and refuses a run prefix outside PREFIX', async () => {
    useEnv({ BUCKET: '' });
    expect(() => readConfig()).toThrow('BUCKET: the report bucket is not set');
    useEnv({ ACCOUNTS: '1234' , ROLE_NAME: ROLE });
    expect(() => readConfig()).toThrow('ACCOUNTS: "1234" is not a 12-digit AWS account id');
    useEnv({ ACCOUNTS: MEMBER });
    expect(() => readConfig()).toThrow('ROLE_NAME');
    useEnv({ EXTERNAL_ID: 'a', EXTERNAL_ID_SECRET_ID: 'audit/external-id' });
    expect(() => readConfig()).toThrow('EXTERNAL_ID_SECRET_ID: set EXTERNAL_ID or EXTERNAL_ID_SECRET_ID, not both');
    useEnv({ FAIL_ON: 'urgent' });
    expect(() => readConfig()).toThrow('FAIL_ON');
    useEnv({ ROLE_NAME: ROLE });
    await expect(handler({ mode: 'merge', runPrefix: 'elsewhere/2026/01/01/x' }, {})).rejects.toThrow('runPrefix must lie under audits/');
    expect(runPrefixFor('audits', new Date('2026-03-04T05:06:07Z'), 'abc/def')).toEqual({ runId: '20260304T050607Z-abcdef', runPrefix: 'audits/2026/03/04/20260304T050607Z-abcdef' });
  });

  // The Lambda runtime is nodejs24.x (template.yaml): the bundle runs under a real Node 24 as well as the Node running the tests.
  for (const runtime of ['the Node running the tests', 'Node 24 (nodejs24.x)'] as const) {
    it(`the committed dist/lambda.js runs from a deployment-package layout (dist/ beside rules/, "type": "module") under ${runtime}`, async () => {
      const node = runtime === 'Node 24 (nodejs24.x)' ? node24() : process.execPath;
      const pkg = join(scratch, `package-${node === process.execPath ? 'test' : '24'}`);
      cpSync(join(ROOT, 'dist', 'lambda.js'), join(pkg, 'dist', 'lambda.js'));
      cpSync(join(ROOT, 'rules'), join(pkg, 'rules'), { recursive: true });
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'elb-tls-audit', version: '0.0.0-test', type: 'module' }));
      useEnv({ PREFIX: `bundled-${node === process.execPath ? 'test' : '24'}` });
      const child = spawn(node, ['--input-type=module', '-e', "const { handler } = await import('./dist/lambda.js'); console.log(JSON.stringify(await handler({}, { awsRequestId: 'bundle-1' })));"], {
        cwd: pkg,
        env: process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((done) => child.once('close', done));
      expect(code, stderr).toBe(0);
      const run = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as RunSummary;
      expect(run.prefix).toMatch(/^bundled-(test|24)\/\d{4}\/\d{2}\/\d{2}\/\d{8}T\d{6}Z-bundle-1$/);
      expect(await keysUnder(`${run.prefix}/`)).toHaveLength(5);
      const snapshot = JSON.parse(await text(`${run.prefix}/snapshot.json`)) as { generator: { version: string } };
      expect(snapshot.generator.version).toBe('0.0.0-test');
      if (node !== process.execPath) expect(stderr).not.toMatch(/DeprecationWarning|ExperimentalWarning/);
    }, 120_000);
  }
});
