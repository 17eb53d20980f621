/**
 * `iac --resolve-live` against moto: a template that adds a listener to an existing ALB and names an imported
 * ACM certificate by ARN. Without the flag both are "not judged before deploy"; with it the normal collectors
 * read them and the same rules judge them; a reference the account does not hold is a gap, never a pass.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImportCertificateCommand } from '@aws-sdk/client-acm';
import { DescribeSubnetsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { CreateLoadBalancerCommand, ModifyLoadBalancerAttributesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkClientFactory } from '../../src/collect/index.ts';
import { registerIacCommand } from '../../src/entry/commands/iac.ts';
import type { Finding } from '../../src/model/finding.ts';
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto.ts';
import { TestPki } from '../helpers/pki.ts';

const REGION = 'eu-west-1';
let moto: MotoServer;
let dir: string;
let pki: TestPki;
let albArn = '';
let certArn = '';
const missingCert = `arn:aws:acm:${REGION}:123456789012:certificate/00000000-0000-0000-0000-000000000000`;
const savedEnv = { ...process.env };

async function runIac(template: string, extra: string[]): Promise<{ findings: Finding[]; exitCode: number }> {
  const out = mkdtempSync(join(dir, 'out-'));
  process.env = { ...savedEnv, AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey, AWS_REGION: REGION };
  try {
    const program = new Command().exitOverride();
    registerIacCommand(program);
    await program.parseAsync(['node', 'elb-tls-audit', 'iac', template, '--region', REGION, '--account', '123456789012', '--out', out, '--quiet', '--as-of', '2027-01-01T00:00:00Z', ...extra]);
    const findings = (JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as { findings: Finding[] }).findings;
    return { findings, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = undefined;
    process.env = { ...savedEnv };
  }
}

const finding = (findings: Finding[], ruleId: string, match: (f: Finding) => boolean) => findings.find((f) => f.ruleId === ruleId && match(f));

beforeAll(async () => {
  moto = await startMoto();
  dir = mkdtempSync(join(tmpdir(), 'iac-live-'));
  pki = new TestPki({ now: new Date('2026-12-01T00:00:00Z') });
  const clients = sdkClientFactory({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  const ec2 = clients('ec2', REGION);
  const vpcId = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs?.find((v) => v.IsDefault)?.VpcId ?? '';
  const subnets = ((await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).Subnets ?? []).slice(0, 2);
  const elbv2 = clients('elbv2', REGION);
  const alb = await elbv2.send(new CreateLoadBalancerCommand({ Name: 'existing-alb', Type: 'application', Subnets: subnets.map((s) => s.SubnetId ?? '') }));
  albArn = alb.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
  await elbv2.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: albArn, Attributes: [
    { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'false' },
    { Key: 'routing.http.desync_mitigation_mode', Value: 'defensive' },
    { Key: 'access_logs.s3.enabled', Value: 'false' },
    { Key: 'deletion_protection.enabled', Value: 'true' },
  ] }));
  const leaf = pki.issue({ cn: 'shop.example.test', key: 'rsa-1024', notAfterDays: 300 });
  const imported = await clients('acm', REGION).send(new ImportCertificateCommand({ Certificate: Buffer.from(leaf.pem), PrivateKey: Buffer.from(leaf.keyPem) }));
  certArn = imported.CertificateArn ?? '';
  const listener = (logicalId: string, port: number, certificate: string) => [
    `  ${logicalId}:`,
    '    Type: AWS::ElasticLoadBalancingV2::Listener',
    '    Properties:',
    `      LoadBalancerArn: ${albArn}`,
    `      Port: ${port}`,
    '      Protocol: HTTPS',
    '      SslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06',
    '      Certificates:',
    `        - CertificateArn: ${certificate}`,
    '      DefaultActions:',
    '        - Type: fixed-response',
    '          FixedResponseConfig:',
    '            StatusCode: "200"',
  ];
  writeFileSync(join(dir, 'listener.yaml'), [
    "AWSTemplateFormatVersion: '2010-09-09'",
    'Description: A new HTTPS listener on an ALB that already exists, serving an imported certificate.',
    'Resources:',
    ...listener('Https', 8443, certArn),
    ...listener('Admin', 9443, missingCert),
    '',
  ].join('\n'));
});

afterAll(async () => {
  await moto?.stop();
  pki?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('iac --resolve-live', () => {
  it('without the flag, the referenced certificate and load balancer are not judged', async () => {
    const { findings } = await runIac(join(dir, 'listener.yaml'), []);
    expect(finding(findings, 'cert-weak-key', (f) => f.resource.arn === certArn)).toBeUndefined();
    expect(finding(findings, 'alb-drop-invalid-headers', (f) => f.resource.arn === albArn)).toBeUndefined();
  });

  it('with the flag, judges the imported certificate and the existing load balancer as the live audit would', async () => {
    const { findings } = await runIac(join(dir, 'listener.yaml'), ['--resolve-live']);
    expect(finding(findings, 'cert-weak-key', (f) => f.resource.arn === certArn)?.status).toBe('fail');
    expect(finding(findings, 'alb-drop-invalid-headers', (f) => f.resource.arn === albArn)?.status).toBe('fail');
    expect(finding(findings, 'lb-deletion-protection', (f) => f.resource.arn === albArn)?.status).toBe('pass');
    // The listener from the code is judged on the live load balancer, with its certificate's facts.
    const https = finding(findings, 'listener-weak-protocol', (f) => f.resource.name === 'existing-alb:8443');
    expect(https?.status).toBe('pass');
  });

  it('reports a certificate the account does not hold as not judged, so the run is incomplete', async () => {
    const { findings, exitCode } = await runIac(join(dir, 'listener.yaml'), ['--resolve-live']);
    const gap = findings.find((f) => f.status === 'error' && f.message.includes(missingCert) && /not found|does not exist/.test(f.message));
    expect(gap).toBeDefined();
    expect(exitCode).toBe(3);
  });
});
