/**
 * The Security Hub sync against moto_server, through the fault proxy: batches of 100, retries through
 * throttling, 5xx and connection resets, per-finding failures reported, and which earlier findings are
 * archived (fixed) and which are left alone (unknown now). moto ignores GetFindings filters and has no
 * BatchUpdateFindings (see test/alerts/scheduled-alerts.test.ts); the sync filters itself and reports the
 * workflow call's refusal.
 */
import { EnableSecurityHubCommand, GetFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditResult, Finding, FindingStatus } from '../../src/model/finding.ts';
import { asffId } from '../../src/report/asff.ts';
import { syncSecurityHub } from '../../src/securityhub/sync.ts';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.ts';
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto.ts';

const ACCOUNT = '123456789012';
const PRODUCT = { account: ACCOUNT, region: 'eu-west-1', partition: 'aws' };
const NO_WAIT = { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 2 };

let moto: MotoServer;
// The sync reads findings and completeness only; the verdict is carried, not consulted.
const VERDICT = { kind: 'fail', exitCode: 1, gate: { failOn: 'high', allowPartial: false, failOnEmpty: false, baseline: null }, gating: 0, gatingBySeverity: {}, baselined: 0, belowThreshold: 0, expiredWaivers: 0,
  unseen: { collection: 0, probe: 0, facts: 0, causes: [] }, emptyScopes: [], headline: 'test' } as unknown as AuditResult['verdict'];

function finding(i: number, status: FindingStatus = 'fail'): Finding {
  const arn = `arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNT}:loadbalancer/app/lb-${i}/0123456789abcdef`;
  return {
    ruleId: 'lb-deletion-protection', category: 'hardening', severity: 'low', status,
    resource: { arn, kind: 'loadBalancer', name: `lb-${i}`, region: 'eu-west-1', account: ACCOUNT, loadBalancerArn: arn, loadBalancerType: 'application' },
    message: `lb-${i} can be deleted`, messageId: 'default', evidence: [], controls: { 'aws-fsbp': ['ELB.6'] }, fingerprint: `print-${i}`, waiver: null,
  };
}

function run(findings: Finding[], complete = true): AuditResult {
  return {
    tool: { name: 'elb-tls-audit', version: 'test' }, version: 'test', profile: 'default', startedAt: '2026-12-01T00:00:00.000Z', finishedAt: '2026-12-01T00:01:00.000Z',
    asOf: '2026-12-01T00:00:00.000Z', complete, verdict: VERDICT, scope: { accounts: [ACCOUNT], regions: ['eu-west-1'] },
    summary: { total: findings.length, byStatus: { pass: 0, fail: findings.length, not_applicable: 0, error: 0, waived: 0 }, bySeverity: { critical: 0, high: 0, medium: 0, low: findings.length, info: 0 }, resources: { loadBalancers: 0, listeners: 0, certificates: 0, hsmClusters: 0, endpoints: 0 } },
    findings, attempts: [],
  };
}

const client = (endpoint: string) => new SecurityHubClient({ region: 'eu-west-1', endpoint, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });

async function stored(): Promise<AwsSecurityFinding[]> {
  const all: AwsSecurityFinding[] = [];
  let token: string | undefined;
  do {
    const page = await client(moto.endpoint).send(new GetFindingsCommand({ MaxResults: 100, ...(token ? { NextToken: token } : {}) }));
    all.push(...(page.Findings ?? []));
    token = page.NextToken || undefined;
  } while (token);
  return all;
}

beforeAll(async () => {
  moto = await startMoto();
});

beforeEach(async () => {
  await moto.reset();
  await client(moto.endpoint).send(new EnableSecurityHubCommand({}));
});

afterAll(async () => {
  await moto?.stop();
});

