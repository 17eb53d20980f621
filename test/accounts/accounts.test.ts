/**
 * Many accounts against moto_server: accounts entered with real STS AssumeRole credentials (moto keys
 * its accounts by them), Organizations ListAccounts, bounded concurrency counted at the wire, and one
 * account that cannot be entered reported fail-closed, through collectAccounts and through the CLI.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectAccounts, parseAccountIds, parseRoleName, roleArn } from '../../src/accounts/index.ts';
import { sdkClientFactory } from '../../src/collect/index.ts';
import type { AuditResult } from '../../src/model/finding.ts';
import { buildSeedEstate } from '../collect/estate.ts';
import { identify, startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.ts';
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const MEMBER = '111111111111';
const LOCKED = '222222222222';
const ROLE = 'ElbTlsAuditRole';
const FAST = { retry: { maxAttempts: 6, baseDelayMs: 2, maxDelayMs: 20 } };

let moto: MotoServer;
let denyLocked: FaultProxy;
let scratch: string;

/** A proxy that holds AssumeRole calls until `limit` are in flight (or a short grace), recording the most seen at once. */
async function startConcurrencyProbe(upstream: string, limit: number): Promise<{ endpoint: string; maxInFlight: () => number; assumed: string[]; stop: () => Promise<void> }> {
  const target = new URL(upstream);
  let inFlight = 0;
  let max = 0;
  const assumed: string[] = [];
  const waiting: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const info = identify(req, body.toString());
      const forward = (): void => {
        const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
          r.on('end', () => {
            if (info.operation === 'AssumeRole') inFlight--;
          });
        });
        up.end(body);
      };
      if (info.operation !== 'AssumeRole') return forward();
      assumed.push(String(info.params['RoleArn']));
      inFlight++;
      max = Math.max(max, inFlight);
      waiting.push(forward);
      // Release everyone once the limit is reached; a grace timer covers the last, smaller batch.
      const release = (): void => {
        for (const go of waiting.splice(0)) go();
      };
      if (waiting.length >= limit) release();
      else setTimeout(release, 150);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    maxInFlight: () => max,
    assumed,
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}

async function runCliAsync(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/entry/cli.ts'), ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((done) => child.once('close', done));
  return { code, stdout, stderr };
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'accounts-'));
  moto = await startMoto();
  const sts = new STSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  const c = (await sts.send(new AssumeRoleCommand({ RoleArn: roleArn(MEMBER, ROLE, 'us-east-1'), RoleSessionName: 'seed' }))).Credentials;
  await buildSeedEstate(sdkClientFactory({ endpoint: moto.endpoint, credentials: { accessKeyId: c?.AccessKeyId ?? '', secretAccessKey: c?.SecretAccessKey ?? '', sessionToken: c?.SessionToken ?? '' } }), 'us-east-1');
  denyLocked = await startFaultProxy({ upstream: moto.endpoint, deny: (req) => req.operation === 'AssumeRole' && String(req.params['RoleArn']).includes(LOCKED) });
});

