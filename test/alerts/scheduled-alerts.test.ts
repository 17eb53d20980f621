/**
 * The scheduled Lambda's alerts, end to end against moto_server (S3, SNS, Security Hub, Secrets Manager,
 * the load-balancer APIs) and a webhook receiver on 127.0.0.1: the first run imports its findings into
 * Security Hub and alerts; after one load balancer is fixed the second run archives exactly the fixed
 * findings and the webhook names the fix and nothing else; a third run with nothing changed stays quiet.
 *
 * What moto's Security Hub does not do, and how the test deals with it:
 * - GetFindings ignores Filters: the sync filters by ProductArn/GeneratorId/RecordState itself, and this
 *   test reads every finding back and filters likewise.
 * - BatchUpdateFindings is not implemented: the Workflow RESOLVED it sets is asserted from the archive
 *   record's own Workflow field, and the rejected BatchUpdateFindings call is asserted to be reported
 *   (workflow.status 'failed'), not hidden.
 * - No ASFF validation on import (only "at least one resource"): the ASFF itself is validated against
 *   the Security Hub API model in test/report/asff.test.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { EnableSecurityHubCommand, GetFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sdkClientFactory } from '../../src/collect/index.ts';
import { handler, type RunSummary } from '../../src/entry/lambda.ts';
import type { AuditResult } from '../../src/model/finding.ts';
import { buildSeedEstate, type SeedEstate } from '../collect/estate.ts';
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto.ts';

const BUCKET = 'alert-reports';
const REGION = 'us-east-1';
const PRODUCT_ARN = `arn:aws:securityhub:${REGION}:123456789012:product/123456789012/default`;

let moto: MotoServer;
let estate: SeedEstate;
let s3: S3Client;
let hub: SecurityHubClient;
let receiver: Server;
let webhookUrl: string;
let topicArn: string;
const posts: { text: string; Content: string }[] = [];
const notifications: { Subject?: string; Message?: string }[] = [];
const savedEnv = { ...process.env };

function listen(server: Server): Promise<number> {
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done((server.address() as AddressInfo).port)));
}

function collectJson(onBody: (body: Record<string, unknown>) => void): Server {
  return createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      onBody(JSON.parse(body) as Record<string, unknown>);
      res.end('ok');
    });
  });
}

function useEnv(): void {
  process.env = {
    ...savedEnv,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_REGION: REGION,
    BUCKET,
    PREFIX: 'scheduled',
    REGIONS: REGION,
    PROBE: 'false',
    SECURITY_HUB: 'true',
    WEBHOOK_SECRET_ID: 'elb-tls-audit/webhook',
    SNS_TOPIC_ARN: topicArn,
  };
}

async function ours(): Promise<AwsSecurityFinding[]> {
  const all: AwsSecurityFinding[] = [];
  let token: string | undefined;
  do {
    const page = await hub.send(new GetFindingsCommand({ MaxResults: 100, ...(token ? { NextToken: token } : {}) }));
    all.push(...(page.Findings ?? []));
    token = page.NextToken || undefined;
  } while (token);
  return all.filter((f) => f.ProductArn === PRODUCT_ARN);
}

async function findingsJson(run: RunSummary): Promise<AuditResult> {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${run.prefix}/findings.json` }));
  return JSON.parse((await out.Body?.transformToString('utf8')) ?? '{}') as AuditResult;
}

beforeAll(async () => {
  moto = await startMoto();
  const clients = sdkClientFactory({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  estate = await buildSeedEstate(clients, REGION);
  const config = { region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS };
  s3 = new S3Client({ ...config, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  hub = new SecurityHubClient(config);
  await hub.send(new EnableSecurityHubCommand({}));

  receiver = collectJson((body) => posts.push(body as { text: string; Content: string }));
  webhookUrl = `http://127.0.0.1:${await listen(receiver)}/hooks/T000/B000/secret-part`;
  await new SecretsManagerClient(config).send(new CreateSecretCommand({ Name: 'elb-tls-audit/webhook', SecretString: JSON.stringify({ url: webhookUrl }) }));

  const sink = collectJson((body) => {
    if (body['Type'] === 'Notification') notifications.push(body as { Subject?: string; Message?: string });
  });
  const sinkPort = await listen(sink);
  const sns = new SNSClient(config);
  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'alerts' }))).TopicArn ?? '';
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: `http://127.0.0.1:${sinkPort}/sns` }));
  receiver.on('close', () => sink.close());
});

afterEach(() => {
  process.env = { ...savedEnv };
});

afterAll(async () => {
  await moto?.stop();
  await new Promise((done) => receiver?.close(done));
});

describe('scheduled audit alerts against moto', () => {
  let first: RunSummary;
  let firstFailing: string[];

  it('first run: imports every failing finding into Security Hub, alerts on SNS and the webhook', async () => {
    useEnv();
    first = (await handler({}, { awsRequestId: 'run-1' })) as RunSummary;
    expect(first).toMatchObject({ verdict: 'fail', complete: true, changes: null });
    const result = await findingsJson(first);
    expect(result.changes).toBeUndefined();
    firstFailing = result.findings.filter((f) => f.status === 'fail').map((f) => f.fingerprint);
    expect(firstFailing.length).toBeGreaterThan(3);

    expect(first.alerts.securityHub).toMatchObject({ status: 'sent', imported: firstFailing.length, failed: [], archived: [] });
    const imported = await ours();
    expect(imported).toHaveLength(firstFailing.length);
    expect(new Set(imported.map((f) => f.RecordState))).toEqual(new Set(['ACTIVE']));
    expect(imported.every((f) => f.SchemaVersion === '2018-10-08' && f.Compliance?.Status === 'FAILED' && f.GeneratorId?.startsWith('elb-tls-audit/'))).toBe(true);

    expect(first.alerts.webhook).toEqual({ status: 'sent' });
    expect(posts).toHaveLength(1);
    expect(posts[0]?.text).toContain(`first run: ${firstFailing.length} failing`);
    expect(posts[0]?.Content).toBe(posts[0]?.text);
    await expect.poll(() => notifications.length, { timeout: 10_000 }).toBe(1);
  });

  it('second run after fixing one load balancer: archives those findings and the webhook names only the fix', async () => {
    // The fix: the ALB's HTTPS listener moves from ELBSecurityPolicy-2016-08 (TLS 1.0, CBC, non-FS suites) to a TLS 1.2+ policy.
    const elbv2 = sdkClientFactory({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS })('elbv2', REGION);
    await elbv2.send(new ModifyListenerCommand({ ListenerArn: estate.albHttpsListenerArn, SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' }));
    useEnv();
    const second = (await handler({}, { awsRequestId: 'run-2' })) as RunSummary;
    const result = await findingsJson(second);
    const changes = result.changes;
    expect(changes?.new).toEqual([]);
    expect(changes?.resolved.length).toBeGreaterThan(0);
    // Every resolved finding is on the fixed listener, and now passes.
    for (const r of changes?.resolved ?? []) {
      expect(r.resource.arn).toBe(estate.albHttpsListenerArn);
      expect(r.status).toBe('pass');
    }
    expect(changes?.unchanged).toBe(firstFailing.length - (changes?.resolved.length ?? 0));
    expect(second.changes).toEqual({ new: 0, resolved: changes?.resolved.length, unchanged: changes?.unchanged, undetermined: 0, completeness: { before: true, now: true } });

    // Security Hub: exactly the resolved findings are archived, PASSED and RESOLVED; the rest stay active.
    const resolvedPrints = new Set(changes?.resolved.map((r) => r.fingerprint));
    const hubState = await ours();
    const archived = hubState.filter((f) => f.RecordState === 'ARCHIVED');
    expect(archived.map((f) => f.ProductFields?.['elb-tls-audit/Fingerprint']).sort()).toEqual([...resolvedPrints].sort());
    for (const f of archived) expect(f).toMatchObject({ Compliance: { Status: 'PASSED' }, Workflow: { Status: 'RESOLVED' } });
    expect(hubState.filter((f) => f.RecordState === 'ACTIVE')).toHaveLength(firstFailing.length - resolvedPrints.size);
    const sync = second.alerts.securityHub;
    expect(sync).toMatchObject({ status: 'sent', failed: [] });
    if (sync.status !== 'sent') throw new Error('unreachable');
    expect(sync.archived).toHaveLength(resolvedPrints.size);
    // moto has no BatchUpdateFindings: the call is made and its refusal reported, never hidden.
    expect(sync.workflow.status).toBe('failed');

    // The webhook names the fix and nothing else.
    expect(posts).toHaveLength(2);
    const text = posts[1]?.text ?? '';
    expect(text).toContain(`${resolvedPrints.size} resolved`);
    expect(text).toContain(`Resolved (${resolvedPrints.size}):`);
    const listed = text.split('\n').filter((l) => l.startsWith('• '));
    expect(listed).toHaveLength(resolvedPrints.size);
    for (const l of listed) expect(l).toContain('shop-alb');
    expect(text).not.toContain('New failing');
    expect(text).not.toContain('legacy-web');
    expect(text).not.toContain('Completeness');
    expect(text).not.toContain('secret-part');
    await expect.poll(() => notifications.length, { timeout: 10_000 }).toBe(2);
    expect(notifications[1]?.Message).toContain(`Since the previous run: 0 new failing, ${resolvedPrints.size} resolved`);
  });

  it('third run with nothing changed: Security Hub is refreshed, SNS and the webhook stay quiet', async () => {
    useEnv();
    const third = (await handler({}, { awsRequestId: 'run-3' })) as RunSummary;
    expect(third.changes).toMatchObject({ new: 0, resolved: 0 });
    expect(third.alerts).toMatchObject({ changed: false, webhook: { status: 'skipped' }, sns: { status: 'skipped' }, securityHub: { status: 'sent', archived: [] } });
    expect(posts).toHaveLength(2);
  });
});
