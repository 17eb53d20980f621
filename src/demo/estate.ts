/**
 * The embedded demo estate: one account modelled on the seed guides (a Classic HTTPS load balancer with a
 * custom policy enabling SSLv3 and TLSv1, backend HTTPS with and without back-end authentication; an HTTPS
 * listener forwarding to HTTP; an NLB passing TCP 443 through to CloudHSM-backed web servers) beside
 * well-configured load balancers, so the demo shows what is wrong and what is right.
 */
import { OBSERVED, type CertificateRecord, type HsmCluster, type InstanceRecord, type PrivateCaRecord, type SecurityGroupRecord, type Snapshot } from '../model/snapshot.ts';
import { buildSnapshot } from '../snapshot/builder.ts';
import { TOOL_VERSION } from '../version.ts';
import {
  ACCOUNT, REGION, classicListener, classicSslPolicy, elbv2Listener, forward, loadBalancer, redirectHttps, targetGroup,
} from './builders.ts';
import { demoCertificates } from './certificates.ts';
import pki from './pki.json' with { type: 'json' };
import peerPki from './pki-peers.json' with { type: 'json' };

/** The demo's own CA, trusted the way a team passes its own with --trust-store (Corp Private Root is trusted as the root of the demo's ACM Private CA). */
export function demoTrustAnchors(): string[] {
  return [pki.roots.demo];
}

export const DEMO_CAPTURED_AT = '2026-11-20T09:00:00.000Z';
const az = (x: string) => `${REGION}${x}`;

function instances(): InstanceRecord[] {
  const web = (id: string, zone: string, sgs: string[]): InstanceRecord => ({
    instanceId: id, account: ACCOUNT, region: REGION, availabilityZone: az(zone), subnetId: `subnet-0${zone}${zone}1`,
    vpcId: 'vpc-0a1b2c3d4e5f60718', securityGroups: sgs, state: 'running',
  });
  return [
    web('i-0legacy00000000a1', 'a', ['sg-0web0000000000001']),
    web('i-0shop000000000a01', 'a', ['sg-0web0000000000001']),
    web('i-0shop000000000b01', 'b', ['sg-0web0000000000001']),
    web('i-0hsmweb0000000a01', 'a', ['sg-0web0000000000001', 'sg-0cloudhsm00000001']),
    web('i-0hsmweb0000000b01', 'b', ['sg-0web0000000000001', 'sg-0cloudhsm00000001']),
  ];
}

function hsmClusters(): HsmCluster[] {
  return [{
    clusterId: 'cluster-demo4hsm5x', account: ACCOUNT, region: REGION, state: 'ACTIVE', hsmType: 'hsm1.medium',
    vpcId: 'vpc-0a1b2c3d4e5f60718', securityGroup: 'sg-0cloudhsm00000001',
    subnetMapping: { [az('a')]: 'subnet-0aa1', [az('b')]: 'subnet-0bb2' },
    // One ACTIVE HSM: the web server in eu-west-1b has no HSM in its AZ, and a single HSM is no redundancy.
    hsms: [{ hsmId: 'hsm-demo0000001', availabilityZone: az('a'), subnetId: 'subnet-0aa1', state: 'ACTIVE', eniIp: '10.0.0.12' }],
    backups: [{ backupId: 'backup-demo000001', state: 'READY', createTimestamp: '2026-11-19T02:00:00.000Z' }],
    observed: { backups: OBSERVED },
  }];
}

/** The web servers' group, which the demo's load balancers share too: HTTPS and HTTP from anywhere. */
function securityGroups(): SecurityGroupRecord[] {
  const open = (port: number) => ({ protocol: 'tcp', fromPort: port, toPort: port, ipv4Ranges: ['0.0.0.0/0'], ipv6Ranges: ['::/0'], prefixListIds: [], groupIds: [] });
  return [{ groupId: 'sg-0web0000000000001', account: ACCOUNT, region: REGION, name: 'web', vpcId: 'vpc-0a1b2c3d4e5f60718', inbound: [open(443), open(80)] }];
}

