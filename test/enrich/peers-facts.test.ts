/**
 * The facts behind the peer checks, from hand-built snapshots: a Private CA's root anchors the chains it
 * issued, security-group rules are judged against listener ports, trust-store bundles are parsed like chains,
 * and what a snapshot does not hold is unknown (skipped, or an error when a call failed), never a verdict.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ACCOUNT, REGION, classicListener, elbv2Listener, loadBalancer } from '../../src/demo/builders.ts';
import { enrich } from '../../src/enrich/index.ts';
import { OBSERVED, type CertificateRecord, type PrivateCaRecord, type SecurityGroupRecord, type Snapshot, type TrustStoreRecord } from '../../src/model/snapshot.ts';
import { buildSnapshot, type SnapshotParts } from '../../src/snapshot/builder.ts';
import { pemBundle, TestPki } from '../helpers/pki.ts';

const pki = new TestPki({ now: new Date('2026-11-20T09:00:00.000Z') });
afterAll(() => pki.cleanup());
const AS_OF = pki.now.toISOString();
const header = { capturedAt: AS_OF, generator: { name: 'elb-tls-audit', version: '0.0.0' }, scope: { accounts: [ACCOUNT], regions: [REGION] } };
const facts = (parts: SnapshotParts) => enrich(buildSnapshot(header, parts), { asOf: AS_OF, trustAnchorsPem: [], hostnames: new Map() });

const CA_ARN = `arn:aws:acm-pca:${REGION}:${ACCOUNT}:certificate-authority/11111111-2222-4333-8444-555555555555`;
const root = pki.root('Peers Facts Private Root');
const leaf = pki.leaf('intranet.peers.example', root);
const privateCert: CertificateRecord = {
  arn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/0f000000-0000-4000-8000-000000000001`, source: 'acm', account: ACCOUNT, region: REGION,
  name: 'intranet.peers.example', domainName: 'intranet.peers.example', subjectAlternativeNames: ['intranet.peers.example'], acmType: 'PRIVATE',
  status: 'ISSUED', keyAlgorithm: 'EC_prime256v1', notBefore: null, notAfter: null, renewalEligibility: 'ELIGIBLE', renewalStatus: null,
  transparencyLogging: 'DISABLED', inUseBy: [], bodyPem: leaf.pem, chainPem: root.pem, tags: { team: 'intranet' }, certificateAuthorityArn: CA_ARN,
  observed: { metadata: OBSERVED, body: OBSERVED, tags: OBSERVED },
};
const ca = (extra: Partial<PrivateCaRecord> = {}): PrivateCaRecord => ({
  arn: CA_ARN, account: ACCOUNT, region: REGION, status: 'ACTIVE', type: 'ROOT', keyAlgorithm: 'EC_prime256v1', signingAlgorithm: 'SHA256WITHECDSA',
  notBefore: '2025-11-20T09:00:00.000Z', notAfter: '2027-01-19T09:00:00.000Z', certificatePem: root.pem, chainPem: null,
  observed: { metadata: OBSERVED, certificate: OBSERVED }, ...extra,
});

describe('ACM Private CA facts', () => {
  it('anchor a private chain at the CA\'s root, so it is trusted without --trust-store', async () => {
    const [cert] = (await facts({ certificates: [privateCert], privateCas: [ca()] })).certificate;
    expect(cert?.chain?.status).toBe('trusted');
    expect(cert?.chain?.anchor).toEqual({ subject: 'CN=Peers Facts Private Root', source: 'private-ca' });
    expect(cert?.privateCa).toMatchObject({ status: 'ACTIVE', daysUntilExpiry: 60, expired: false, key: { type: 'ec', curve: 'P-256' }, signingHash: 'sha256' });
  });

  it('without the CA in the snapshot the chain is untrusted and the CA facts are unknown, not judged', async () => {
    const [old] = (await facts({ certificates: [privateCert] })).certificate;
    expect(old?.chain?.status).toBe('untrusted');
    expect(old?.privateCa).toBeNull();
    expect(old?.unknown?.['privateCa']?.status).toBe('skipped');
    const [missing] = (await facts({ certificates: [privateCert], privateCas: [] })).certificate;
    expect(missing?.unknown?.['privateCa']).toEqual({ status: 'error', reason: `Private CA ${CA_ARN} is not in the snapshot` });
  });

  it('a CA that could not be described leaves its status unknown', async () => {
    const denied = { status: 'error' as const, reason: 'AccessDeniedException: not authorized' };
    const [cert] = (await facts({ certificates: [privateCert], privateCas: [ca({ status: null, notAfter: null, observed: { metadata: denied, certificate: OBSERVED } })] })).certificate;
    expect(cert?.unknown?.['privateCa.status']?.reason).toContain('AccessDeniedException');
    // The CA certificate was read: the key is known from it even so.
    expect(cert?.privateCa?.key).toMatchObject({ type: 'ec' });
  });
});

describe('security-group exposure facts', () => {
  const group = (inbound: SecurityGroupRecord['inbound']): SecurityGroupRecord => ({ groupId: 'sg-0peers00000000001', account: ACCOUNT, region: REGION, name: 'lb', vpcId: 'vpc-1', inbound });
  const rule = (protocol: string, fromPort: number | null, toPort: number | null, cidr = '0.0.0.0/0') =>
    ({ protocol, fromPort, toPort, ipv4Ranges: cidr.includes(':') ? [] : [cidr], ipv6Ranges: cidr.includes(':') ? [cidr] : [], prefixListIds: [], groupIds: [] });
  const alb = () => {
    const lb = loadBalancer('application', 'peers', { securityGroups: ['sg-0peers00000000001'] });
    lb.listeners = [elbv2Listener(lb, 443, 'HTTPS'), elbv2Listener(lb, 8443, 'HTTPS')];
    return lb;
  };

  it('report ranges beyond the listener ports and all traffic (not ICMP); a port opened only to a VPC range still counts as reachable', async () => {
    const [lb] = (await facts({ loadBalancers: [alb()], securityGroups: [group([rule('tcp', 443, 443), rule('tcp', 8443, 8443, '10.0.0.0/8'), rule('tcp', 0, 65535, '::/0'), rule('icmp', -1, -1), rule('-1', null, null, '10.0.0.0/8')])] })).loadBalancer;
    expect(lb?.exposure).toMatchObject({ tlsOnly: true, openBeyondListeners: ['tcp 0-65535'], unreachableTlsListenerPorts: [] });
    expect(lb?.exposure?.internetIngress.map((i) => `${i.protocol}:${i.fromPort}-${i.toPort}@${i.source}`)).toEqual(['tcp:443-443@0.0.0.0/0', 'tcp:0-65535@::/0', 'icmp:-1--1@0.0.0.0/0']);
  });

  it('a listener port no rule admits is unreachable; an internal load balancer has no exposure facts', async () => {
    const [lb] = (await facts({ loadBalancers: [alb()], securityGroups: [group([rule('tcp', 443, 443)])] })).loadBalancer;
    expect(lb?.exposure?.unreachableTlsListenerPorts).toEqual([8443]);
    const internal = alb();
    internal.scheme = 'internal';
    expect((await facts({ loadBalancers: [internal], securityGroups: [] })).loadBalancer[0]?.exposure).toBeNull();
  });

  it('a group that could not be read is an error naming the failed call; a snapshot without groups is skipped', async () => {
    const lb = alb();
    const attempt = { service: 'ec2', account: ACCOUNT, region: REGION, operation: 'DescribeSecurityGroups', status: 'error' as const, reason: 'UnauthorizedOperation: denied', covers: ['sg-0peers00000000001'] };
    const [denied] = (await facts({ loadBalancers: [lb], securityGroups: [], attempts: [attempt] })).loadBalancer;
    expect(denied?.exposure).toBeNull();
    expect(denied?.unknown?.['exposure']).toEqual({ status: 'error', reason: 'security group sg-0peers00000000001: DescribeSecurityGroups failed: UnauthorizedOperation: denied' });
    expect((await facts({ loadBalancers: [alb()] })).loadBalancer[0]?.unknown?.['exposure']?.status).toBe('skipped');
  });

  it('Classic subnets reach the facts; WAF facts exist for ALBs only', async () => {
    const clb = loadBalancer('classic', 'peers-classic', { securityGroups: [] });
    clb.listeners = [classicListener(clb, 443, 'HTTPS', 'HTTP', 80)];
    const out = (await facts({ loadBalancers: [clb, { ...alb(), webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/a/1' }] })).loadBalancer;
    expect(out.find((l) => l.type === 'classic')).toMatchObject({ subnetIds: ['subnet-0aa1', 'subnet-0bb2'], webAclAttached: null });
    expect(out.find((l) => l.type === 'application')?.webAclAttached).toBe(true);
  });
});

describe('trust-store facts', () => {
  const store = (bundle: string, extra: Partial<TrustStoreRecord> = {}): TrustStoreRecord => ({
    arn: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:truststore/partners/0000000000000001`, name: 'partners', account: ACCOUNT, region: REGION,
    status: 'ACTIVE', numberOfCaCertificates: 2, caBundlePem: bundle, revocationCount: 0, revocations: [], observed: { caBundle: OBSERVED, revocations: OBSERVED }, ...extra,
  });
  const listenerFacts = async (trustStore: TrustStoreRecord) => {
    const lb = loadBalancer('application', 'mtls');
    lb.listeners = [elbv2Listener(lb, 443, 'HTTPS', { mutualAuthentication: { mode: 'verify', trustStoreArn: trustStore.arn, ignoreClientCertificateExpiry: false, advertiseTrustStoreCaNames: 'off' } })];
    return (await facts({ loadBalancers: [lb], trustStores: [trustStore] })).listener[0];
  };

  it('judge each CA of the bundle: expired, weak key, SHA-1 below a root, not a CA', async () => {
    const expired = pki.root('Bundle Expired CA', { notBeforeDays: -800, notAfterDays: -5 });
    const weak = pki.root('Bundle Weak CA', { key: 'rsa-1024' });
    const issuer = pki.root('Bundle Issuer');
    const sha1Intermediate = pki.intermediate('Bundle SHA1 Intermediate', issuer, { key: 'rsa-2048', digest: 'sha1' });
    const notCa = pki.leaf('client.partner.example', issuer);
    const l = await listenerFacts(store(pemBundle([expired, weak, sha1Intermediate, notCa])));
    expect(l?.mtls).toMatchObject({ trustStoreCaCount: 4, caMinDaysUntilExpiry: -5 });
    expect(l?.mtls?.expiredCas?.map((c) => c.subject)).toEqual(['CN=Bundle Expired CA']);
    expect(l?.mtls?.weakCas?.map((c) => `${c.subject}: ${c.reason}`)).toEqual([
      'CN=Bundle Weak CA: RSA 1024 bits',
      'CN=Bundle SHA1 Intermediate: ecdsa-with-SHA1',
      'CN=client.partner.example: not a CA (basicConstraints CA:FALSE or absent), keyUsage lacks keyCertSign',
    ]);
  });

  it('an unparsable bundle, a CRL without dates or a store the snapshot predates leave the facts unknown', async () => {
    const broken = await listenerFacts(store('-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n', {
      revocations: [{ revocationId: 7, revocationType: 'CRL', numberOfRevokedEntries: 1, issuer: null, thisUpdate: null, nextUpdate: null, error: 'the CRL could not be parsed: bad tag' }],
    }));
    expect(broken?.unknown?.['mtls.weakCas']?.status).toBe('error');
    expect(broken?.unknown?.['mtls.expiredRevocationLists']?.reason).toContain('revocation list 7 (the CRL could not be parsed: bad tag)');
    expect(broken?.mtls?.revocationListCount).toBe(1);
    const { observed: _omitted, ...older } = store(pemBundle([root]));
    expect((await listenerFacts(older as Snapshot["trustStores"][number]))?.unknown?.['mtls.trustStoreCaCount']?.status).toBe('skipped');
  });
});
