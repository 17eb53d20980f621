/** `elb-tls-audit collect` end to end against moto, configured only through the standard AWS environment. */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UploadServerCertificateCommand } from '@aws-sdk/client-iam';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sdkClientFactory } from '../../src/collect/index.ts';
import { registerCollectCommand } from '../../src/entry/commands/collect.ts';
import { parseRegions } from '../../src/entry/parse.ts';
import { AuditError } from '../../src/model/errors.ts';
import type { CertificateRecord } from '../../src/model/snapshot.ts';
import { validateSnapshot } from '../../src/snapshot/io.ts';
import { startFaultProxy } from '../helpers/fault-proxy.ts';
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto.ts';
import { buildSeedEstate, type SeedEstate } from './estate.ts';
import { issueChain } from './pki.ts';

let moto: MotoServer;
let estate: SeedEstate;
let dir: string;
const savedEnv = { ...process.env };

async function runCollect(endpoint: string, args: string[]): Promise<void> {
  process.env['AWS_ENDPOINT_URL'] = endpoint;
  process.env['AWS_ACCESS_KEY_ID'] = MOTO_CREDENTIALS.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] = MOTO_CREDENTIALS.secretAccessKey;
  process.env['AWS_REGION'] = 'us-east-1';
  const program = new Command().exitOverride();
  registerCollectCommand(program);
  await program.parseAsync(['node', 'elb-tls-audit', 'collect', ...args]);
}

beforeAll(async () => {
  moto = await startMoto();
  estate = await buildSeedEstate(sdkClientFactory({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }), 'us-east-1');
  dir = mkdtempSync(join(tmpdir(), 'collect-cmd-'));
});

afterEach(() => {
  process.exitCode = undefined;
  process.env = { ...savedEnv };
});

afterAll(async () => {
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('collect command', () => {
  it('writes a snapshot that passes the snapshot schema, and leaves the exit code at 0', async () => {
    const out = join(dir, 'clean', 'snapshot.json');
    await runCollect(moto.endpoint, ['--regions', 'us-east-1', '--out', out]);
    expect(process.exitCode ?? 0).toBe(0);
    const snapshot = validateSnapshot(JSON.parse(readFileSync(out, 'utf8')), out);
    expect(snapshot.loadBalancers.map((lb) => lb.name).sort()).toEqual(['hsm-nlb', 'legacy-web', 'shop-alb']);
    expect(snapshot.certificates.map((c) => c.arn).sort()).toEqual([estate.acmCertArn, estate.iamCertArn].sort());
    // Written through a temp file and a rename: nothing else is left in the folder.
    expect(readdirSync(join(dir, 'clean'))).toEqual(['snapshot.json']);
  });

  it('exits 3 when a service denies access, still writing the snapshot; --allow-partial exits 0', async () => {
    const proxy = await startFaultProxy({ upstream: moto.endpoint, deny: (req) => req.service === 'cloudhsmv2' });
    try {
      const out = join(dir, 'partial.json');
      await runCollect(proxy.endpoint, ['--regions', 'us-east-1', '--quiet', '--out', out]);
      expect(process.exitCode).toBe(3);
      const snapshot = validateSnapshot(JSON.parse(readFileSync(out, 'utf8')), out);
      expect(snapshot.attempts.filter((a) => a.status === 'error').map((a) => `${a.service}/${a.operation}`)).toEqual(['cloudhsmv2/DescribeClusters']);
      expect(snapshot.hsmClusters).toEqual([]);
      expect(snapshot.loadBalancers).toHaveLength(3);

      process.exitCode = undefined;
      await runCollect(proxy.endpoint, ['--regions', 'us-east-1', '--quiet', '--allow-partial', '--out', out]);
      expect(process.exitCode ?? 0).toBe(0);
    } finally {
      await proxy.stop();
    }
  });

  it('--regions all reads every region EC2 lists', async () => {
    const out = join(dir, 'all.json');
    await runCollect(moto.endpoint, ['--regions', 'all', '--quiet', '--out', out]);
    expect(process.exitCode ?? 0).toBe(0);
    const snapshot = validateSnapshot(JSON.parse(readFileSync(out, 'utf8')), out);
    expect(snapshot.scope.regions).toEqual(expect.arrayContaining(['eu-west-1', 'us-east-1', 'ap-southeast-2']));
    expect(snapshot.scope.regions.length).toBeGreaterThan(10);
    expect(snapshot.loadBalancers.map((lb) => lb.region)).toEqual(['us-east-1', 'us-east-1', 'us-east-1']);
    // moto lists regions where it has no CloudHSM; no endpoint there means no cluster, so skipped rather than failed.
    const hsmSkipped = snapshot.attempts.filter((a) => a.service === 'cloudhsmv2' && a.status === 'skipped');
    expect(hsmSkipped.length).toBeGreaterThan(0);
    expect(snapshot.attempts.filter((a) => a.status === 'error')).toEqual([]);
  });

  it('fetches unused certificates in full only with --all-certificates', async () => {
    const spare = issueChain('spare.example.test');
    await sdkClientFactory({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS })('iam', 'us-east-1').send(
      new UploadServerCertificateCommand({ ServerCertificateName: 'spare-cert', CertificateBody: spare.leafPem, PrivateKey: spare.keyPem }),
    );
    const spareOf = async (flags: string[]): Promise<CertificateRecord | undefined> => {
      const out = join(dir, `spare${flags.length}.json`);
      await runCollect(moto.endpoint, ['--regions', 'us-east-1', '--quiet', ...flags, '--out', out]);
      return validateSnapshot(JSON.parse(readFileSync(out, 'utf8')), out).certificates.find((c) => c.name === 'spare-cert');
    };
    // Listed (so it is known) but not fetched: no listener serves it.
    expect(await spareOf([])).toMatchObject({ source: 'iam', inUseBy: [], bodyPem: null });
    expect((await spareOf(['--all-certificates']))?.bodyPem?.trim()).toBe(spare.leafPem.trim());
  });

  it('rejects region lists that are not region names, and needs a region from somewhere', () => {
    expect(parseRegions('eu-west-1, us-east-1')).toEqual(['eu-west-1', 'us-east-1']);
    expect(parseRegions('all')).toBe('all');
    expect(parseRegions(undefined, '--regions', { AWS_REGION: 'eu-central-1' })).toEqual(['eu-central-1']);
    expect(() => parseRegions('eu-west-1,Frankfurt')).toThrow(AuditError);
    expect(() => parseRegions('eu-west-1,Frankfurt')).toThrow(/--regions: not a region name: "Frankfurt"/);
    expect(() => parseRegions(undefined, '--regions', {})).toThrow(/no region given/);
  });
});
