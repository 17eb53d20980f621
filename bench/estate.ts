/** Generated estates for the evaluate bench: N load balancers of all three types, 4 listeners each, shared certificates. */
import { classicListener, classicSslPolicy, elbv2Listener, forward, loadBalancer, redirectHttps, targetGroup } from '../src/demo/builders.ts';
import { demoCertificates } from '../src/demo/certificates.ts';
import type { LoadBalancer, Snapshot } from '../src/model/snapshot.ts';
import { buildSnapshot } from '../src/snapshot/builder.ts';

const ELBV2_POLICIES = [
  'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09', 'ELBSecurityPolicy-TLS13-1-2-2021-06', 'ELBSecurityPolicy-2016-08', 'ELBSecurityPolicy-FS-1-2-Res-2020-10',
  'ELBSecurityPolicy-TLS-1-2-Ext-2018-06', 'ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04', 'ELBSecurityPolicy-TLS13-1-3-2021-06', 'ELBSecurityPolicy-Unknown-2030',
];
const CLASSIC_POLICIES = ['ELBSecurityPolicy-2016-08', 'ELBSecurityPolicy-TLS-1-2-2017-01', 'ELBSecurityPolicy-2015-05'];

/** A deterministic PRNG so every bench run judges the same estate. */
function prng(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
}

/** Builds a snapshot of `count` load balancers (a third each Classic, ALB, NLB), 4 listeners each. */
export function generateEstate(count: number): Snapshot {
  const rand = prng(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const certs = demoCertificates();
  const cert = () => ({ arn: pick(certs).arn, isDefault: true });
  const lbs: LoadBalancer[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 3;
    const zones = rand() < 0.1 ? ['eu-west-1a'] : ['eu-west-1a', 'eu-west-1b'];
    const availabilityZones = zones.map((zoneName) => ({ zoneName, subnetId: `subnet-${zoneName}` }));
    if (kind === 0) {
      const lb = loadBalancer('classic', `clb-${i}`, { availabilityZones, attributes: { 'access_log.enabled': String(rand() < 0.5), 'connection_draining.enabled': 'true', 'cross_zone_load_balancing.enabled': 'true', desync_mitigation_mode: 'defensive' } });
      const custom = rand() < 0.3;
      lb.classicPolicies = custom ? [classicSslPolicy(`custom-${i}`, ['Protocol-TLSv1.2', pick(['Protocol-TLSv1', 'Protocol-TLSv1.2']), 'ECDHE-RSA-AES128-GCM-SHA256', pick(['AES128-SHA', 'DES-CBC3-SHA', 'ECDHE-RSA-AES256-GCM-SHA384'])], rand() < 0.8)] : [];
      const policy = custom ? `custom-${i}` : pick(CLASSIC_POLICIES);
      lb.listeners = [
        classicListener(lb, 443, 'HTTPS', pick(['HTTP', 'HTTPS'] as const), 443, { policyNames: [policy], certificates: [cert()] }),
        classicListener(lb, 8443, 'SSL', 'SSL', 8443, { policyNames: [policy], certificates: [cert()] }),
        classicListener(lb, 80, 'HTTP', 'HTTP', 80),
        classicListener(lb, 25, 'TCP', 'TCP', 25),
      ];
      lbs.push(lb);
    } else {
      const type = kind === 1 ? 'application' : 'network';
      const lb = loadBalancer(type, `${type === 'application' ? 'alb' : 'nlb'}-${i}`, { availabilityZones, attributes: { 'deletion_protection.enabled': String(rand() < 0.7), 'access_logs.s3.enabled': 'true', 'routing.http.drop_invalid_header_fields.enabled': 'true', 'routing.http.desync_mitigation_mode': 'defensive', 'load_balancing.cross_zone.enabled': 'true' } });
      const tls = type === 'application' ? 'HTTPS' : 'TLS';
      const tg = targetGroup(lb, `tg-${i}`, pick(type === 'application' ? ['HTTP', 'HTTPS'] as const : ['TCP', 'TLS'] as const), 443, [[`i-${i}a`, 'eu-west-1a', 'healthy'], [`i-${i}b`, 'eu-west-1b', rand() < 0.9 ? 'healthy' : 'unhealthy']]);
      lb.targetGroups = [tg];
      lb.listeners = [
        elbv2Listener(lb, 443, tls, { sslPolicy: pick(ELBV2_POLICIES), certificates: [cert(), { arn: pick(certs).arn, isDefault: false }], defaultActions: [forward(tg.arn)] }),
        elbv2Listener(lb, 8443, tls, { sslPolicy: pick(ELBV2_POLICIES), certificates: [cert()], defaultActions: [forward(tg.arn)] }),
        type === 'application'
          ? elbv2Listener(lb, 80, 'HTTP', { defaultActions: [rand() < 0.8 ? redirectHttps : forward(tg.arn)] })
          : elbv2Listener(lb, 443 + 1000, 'TCP', { defaultActions: [forward(tg.arn)] }),
        elbv2Listener(lb, 9443, tls, { sslPolicy: pick(ELBV2_POLICIES), certificates: [cert()], defaultActions: [forward(tg.arn)] }),
      ];
      lbs.push(lb);
    }
  }
  return buildSnapshot(
    { capturedAt: '2026-11-20T09:00:00.000Z', generator: { name: 'elb-tls-audit', version: 'bench' }, scope: { accounts: ['123456789012'], regions: ['eu-west-1'] } },
    { loadBalancers: lbs, certificates: certs },
  );
}
