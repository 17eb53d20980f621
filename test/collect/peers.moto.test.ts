/**
 * The peer checks, collected for real: WAFv2 associations, security groups, Classic subnets, ACM tags and
 * ACM Private CAs against moto_server; trust-store CA bundles and CRLs downloaded from moto's S3 through
 * pre-signed-style URLs, with the ELBv2 mTLS answers moto lacks canned by the proxy. Then audited, so each
 * rule is seen to pass, fail, and error when the call behind it is denied.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImportCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import {
  CreateCertificateAuthorityCommand,
  GetCertificateAuthorityCsrCommand,
  ImportCertificateAuthorityCertificateCommand,
} from '@aws-sdk/client-acm-pca';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, DescribeSubnetsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { CreateLoadBalancerCommand as CreateClassicCommand } from '@aws-sdk/client-elastic-load-balancing';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { AssociateWebACLCommand, CreateWebACLCommand } from '@aws-sdk/client-wafv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { collectWithStats, sdkClientFactory, type ClientFactory } from '../../src/collect/index.ts';
import type { Finding } from '../../src/model/finding.ts';
import type { LoadBalancer, Snapshot } from '../../src/model/snapshot.ts';
import { startFaultProxy, type AwsRequestInfo, type CannedResponse } from '../helpers/fault-proxy.ts';
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto.ts';
import { pemBundle, TestPki, type TestCertificate } from '../helpers/pki.ts';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const NS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
const DAY_MS = 86_400_000;

let moto: MotoServer;
let pki: TestPki;
const ids = {} as {
  vpcId: string; subnets: [string, string][]; groupId: string; webAclArn: string; guardedAlb: string; bareAlb: string; classicArn: string;
  publicCert: string; privateCert: string; caArn: string; caRoot: TestCertificate; targetGroup: string;
};

const factory = (endpoint: string): ClientFactory => sdkClientFactory({ endpoint, credentials: MOTO_CREDENTIALS });
const collect = (endpoint: string) => collectWithStats({ regions: [REGION], clients: factory(endpoint), homeRegion: REGION, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
const lbNamed = (snapshot: Snapshot, name: string): LoadBalancer => {
  const lb = snapshot.loadBalancers.find((l) => l.name === name);
  if (!lb) throw new Error(`no load balancer ${name}`);
  return lb;
};
async function findings(snapshot: Snapshot, profile = 'default'): Promise<Finding[]> {
  return (await audit({ source: { kind: 'snapshot', snapshot }, probe: false, profile, failOn: 'critical', allowPartial: true, trustAnchorsPem: [] })).result.findings;
}
const finding = (all: Finding[], ruleId: string, name: string): Finding => {
  const found = all.find((f) => f.ruleId === ruleId && f.resource.name === name);
  if (!found) throw new Error(`no ${ruleId} finding for ${name}: ${all.filter((f) => f.ruleId === ruleId).map((f) => f.resource.name).join(', ')}`);
  return found;
};

async function buildEstate(clients: ClientFactory): Promise<void> {
  const ec2 = clients('ec2', REGION);
  const vpcId = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs?.find((v) => v.IsDefault)?.VpcId ?? '';
  const subnets = ((await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).Subnets ?? [])
    .map((s): [string, string] => [s.SubnetId ?? '', s.AvailabilityZone ?? ''])
    .sort((a, b) => a[1].localeCompare(b[1]))
    .slice(0, 2);
  // One group for every load balancer: 443 and 22 from anywhere (22 has no listener), 8443 from nowhere.
  const groupId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'peers-lb', Description: 'peers', VpcId: vpcId }))).GroupId ?? '';
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: groupId,
    IpPermissions: [
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    ],
  }));

  const acm = clients('acm', REGION);
  const root = pki.root('Peers Test Root');
  const leaf = pki.leaf('shop.peers.example', root);
  const publicCert = (await acm.send(new ImportCertificateCommand({
    Certificate: Buffer.from(leaf.pem), PrivateKey: Buffer.from(leaf.keyPem), CertificateChain: Buffer.from(root.pem),
    Tags: [{ Key: 'team', Value: 'shop' }, { Key: 'elb-tls-audit:hostnames', Value: 'www.peers.example' }],
  }))).CertificateArn ?? '';

  // A Private CA made ACTIVE by importing its (self-signed) certificate, and a private certificate from it.
  const pca = clients('acmpca', REGION);
  const caArn = (await pca.send(new CreateCertificateAuthorityCommand({
    CertificateAuthorityType: 'ROOT',
    CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { CommonName: 'Peers Private Root' } },
  }))).CertificateAuthorityArn ?? '';
  await pca.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: caArn }));
  const caRoot = pki.root('Peers Private Root');
  await pca.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: caArn, Certificate: Buffer.from(caRoot.pem) }));
  const privateCert = (await acm.send(new RequestCertificateCommand({ DomainName: 'intranet.peers.example', CertificateAuthorityArn: caArn }))).CertificateArn ?? '';

  const elbv2 = clients('elbv2', REGION);
  const alb = async (name: string) => (await elbv2.send(new CreateLoadBalancerCommand({
    Name: name, Type: 'application', Scheme: 'internet-facing', Subnets: subnets.map(([id]) => id), SecurityGroups: [groupId],
  }))).LoadBalancers?.[0]?.LoadBalancerArn ?? '';
  const guardedAlb = await alb('peers-guarded');
  const bareAlb = await alb('peers-bare');
  const targetGroup = (await elbv2.send(new CreateTargetGroupCommand({ Name: 'peers-tg', Protocol: 'HTTPS', Port: 443, VpcId: vpcId }))).TargetGroups?.[0]?.TargetGroupArn ?? '';
  for (const [lb, port, cert] of [[guardedAlb, 443, publicCert], [bareAlb, 443, publicCert], [bareAlb, 8443, privateCert]] as const) {
    await elbv2.send(new CreateListenerCommand({
      LoadBalancerArn: lb, Protocol: 'HTTPS', Port: port, SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      Certificates: [{ CertificateArn: cert }], DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroup }],
    }));
  }

  const waf = clients('wafv2', REGION);
  const webAclArn = (await waf.send(new CreateWebACLCommand({
    Name: 'peers-acl', Scope: 'REGIONAL', DefaultAction: { Allow: {} }, Rules: [],
    VisibilityConfig: { SampledRequestsEnabled: false, CloudWatchMetricsEnabled: false, MetricName: 'peers' },
  }))).Summary?.ARN ?? '';
  await waf.send(new AssociateWebACLCommand({ WebACLArn: webAclArn, ResourceArn: guardedAlb }));

  // A Classic load balancer in the VPC: AZs and subnets come apart in its description.
  await clients('elb', REGION).send(new CreateClassicCommand({
    LoadBalancerName: 'peers-classic', Subnets: subnets.map(([id]) => id), SecurityGroups: [groupId],
    Listeners: [{ Protocol: 'HTTPS', LoadBalancerPort: 443, InstanceProtocol: 'HTTPS', InstancePort: 443, SSLCertificateId: publicCert }],
  }));
  Object.assign(ids, {
    vpcId, subnets, groupId, webAclArn, guardedAlb, bareAlb, publicCert, privateCert, caArn, caRoot, targetGroup,
    classicArn: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/peers-classic`,
  });
}

beforeAll(async () => {
  moto = await startMoto();
  pki = new TestPki();
  await buildEstate(factory(moto.endpoint));
}, 300_000);

afterAll(async () => {
  await moto?.stop();
  pki?.cleanup();
});

describe('collected from moto', () => {
  let snapshot: Snapshot;
  let byOperation: Record<string, number>;
  let all: Finding[];
  beforeAll(async () => {
    const collected = await collect(moto.endpoint);
    snapshot = collected.snapshot;
    byOperation = collected.stats.byOperation;
    all = await findings(snapshot, 'aws-fsbp');
  }, 120_000);

  it('reads each ALB\'s WAFv2 web ACL with one GetWebACLForResource per ALB (two ALBs: fewer calls than listing)', async () => {
    expect(lbNamed(snapshot, 'peers-guarded').webAclArn).toBe(ids.webAclArn);
    expect(lbNamed(snapshot, 'peers-bare').webAclArn).toBeNull();
    expect(lbNamed(snapshot, 'peers-bare').observed.webAcl).toEqual({ status: 'ok', reason: null });
    expect(byOperation['wafv2:GetWebACLForResource']).toBe(2);
    expect(byOperation['wafv2:ListWebACLs']).toBeUndefined();
    expect(finding(all, 'alb-waf-missing', 'peers-guarded').status).toBe('pass');
    expect(finding(all, 'alb-waf-missing', 'peers-bare')).toMatchObject({ status: 'fail', controls: { 'aws-fsbp': ['ELB.16'] } });
    // Classic load balancers are not WAFv2 resources: never judged, so never a pass.
    expect(all.filter((f) => f.ruleId === 'alb-waf-missing' && f.resource.name === 'peers-classic' && f.status !== 'not_applicable')).toEqual([]);
  });

  it('reads the security groups in one batch and judges open, unreachable and plaintext ports against the listeners', () => {
    expect(byOperation['ec2:DescribeSecurityGroups']).toBe(1);
    const group = snapshot.securityGroups?.find((g) => g.groupId === ids.groupId);
    expect(group?.inbound.map((r) => [r.protocol, r.fromPort, r.toPort, r.ipv4Ranges, r.ipv6Ranges]).sort()).toEqual([
      ['tcp', 22, 22, ['0.0.0.0/0'], []],
      ['tcp', 443, 443, ['0.0.0.0/0'], ['::/0']],
    ]);
    const beyond = finding(all, 'lb-sg-open-beyond-listeners', 'peers-bare');
    expect(beyond.status).toBe('fail');
    expect(beyond.message).toContain('tcp 22');
    expect(finding(all, 'lb-sg-tls-listener-unreachable', 'peers-bare')).toMatchObject({ status: 'fail' });
    expect(finding(all, 'lb-sg-tls-listener-unreachable', 'peers-bare').message).toContain('8443');
    expect(finding(all, 'lb-sg-tls-listener-unreachable', 'peers-guarded').status).toBe('pass');
    // Both are TLS-only and open no plaintext port.
    expect(finding(all, 'lb-sg-plaintext-open', 'peers-guarded').status).toBe('pass');
    expect(finding(all, 'lb-sg-open-beyond-listeners', 'peers-classic').status).toBe('fail');
  });

  it('pairs each Classic AZ with its subnet (DescribeSubnets), as ELBv2 reports them', () => {
    const classic = lbNamed(snapshot, 'peers-classic');
    expect(classic.availabilityZones).toEqual(ids.subnets.map(([subnetId, zoneName]) => ({ zoneName, subnetId })));
    expect(classic.observed.subnets).toEqual({ status: 'ok', reason: null });
    expect(byOperation['ec2:DescribeSubnets']).toBe(1);
  });

  it('reads ACM tags (ACM.3) and takes the hostnames tag of a certificate as names it must cover', async () => {
    const cert = snapshot.certificates.find((c) => c.arn === ids.publicCert);
    expect(cert?.tags).toEqual({ team: 'shop', 'elb-tls-audit:hostnames': 'www.peers.example' });
    expect(finding(all, 'cert-untagged', 'shop.peers.example').status).toBe('pass');
    expect(finding(all, 'cert-untagged', 'intranet.peers.example')).toMatchObject({ status: 'fail', controls: { 'aws-fsbp': ['ACM.3'] } });
    const mismatch = finding(all, 'cert-hostname-mismatch', 'shop.peers.example');
    expect(mismatch.status).toBe('fail');
    expect(mismatch.message).toContain('www.peers.example');
  });

  it('describes the Private CA behind a private certificate and anchors its chain there', () => {
    expect(snapshot.certificates.find((c) => c.arn === ids.privateCert)?.certificateAuthorityArn).toBe(ids.caArn);
    const ca = snapshot.privateCas?.find((c) => c.arn === ids.caArn);
    expect(ca).toMatchObject({ status: 'ACTIVE', type: 'ROOT', keyAlgorithm: 'EC_prime256v1', signingAlgorithm: 'SHA256WITHECDSA' });
    expect(ca?.certificatePem?.trim()).toBe(ids.caRoot.pem.trim());
    expect(byOperation['acmpca:DescribeCertificateAuthority']).toBe(1);
    expect(byOperation['acmpca:GetCertificateAuthorityCertificate']).toBe(1);
    expect(finding(all, 'private-ca-not-active', 'intranet.peers.example').status).toBe('pass');
    expect(finding(all, 'private-ca-weak-algorithm', 'intranet.peers.example').status).toBe('pass');
    // Validity comes from DescribeCertificateAuthority (NotAfter): a year ahead, outside the 180-day window.
    expect(Date.parse(ca?.notAfter ?? '') - Date.parse(snapshot.capturedAt)).toBeGreaterThan(300 * 86_400_000);
    expect(finding(all, 'private-ca-expiring', 'intranet.peers.example').status).toBe('pass');
  });
});

describe('through a proxy', () => {
  it('lists web ACLs once and their ALBs once each when there are fewer ACLs than ALBs (ListResourcesForWebACL canned: moto lacks it)', async () => {
    await factory(moto.endpoint)('elbv2', REGION).send(new CreateLoadBalancerCommand({
      Name: 'peers-third', Type: 'application', Scheme: 'internal', Subnets: ids.subnets.map(([id]) => id), SecurityGroups: [ids.groupId],
    }));
    const proxy = await startFaultProxy({
      upstream: moto.endpoint,
      canned: (req: AwsRequestInfo): CannedResponse | null => req.service === 'wafv2' && req.operation === 'ListResourcesForWebACL'
        ? { status: 200, contentType: 'application/x-amz-json-1.1', body: JSON.stringify({ ResourceArns: req.params['WebACLArn'] === ids.webAclArn ? [ids.guardedAlb] : [] }) }
        : null,
    });
    try {
      const { snapshot, stats } = await collect(proxy.endpoint);
      expect(stats.byOperation['wafv2:ListWebACLs']).toBe(1);
      expect(stats.byOperation['wafv2:ListResourcesForWebACL']).toBe(1);
      expect(stats.byOperation['wafv2:GetWebACLForResource']).toBeUndefined();
      expect(lbNamed(snapshot, 'peers-guarded').webAclArn).toBe(ids.webAclArn);
      expect(lbNamed(snapshot, 'peers-bare').webAclArn).toBeNull();
      expect(lbNamed(snapshot, 'peers-third').observed.webAcl?.status).toBe('ok');
    } finally {
      await proxy.stop();
    }
  });

  it('fails closed: denied WAF, security-group, tag and Private CA calls leave errors on the rules, never passes', async () => {
    const denied = new Set(['ListWebACLs', 'GetWebACLForResource', 'DescribeSecurityGroups', 'ListTagsForCertificate', 'DescribeCertificateAuthority']);
    const proxy = await startFaultProxy({ upstream: moto.endpoint, deny: (req) => denied.has(req.operation) });
    try {
      const { snapshot } = await collect(proxy.endpoint);
      const errored = snapshot.attempts.filter((a) => a.status === 'error').map((a) => `${a.service}:${a.operation}`);
      expect(errored).toEqual(expect.arrayContaining(['wafv2:GetWebACLForResource', 'ec2:DescribeSecurityGroups', 'acm:ListTagsForCertificate', 'acmpca:DescribeCertificateAuthority']));
      const all = await findings(snapshot, 'aws-fsbp');
      expect(finding(all, 'alb-waf-missing', 'peers-guarded').status).toBe('error');
      expect(finding(all, 'lb-sg-open-beyond-listeners', 'peers-bare').status).toBe('error');
      expect(finding(all, 'cert-untagged', 'shop.peers.example').status).toBe('error');
      expect(finding(all, 'private-ca-not-active', 'intranet.peers.example').status).toBe('error');
      expect(all.some((f) => f.ruleId === 'collection-incomplete')).toBe(true);
    } finally {
      await proxy.stop();
    }
  });

  it('downloads a verify-mode trust store\'s CA bundle and CRL from S3 and judges them (ELBv2 mTLS answers canned: moto has no mTLS)', async () => {
    const trustStore = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:truststore/partners/6f2a9c1d0e4b7a35`;
    // A partner CA that expires in ten days, a legacy RSA-1024 CA, and a CRL whose nextUpdate has passed.
    const partner = pki.root('Partners Client CA G1', { key: 'rsa-2048', notBeforeDays: -400, notAfterDays: 10 });
    const legacy = pki.root('Partners Legacy CA', { key: 'rsa-1024', notAfterDays: 900 });
    const crlPath = join(pki.dir, 'partners.crl');
    const at = (days: number) => new Date(pki.now.getTime() + days * DAY_MS).toISOString().replace(/[-:T]/g, '').replace(/\.\d{3}Z$/, 'Z');
    execFileSync('openssl', ['ca', '-gencrl', '-config', join(pki.dir, 'ca.cnf'), '-cert', partner.certPath, '-keyfile', partner.keyPath,
      '-crl_lastupdate', at(-40), '-crl_nextupdate', at(-10), '-out', crlPath], { cwd: pki.dir, stdio: 'pipe' });
    const s3 = new S3Client({ region: REGION, endpoint: moto.endpoint, forcePathStyle: true, credentials: MOTO_CREDENTIALS });
    await s3.send(new CreateBucketCommand({ Bucket: 'elb-trust-stores' }));
    await s3.send(new PutObjectCommand({ Bucket: 'elb-trust-stores', Key: 'partners/bundle.pem', Body: pemBundle([partner, legacy]) }));
    await s3.send(new PutObjectCommand({ Bucket: 'elb-trust-stores', Key: 'partners/1.crl', Body: readFileSync(crlPath) }));
    // Real pre-signed URLs (moto checks them), as ELB hands out for its own bucket.
    const [bundleUrl, crlUrl] = await Promise.all(['partners/bundle.pem', 'partners/1.crl'].map((Key) =>
      getSignedUrl(s3, new GetObjectCommand({ Bucket: 'elb-trust-stores', Key }), { expiresIn: 600 })));
    const xml = (op: string, result: string) => ({ status: 200, contentType: 'text/xml', body: `<${op}Response xmlns="${NS}"><${op}Result>${result}</${op}Result><ResponseMetadata><RequestId>peers</RequestId></ResponseMetadata></${op}Response>` });
    const proxy = await startFaultProxy({
      upstream: moto.endpoint,
      canned: (req) => {
        if (req.service !== 'elbv2') return null;
        if (req.operation === 'DescribeListeners' && req.params['LoadBalancerArn'] === ids.bareAlb) {
          return xml('DescribeListeners', `<Listeners><member><LoadBalancerArn>${ids.bareAlb}</LoadBalancerArn><Protocol>HTTPS</Protocol><Port>443</Port>
<ListenerArn>${ids.bareAlb.replace(':loadbalancer/', ':listener/')}/0000000000000443</ListenerArn><SslPolicy>ELBSecurityPolicy-TLS13-1-2-2021-06</SslPolicy>
<Certificates><member><CertificateArn>${ids.publicCert}</CertificateArn></member></Certificates>
<DefaultActions><member><Type>forward</Type><TargetGroupArn>${ids.targetGroup}</TargetGroupArn></member></DefaultActions>
<MutualAuthentication><Mode>verify</Mode><TrustStoreArn>${trustStore}</TrustStoreArn><IgnoreClientCertificateExpiry>false</IgnoreClientCertificateExpiry></MutualAuthentication>
</member></Listeners>`);
        }
        if (req.operation === 'DescribeTrustStores') return xml('DescribeTrustStores', `<TrustStores><member><Name>partners</Name><TrustStoreArn>${trustStore}</TrustStoreArn><Status>ACTIVE</Status><NumberOfCaCertificates>2</NumberOfCaCertificates><TotalRevokedEntries>0</TotalRevokedEntries></member></TrustStores>`);
        if (req.operation === 'GetTrustStoreCaCertificatesBundle') return xml('GetTrustStoreCaCertificatesBundle', `<Location>${(bundleUrl ?? '').replace(/&/g, '&amp;')}</Location>`);
        if (req.operation === 'DescribeTrustStoreRevocations') return xml('DescribeTrustStoreRevocations', `<TrustStoreRevocations><member><TrustStoreArn>${trustStore}</TrustStoreArn><RevocationId>1</RevocationId><RevocationType>CRL</RevocationType><NumberOfRevokedEntries>0</NumberOfRevokedEntries></member></TrustStoreRevocations>`);
        if (req.operation === 'GetTrustStoreRevocationContent') return xml('GetTrustStoreRevocationContent', `<Location>${(crlUrl ?? '').replace(/&/g, '&amp;')}</Location>`);
        return null;
      },
    });
    try {
      const { snapshot, stats } = await collect(proxy.endpoint);
      const store = snapshot.trustStores.find((t) => t.arn === trustStore);
      expect(store?.observed, JSON.stringify(snapshot.attempts.filter((a) => a.status !== 'ok'))).toEqual({ caBundle: { status: 'ok', reason: null }, revocations: { status: 'ok', reason: null } });
      expect(store?.caBundlePem).toBe(pemBundle([partner, legacy]));
      expect(store?.observed).toEqual({ caBundle: { status: 'ok', reason: null }, revocations: { status: 'ok', reason: null } });
      expect(store?.revocations).toEqual([{
        revocationId: 1, revocationType: 'CRL', numberOfRevokedEntries: 0, issuer: 'CN=Partners Client CA G1',
        thisUpdate: new Date(pki.now.getTime() - 40 * DAY_MS).toISOString(), nextUpdate: new Date(pki.now.getTime() - 10 * DAY_MS).toISOString(), error: null,
      }]);
      expect(stats.byOperation['elbv2:GetTrustStoreCaCertificatesBundle(download)']).toBe(1);
      const all = (await audit({ source: { kind: 'snapshot', snapshot }, probe: false, profile: 'default', failOn: 'critical', allowPartial: true, asOf: pki.now.toISOString() })).result.findings;
      const expiring = finding(all, 'mtls-ca-expiring', 'peers-bare:443');
      expect(expiring).toMatchObject({ status: 'fail' });
      expect(expiring.message).toMatch(/expires in (9|10) days/);
      expect(finding(all, 'mtls-ca-weak', 'peers-bare:443').message).toContain('RSA 1024 bits');
      expect(finding(all, 'mtls-revocation-stale', 'peers-bare:443').message).toContain('past their nextUpdate');
    } finally {
      await proxy.stop();
    }
  });

  it('a bundle download that fails (the URL answers 403) is an error on the CA rules, not a pass', async () => {
    const trustStore = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:truststore/gone/0000000000000001`;
    const xml = (op: string, result: string) => ({ status: 200, contentType: 'text/xml', body: `<${op}Response xmlns="${NS}"><${op}Result>${result}</${op}Result></${op}Response>` });
    const proxy = await startFaultProxy({
      upstream: moto.endpoint,
      canned: (req) => {
        if (req.service !== 'elbv2') return null;
        if (req.operation === 'DescribeListeners' && req.params['LoadBalancerArn'] === ids.guardedAlb) {
          return xml('DescribeListeners', `<Listeners><member><LoadBalancerArn>${ids.guardedAlb}</LoadBalancerArn><Protocol>HTTPS</Protocol><Port>443</Port>
<ListenerArn>${ids.guardedAlb.replace(':loadbalancer/', ':listener/')}/0000000000000443</ListenerArn><SslPolicy>ELBSecurityPolicy-TLS13-1-2-2021-06</SslPolicy>
<Certificates><member><CertificateArn>${ids.publicCert}</CertificateArn></member></Certificates>
<MutualAuthentication><Mode>verify</Mode><TrustStoreArn>${trustStore}</TrustStoreArn><IgnoreClientCertificateExpiry>false</IgnoreClientCertificateExpiry></MutualAuthentication>
</member></Listeners>`);
        }
        if (req.operation === 'DescribeTrustStores') return xml('DescribeTrustStores', `<TrustStores><member><Name>gone</Name><TrustStoreArn>${trustStore}</TrustStoreArn><Status>ACTIVE</Status><TotalRevokedEntries>0</TotalRevokedEntries></member></TrustStores>`);
        // A bucket that does not exist: moto's S3 answers an error, as an expired pre-signed URL would.
        if (req.operation === 'GetTrustStoreCaCertificatesBundle') return xml('GetTrustStoreCaCertificatesBundle', `<Location>${moto.endpoint}/no-such-bucket/bundle.pem</Location>`);
        if (req.operation === 'DescribeTrustStoreRevocations') return xml('DescribeTrustStoreRevocations', '<TrustStoreRevocations/>');
        return null;
      },
    });
    try {
      const { snapshot } = await collect(proxy.endpoint);
      const store = snapshot.trustStores.find((t) => t.arn === trustStore);
      expect(store?.caBundlePem).toBeNull();
      expect(store?.observed?.caBundle.status).toBe('error');
      expect(snapshot.attempts.find((a) => a.operation === 'GetTrustStoreCaCertificatesBundle(download)')).toMatchObject({ status: 'error', covers: [trustStore] });
      const all = await findings(snapshot);
      expect(finding(all, 'mtls-ca-expiring', 'peers-guarded:443').status).toBe('error');
      expect(finding(all, 'mtls-ca-weak', 'peers-guarded:443').status).toBe('error');
      // No revocation list at all: mtls-no-revocation judges that; the staleness rule does not apply.
      expect(finding(all, 'mtls-no-revocation', 'peers-guarded:443').status).toBe('fail');
      expect(all.filter((f) => f.ruleId === 'mtls-revocation-stale' && f.resource.name === 'peers-guarded:443' && f.status !== 'not_applicable')).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });
});