describe('syncSecurityHub', () => {
  let proxy: FaultProxy | undefined;
  afterAll(async () => proxy?.stop());

  it('imports 250 findings in three batches of 100 through throttling, 5xx and resets', async () => {
    proxy = await startFaultProxy({ upstream: moto.endpoint, faultRate: 0.5, seed: 3 });
    const findings = Array.from({ length: 250 }, (_, i) => finding(i));
    const report = await syncSecurityHub(run(findings), [], { client: client(proxy.endpoint), product: PRODUCT, retry: NO_WAIT });
    expect(report).toMatchObject({ imported: 250, failed: [], archived: [], workflow: { status: 'not-needed' } });
    expect(proxy.forwarded.get('securityhub:/findings/import')).toBe(3);
    expect(proxy.injected.throttle + proxy.injected.serverError + proxy.injected.reset).toBeGreaterThan(0);
    const hub = await stored();
    expect(hub).toHaveLength(250);
    expect(new Set(hub.map((f) => f.Id))).toEqual(new Set(findings.map(asffId)));
    await proxy.stop();
    proxy = undefined;
  });

  it('reports every finding Security Hub refuses, and a batch that fails for good, by Id', async () => {
    const refused = asffId(finding(3));
    proxy = await startFaultProxy({
      upstream: moto.endpoint,
      canned: (info) => {
        if (info.path !== '/findings/import') return null;
        const ids = ((info.params['Findings'] as { Id: string }[]) ?? []).map((f) => f.Id);
        if (ids.includes(refused)) return { status: 200, contentType: 'application/json', body: JSON.stringify({ FailedCount: 1, SuccessCount: ids.length - 1, FailedFindings: [{ Id: refused, ErrorCode: 'InvalidInput', ErrorMessage: 'Resources[0].Id is not valid' }] }) };
        return { status: 400, contentType: 'application/json', body: JSON.stringify({ __type: 'InvalidAccessException', Code: 'InvalidAccessException', Message: 'Account is not subscribed to AWS Security Hub' }) };
      },
    });
    const report = await syncSecurityHub(run(Array.from({ length: 120 }, (_, i) => finding(i))), [], { client: client(proxy.endpoint), product: PRODUCT, retry: NO_WAIT });
    expect(report.failed[0]).toEqual({ id: refused, code: 'InvalidInput', message: 'Resources[0].Id is not valid' });
    // The second batch (20 findings) is refused whole and not retried (not a transient error): each is named.
    expect(report.failed).toHaveLength(21);
    expect(report.failed.slice(1).every((f) => f.code === 'BatchFailed' && f.message.startsWith('InvalidAccessException'))).toBe(true);
    expect(report.imported).toBe(99);
    expect(proxy.forwarded.get('securityhub:/findings/import')).toBeUndefined();
    await proxy.stop();
    proxy = undefined;
  });

  it('archives what now passes or is gone from a complete run; leaves errors and what an incomplete run missed', async () => {
    const h = client(moto.endpoint);
    await syncSecurityHub(run([finding(1), finding(2), finding(3), finding(4), finding(5)]), [], { client: h, product: PRODUCT, retry: NO_WAIT });
    // 1 fails still, 2 passes now, 3 is an error now, 4 and 5 are gone.
    const incomplete = await syncSecurityHub(run([finding(1), finding(2, 'pass'), finding(3, 'error')], false), [], { client: h, product: PRODUCT, retry: NO_WAIT });
    expect(incomplete.archived).toEqual([asffId(finding(2))]);
    // moto has no BatchUpdateFindings: the refusal is reported.
    expect(incomplete.workflow.status).toBe('failed');
    const complete = await syncSecurityHub(run([finding(1), finding(3, 'error')], true), [], { client: h, product: PRODUCT, retry: NO_WAIT });
    expect(complete.archived.sort()).toEqual([asffId(finding(4)), asffId(finding(5))].sort());
    const state = Object.fromEntries((await stored()).map((f) => [f.Id, { record: f.RecordState, compliance: f.Compliance?.Status, workflow: f.Workflow?.Status }]));
    expect(state[asffId(finding(1))]).toEqual({ record: 'ACTIVE', compliance: 'FAILED', workflow: 'NEW' });
    expect(state[asffId(finding(2))]).toEqual({ record: 'ARCHIVED', compliance: 'PASSED', workflow: 'RESOLVED' });
    expect(state[asffId(finding(3))]).toEqual({ record: 'ACTIVE', compliance: 'NOT_AVAILABLE', workflow: 'NEW' });
    expect(state[asffId(finding(4))]).toEqual({ record: 'ARCHIVED', compliance: 'PASSED', workflow: 'RESOLVED' });
    // First seen is kept across imports.
    const first = (await stored()).find((f) => f.Id === asffId(finding(1)));
    expect(first?.FirstObservedAt).toBe('2026-12-01T00:01:00.000Z');
    expect(first?.UpdatedAt).not.toBe('2026-12-01T00:01:00.000Z');
  });
});