/** The demo's ACM Private CA: it issued intranet.corp.example and has since been disabled. */
export const DEMO_PRIVATE_CA_ARN = `arn:aws:acm-pca:${REGION}:${ACCOUNT}:certificate-authority/7a3b2c1d-0000-4000-8000-00000000c0a1`;
function privateCas(): PrivateCaRecord[] {
  return [{
    arn: DEMO_PRIVATE_CA_ARN, account: ACCOUNT, region: REGION, status: 'DISABLED', type: 'ROOT', keyAlgorithm: 'EC_prime256v1', signingAlgorithm: 'SHA256WITHECDSA',
    notBefore: '2022-01-01T00:00:00.000Z', notAfter: '2042-01-01T00:00:00.000Z', certificatePem: pki.roots.corpPrivate, chainPem: null,
    observed: { metadata: OBSERVED, certificate: OBSERVED },
  }];
}

/** The gap the demo command adds to show failing closed: the auditor role may not read one load balancer's attributes. */
export function withDemoCollectionGap(snapshot: Snapshot): Snapshot {
  const reason = 'AccessDenied: not authorized to perform elasticloadbalancing:DescribeLoadBalancerAttributes (simulated in the demo)';
  const mqtt = snapshot.loadBalancers.find((lb) => lb.name === 'mqtt-tls');
  return {
    ...snapshot,
    // What a denied call leaves: no attributes, and the record says they were not seen.
    loadBalancers: snapshot.loadBalancers.map((lb) => (lb === mqtt ? { ...lb, attributes: {}, observed: { ...lb.observed, attributes: { status: 'error' as const, reason } } } : lb)),
    attempts: [...snapshot.attempts, {
      service: 'elbv2', account: ACCOUNT, region: REGION, operation: 'DescribeLoadBalancerAttributes', status: 'error', reason, covers: mqtt ? [mqtt.arn] : [],
    }],
  };
}