afterAll(async () => {
  await denyLocked?.stop();
  await moto?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('collectAccounts', () => {
  it('merges the accounts it can enter and records the one it cannot as a failed AssumeRole (fail closed)', async () => {
    const snapshot = await collectAccounts({
      accounts: [LOCKED, MEMBER],
      roleName: ROLE,
      externalId: 'ext-1',
      settings: { endpoint: denyLocked.endpoint, credentials: MOTO_CREDENTIALS },
      collect: { regions: ['us-east-1'], homeRegion: 'us-east-1', ...FAST },
    });
    expect(snapshot.scope).toEqual({ accounts: [MEMBER, LOCKED], regions: ['us-east-1'] });
    expect(new Set(snapshot.loadBalancers.map((lb) => lb.account))).toEqual(new Set([MEMBER]));
    expect(snapshot.loadBalancers.map((lb) => lb.name).sort()).toEqual(['hsm-nlb', 'legacy-web', 'shop-alb']);
    const failed = snapshot.attempts.filter((a) => a.status === 'error');
    expect(failed).toEqual([expect.objectContaining({ service: 'sts', account: LOCKED, operation: 'AssumeRole', region: 'us-east-1' })]);
    expect(failed[0]?.reason).toMatch(/AccessDenied/);
  });

  it('keeps at most accountConcurrency accounts in flight', async () => {
    const probe = await startConcurrencyProbe(moto.endpoint, 2);
    try {
      const accounts = ['300000000001', '300000000002', '300000000003', '300000000004', '300000000005'];
      const snapshot = await collectAccounts({
        accounts,
        roleName: 'audit/ElbTlsAuditRole',
        accountConcurrency: 2,
        settings: { endpoint: probe.endpoint, credentials: MOTO_CREDENTIALS },
        collect: { regions: ['us-east-1'], homeRegion: 'us-east-1', ...FAST },
      });
      expect(probe.assumed.sort()).toEqual(accounts.map((a) => `arn:aws:iam::${a}:role/audit/ElbTlsAuditRole`));
      expect(probe.maxInFlight()).toBe(2);
      expect(snapshot.scope.accounts).toEqual(accounts);
      expect(snapshot.attempts.filter((a) => a.status === 'error')).toEqual([]);
    } finally {
      await probe.stop();
    }
  });

  it('--organization lists the ACTIVE accounts with Organizations ListAccounts and enters each', async () => {
    const org = new OrganizationsClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const created = await org.send(new CreateAccountCommand({ AccountName: 'workload', Email: 'workload@example.com' }));
    const snapshot = await collectAccounts({
      accounts: 'organization',
      roleName: ROLE,
      settings: { endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS },
      collect: { regions: ['us-east-1'], homeRegion: 'us-east-1', ...FAST },
    });
    expect(snapshot.scope.accounts).toEqual(['123456789012', created.CreateAccountStatus?.AccountId ?? ''].sort());
    expect(snapshot.attempts.filter((a) => a.status === 'error')).toEqual([]);
  });

  it('validates account ids and role names', () => {
    expect(parseAccountIds('222222222222, 111111111111 111111111111')).toEqual([MEMBER, LOCKED]);
    expect(() => parseAccountIds('12345')).toThrow('--accounts: "12345" is not a 12-digit AWS account id');
    expect(() => parseRoleName('arn:aws:iam::1:role/x')).toThrow('not a role name');
    expect(roleArn(MEMBER, ROLE, 'cn-north-1')).toBe(`arn:aws-cn:iam::${MEMBER}:role/${ROLE}`);
  });
});

describe('audit --accounts / --organization', () => {
  const env = (endpoint: string) => ({ AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' });

  it('exits 3 and names the account it could not enter; --allow-partial judges the rest', async () => {
    const out = join(scratch, 'cli');
    const run = await runCliAsync(['audit', '--accounts', `${MEMBER},${LOCKED}`, '--assume-role', ROLE, '--no-probe', '--regions', 'us-east-1', '--format', 'json,md', '--out', out, '--quiet'], env(denyLocked.endpoint));
    expect(run.code, run.stderr).toBe(3);
    const result = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as AuditResult;
    expect(result.complete).toBe(false);
    expect(result.findings.find((f) => f.ruleId === 'collection-incomplete')?.resource).toMatchObject({ account: LOCKED, arn: `aws/${LOCKED}/us-east-1/sts/AssumeRole` });
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain(`sts AssumeRole in us-east-1`);

    const partial = await runCliAsync(['audit', '--accounts', `${MEMBER},${LOCKED}`, '--assume-role', ROLE, '--no-probe', '--regions', 'us-east-1', '--format', 'json', '--out', join(scratch, 'cli2'), '--quiet', '--allow-partial'], env(denyLocked.endpoint));
    expect(partial.code).toBe(1);
  });

  it('rejects incomplete multi-account flags with exit 2', async () => {
    const cases: [string[], string][] = [
      [['--accounts', MEMBER], '--assume-role: multi-account audits need --assume-role'],
      [['--assume-role', ROLE], '--assume-role: --assume-role needs --accounts or --organization'],
      [['--accounts', MEMBER, '--organization', '--assume-role', ROLE], 'give --accounts or --organization, not both'],
      [['--accounts', MEMBER, '--assume-role', ROLE, '--account-concurrency', '0'], '--account-concurrency: "0" is not a number from 1 to 64'],
    ];
    for (const [flags, message] of cases) {
      const run = await runCliAsync(['audit', ...flags, '--no-probe', '--regions', 'us-east-1', '--out', join(scratch, 'never'), '--quiet'], env('http://127.0.0.1:9'));
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
    }
  });
});