/** Builds the demo snapshot (deterministic: fixed ids and capture time). */
export function demoSnapshot(): Snapshot {
  const certs: CertificateRecord[] = demoCertificates();
  const cert = (name: string) => certs.find((c) => c.name === name)!.arn;
  // ACM.3: every ACM certificate but the MQTT one carries an owner tag; the private one names its issuing CA.
  for (const c of certs) {
    if (c.source === 'acm') c.observed.tags = OBSERVED;
    if (c.source === 'acm' && c.name !== 'mqtt.example.com') c.tags = { team: c.name.split('.')[0] ?? 'web' };
    if (c.source === 'acm') c.certificateAuthorityArn = c.acmType === 'PRIVATE' ? DEMO_PRIVATE_CA_ARN : null;
  }

  // Seed 001/002: a Classic HTTPS load balancer in one AZ with a custom policy that enables SSLv3 and TLSv1.
  const legacy = loadBalancer('classic', 'legacy-web', {
    availabilityZones: [{ zoneName: az('a'), subnetId: 'subnet-0aa1' }],
    attributes: { 'access_log.enabled': 'false', 'connection_draining.enabled': 'false', 'cross_zone_load_balancing.enabled': 'false', desync_mitigation_mode: 'monitor' },
    tags: { team: 'legacy', note: '<img src=x onerror=alert(1)>' },
    classicPolicies: [classicSslPolicy('my-SSLNegotiation-policy', ['Protocol-SSLv3', 'Protocol-TLSv1', 'Protocol-TLSv1.2', 'ECDHE-RSA-AES128-GCM-SHA256', 'AES128-SHA', 'DES-CBC3-SHA', 'RC4-SHA'], false)],
    registeredInstances: [{ instanceId: 'i-0legacy00000000a1', state: 'healthy' }],
  });
  legacy.listeners = [
    classicListener(legacy, 443, 'HTTPS', 'HTTPS', 443, { policyNames: ['my-SSLNegotiation-policy'], certificates: [{ arn: cert('legacy-web-2019'), isDefault: true }] }),
    classicListener(legacy, 80, 'HTTP', 'HTTP', 80),
  ];

  // Seed 002: back-end server authentication done right, on a predefined TLS 1.2 policy.
  const secureClassic = loadBalancer('classic', 'payments-classic', {
    attributes: { 'access_log.enabled': 'true', 'connection_draining.enabled': 'true', 'cross_zone_load_balancing.enabled': 'true', desync_mitigation_mode: 'defensive' },
    tags: { team: 'payments' },
    classicPolicies: [
      { name: 'ELBSecurityPolicy-TLS-1-2-2017-01', type: 'SSLNegotiationPolicyType', attributes: [{ name: 'Reference-Security-Policy', value: 'ELBSecurityPolicy-TLS-1-2-2017-01' }] },
      { name: 'my-PublicKey-policy', type: 'PublicKeyPolicyType', attributes: [{ name: 'PublicKey', value: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAdemo' }] },
      { name: 'my-authentication-policy', type: 'BackendServerAuthenticationPolicyType', attributes: [{ name: 'PublicKeyPolicyName', value: 'my-PublicKey-policy' }] },
    ],
    backendServers: [{ instancePort: 443, policyNames: ['my-authentication-policy'] }],
    registeredInstances: [{ instanceId: 'i-0shop000000000a01', state: 'healthy' }, { instanceId: 'i-0shop000000000b01', state: 'healthy' }],
  });
  secureClassic.listeners = [
    classicListener(secureClassic, 443, 'HTTPS', 'HTTPS', 443, { policyNames: ['ELBSecurityPolicy-TLS-1-2-2017-01'], certificates: [{ arn: cert('payments.example.com'), isDefault: true }] }),
    // Its stand-in endpoint is down in the demo: the probe cannot connect, which is an error, never a pass.
    classicListener(secureClassic, 8443, 'SSL', 'SSL', 8443, { policyNames: ['ELBSecurityPolicy-TLS-1-2-2017-01'], certificates: [{ arn: cert('payments.example.com'), isDefault: true }] }),
  ];

  // A well-run ALB: TLS 1.3 restricted PQ policy, HTTP redirects, HTTPS to targets, SNI certificate list.
  const webAcl = `arn:aws:wafv2:${REGION}:${ACCOUNT}:regional/webacl/shop-edge/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;
  const shop = loadBalancer('application', 'shop', {
    webAclArn: webAcl,
    attributes: { 'deletion_protection.enabled': 'true', 'routing.http.drop_invalid_header_fields.enabled': 'true', 'routing.http.desync_mitigation_mode': 'defensive', 'access_logs.s3.enabled': 'true' },
    tags: { team: 'shop', env: 'prod' },
  });
  const shopTg = targetGroup(shop, 'shop-https', 'HTTPS', 443, [['i-0shop000000000a01', az('a'), 'healthy'], ['i-0shop000000000b01', az('b'), 'healthy']]);
  shop.targetGroups = [shopTg];
  // Customer mTLS in verify mode: a sound CA, but the CRL uploaded in August was never replaced.
  const customersTrustStore = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:truststore/customers/2b7c9d0e1f2a3b4c`;
  shop.listeners = [
    elbv2Listener(shop, 443, 'HTTPS', {
      sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09', certificates: [{ arn: cert('shop.example.com'), isDefault: true }, { arn: cert('www.shop.example.com'), isDefault: false }], defaultActions: [forward(shopTg.arn)],
      mutualAuthentication: { mode: 'verify', trustStoreArn: customersTrustStore, ignoreClientCertificateExpiry: false, advertiseTrustStoreCaNames: 'on' },
    }),
    elbv2Listener(shop, 80, 'HTTP', { defaultActions: [redirectHttps] }),
  ];

  // Seed scenario: an HTTPS listener forwarding to HTTP, on the API default policy (TLS 1.0), and an HTTP rule that forwards.
  const api = loadBalancer('application', 'api', {
    // The names clients use for this ALB: its default certificate must cover both.
    attributes: { 'deletion_protection.enabled': 'false', 'routing.http.drop_invalid_header_fields.enabled': 'false', 'routing.http.desync_mitigation_mode': 'monitor', 'access_logs.s3.enabled': 'false' },
    tags: { team: 'platform', 'elb-tls-audit:hostnames': 'api.example.com,api.internal.example.com' },
  });
  const apiTg = targetGroup(api, 'api-http', 'HTTP', 8080, [['i-0shop000000000a01', az('a'), 'healthy'], ['i-0shop000000000b01', az('b'), 'unhealthy']]);
  api.targetGroups = [apiTg];
  api.listeners = [
    // mTLS passthrough: client certificates reach the targets unverified.
    elbv2Listener(api, 443, 'HTTPS', {
      sslPolicy: 'ELBSecurityPolicy-2016-08', certificates: [{ arn: cert('api.example.com'), isDefault: true }], defaultActions: [forward(apiTg.arn)],
      mutualAuthentication: { mode: 'passthrough', trustStoreArn: null, ignoreClientCertificateExpiry: null, advertiseTrustStoreCaNames: null },
    }),
    elbv2Listener(api, 80, 'HTTP', { defaultActions: [redirectHttps], rules: [{ arn: `${api.arn.replace(':loadbalancer/', ':listener-rule/')}/health`, priority: '10', conditions: [{ Field: 'path-pattern', Values: ['/health'] }], actions: [forward(apiTg.arn)] }] }),
  ];

  // An internal ALB on a policy name nobody can resolve.
  const intranet = loadBalancer('application', 'intranet', { scheme: 'internal', attributes: { 'deletion_protection.enabled': 'true', 'routing.http.drop_invalid_header_fields.enabled': 'true', 'routing.http.desync_mitigation_mode': 'strictest', 'access_logs.s3.enabled': 'true' } });
  const intranetTg = targetGroup(intranet, 'intranet-https', 'HTTPS', 443, [['i-0shop000000000a01', az('a'), 'healthy'], ['i-0shop000000000b01', az('b'), 'healthy']]);
  intranet.targetGroups = [intranetTg];
  // Partner mTLS in verify mode, but on a trust store without a CRL and with client expiry ignored.
  const partnersTrustStore = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:truststore/partners/5e1f0a2b3c4d5e6f`;
  intranet.listeners = [elbv2Listener(intranet, 443, 'HTTPS', {
    sslPolicy: 'ELBSecurityPolicy-Custom-Legacy-2012', certificates: [{ arn: cert('intranet.corp.example'), isDefault: true }], defaultActions: [forward(intranetTg.arn)],
    mutualAuthentication: { mode: 'verify', trustStoreArn: partnersTrustStore, ignoreClientCertificateExpiry: true, advertiseTrustStoreCaNames: 'off' },
  })];

  // Seed 000: an NLB passing TCP 443 through to web servers that keep their keys in CloudHSM.
  const hsmFront = loadBalancer('network', 'hsm-front', { attributes: { 'deletion_protection.enabled': 'true', 'load_balancing.cross_zone.enabled': 'false', 'access_logs.s3.enabled': 'false' }, tags: { team: 'crypto' } });
  const hsmTg = targetGroup(hsmFront, 'hsm-web-tcp', 'TCP', 443, [['i-0hsmweb0000000a01', az('a'), 'healthy'], ['i-0hsmweb0000000b01', az('b'), 'healthy']]);
  hsmFront.targetGroups = [hsmTg];
  hsmFront.listeners = [elbv2Listener(hsmFront, 443, 'TCP', { defaultActions: [forward(hsmTg.arn)] })];

  // An NLB terminating TLS with a FIPS policy but passing plaintext TCP to its targets, in one AZ.
  const mqtt = loadBalancer('network', 'mqtt-tls', { availabilityZones: [{ zoneName: az('a'), subnetId: 'subnet-0aa1' }], attributes: { 'deletion_protection.enabled': 'false', 'load_balancing.cross_zone.enabled': 'false', 'access_logs.s3.enabled': 'false' } });
  const mqttTg = targetGroup(mqtt, 'mqtt-tcp', 'TCP', 1883, [['i-0shop000000000a01', az('a'), 'healthy']]);
  mqtt.targetGroups = [mqttTg];
  mqtt.listeners = [elbv2Listener(mqtt, 8883, 'TLS', { sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04', certificates: [{ arn: cert('mqtt.example.com'), isDefault: true }], defaultActions: [forward(mqttTg.arn)] })];

  // A public Classic status page that never got an HTTPS listener.
  const statusPage = loadBalancer('classic', 'status-page', {
    attributes: { 'access_log.enabled': 'true', 'connection_draining.enabled': 'true', 'cross_zone_load_balancing.enabled': 'true', desync_mitigation_mode: 'defensive' },
    registeredInstances: [{ instanceId: 'i-0shop000000000a01', state: 'healthy' }, { instanceId: 'i-0shop000000000b01', state: 'healthy' }],
  });
  statusPage.listeners = [classicListener(statusPage, 80, 'HTTP', 'HTTP', 80)];

  // A leftover internal ALB whose listeners were deleted.
  const staging = loadBalancer('application', 'staging-old', { scheme: 'internal', attributes: { 'deletion_protection.enabled': 'true', 'routing.http.drop_invalid_header_fields.enabled': 'true', 'routing.http.desync_mitigation_mode': 'defensive', 'access_logs.s3.enabled': 'true' } });

  return buildSnapshot(
    { capturedAt: DEMO_CAPTURED_AT, generator: { name: 'elb-tls-audit', version: TOOL_VERSION }, scope: { accounts: [ACCOUNT], regions: [REGION] } },
    {
      loadBalancers: [legacy, secureClassic, shop, api, intranet, hsmFront, mqtt, statusPage, staging],
      trustStores: [
        // A partner CA expiring in 20 days and a legacy RSA-1024 CA; no revocation list.
        {
          arn: partnersTrustStore, name: 'partners', account: ACCOUNT, region: REGION, status: 'ACTIVE', numberOfCaCertificates: 2,
          caBundlePem: `${peerPki.partnersCa}${peerPki.partnersLegacyCa}`, revocationCount: 0, revocations: [], observed: { caBundle: OBSERVED, revocations: OBSERVED },
        },
        {
          arn: customersTrustStore, name: 'customers', account: ACCOUNT, region: REGION, status: 'ACTIVE', numberOfCaCertificates: 1,
          caBundlePem: pki.roots.demo, revocationCount: 3, observed: { caBundle: OBSERVED, revocations: OBSERVED },
          revocations: [{ revocationId: 1, revocationType: 'CRL', numberOfRevokedEntries: 3, issuer: 'CN=Demo Root CA R1, O=elb-tls-audit demo', thisUpdate: '2026-08-01T00:00:00.000Z', nextUpdate: '2026-09-01T00:00:00.000Z', error: null }],
        },
      ],
      securityGroups: securityGroups(),
      privateCas: privateCas(),
      certificates: certs,
      hsmClusters: hsmClusters(),
      instances: instances(),
      attempts: ['elb', 'elbv2', 'iam', 'acm', 'acmpca', 'cloudhsmv2', 'ec2', 'sts', 'wafv2'].map((service) => ({
        service, account: ACCOUNT, region: service === 'iam' ? 'global' : REGION, operation: 'all', status: 'ok' as const, reason: null, covers: [],
      })),
    },
  );
}
