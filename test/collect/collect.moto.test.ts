/**
 * The collectors against a real moto_server: the seed estate is built through the SDK, collected,
 * and the snapshot checked field by field.
 */
import { describe, expect, it } from 'vitest';
import { collectThrough, lbNamed, REGION, useSeedEstate } from './seed.ts';

const seed = useSeedEstate();

describe('collectSnapshot against moto', () => {
  it('reads the Classic load balancer: listeners, custom and backend-auth policies, attributes, tags, health', () => {
    const snapshot = seed.clean.snapshot;
    expect(snapshot.scope).toEqual({ accounts: ['123456789012'], regions: ['eu-west-1', 'us-east-1'] });
    const classic = lbNamed(snapshot, 'legacy-web');
    expect(classic.arn).toBe('arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/legacy-web');
    expect(classic.type).toBe('classic');
    expect(classic.availabilityZones.map((z) => z.zoneName)).toEqual(['us-east-1a']);
    const https = classic.listeners.find((l) => l.port === 443);
    expect(https).toMatchObject({
      arn: `${classic.arn}/listener/443`,
      protocol: 'HTTPS',
      instanceProtocol: 'HTTPS',
      instancePort: 443,
      policyNames: ['legacy-negotiation'],
      certificates: [{ arn: seed.estate.iamCertArn, isDefault: true }],
    });
    expect(classic.listeners.map((l) => `${l.protocol}:${l.port}->${l.instanceProtocol}:${l.instancePort}`)).toEqual([
      'HTTP:80->HTTP:80',
      'HTTPS:443->HTTPS:443',
      'SSL:8443->SSL:8443',
    ]);
    const legacy = classic.classicPolicies.find((p) => p.name === 'legacy-negotiation');
    expect(legacy?.attributes).toContainEqual({ name: 'Protocol-SSLv3', value: 'true' });
    expect(legacy?.attributes).toContainEqual({ name: 'Protocol-TLSv1', value: 'true' });
    const modern = classic.classicPolicies.find((p) => p.name === 'modern-negotiation');
    expect(modern?.attributes).toEqual([{ name: 'Reference-Security-Policy', value: 'ELBSecurityPolicy-TLS-1-2-2017-01' }]);
    expect(classic.classicPolicies.find((p) => p.name === 'backend-auth')).toEqual({
      name: 'backend-auth',
      type: 'BackendServerAuthenticationPolicyType',
      attributes: [{ name: 'PublicKeyPolicyName', value: 'backend-key' }],
    });
    // Backend HTTPS on 443 is authenticated; the SSL backend on 8443 is not.
    expect(classic.backendServers).toEqual([{ instancePort: 443, policyNames: ['backend-auth'] }]);
    expect(classic.attributes).toMatchObject({
      'cross_zone_load_balancing.enabled': 'false',
      'connection_draining.enabled': 'true',
      'connection_draining.timeout': '120',
      'access_log.enabled': 'false',
    });
    expect(classic.tags).toEqual({ team: 'legacy' });
    expect(classic.registeredInstances).toEqual(
      [...seed.estate.instanceIds].sort().map((instanceId) => ({ instanceId, state: 'healthy' })),
    );
  });

  it('reads the ALB and NLB: SNI certificates, redirect, HTTPS forwarding to HTTP, target health', () => {
    const alb = lbNamed(seed.clean.snapshot, 'shop-alb');
    expect(alb).toMatchObject({ arn: seed.estate.albArn, type: 'application', tags: { team: 'shop' } });
    expect(alb.availabilityZones).toHaveLength(2);
    const https = alb.listeners.find((l) => l.protocol === 'HTTPS');
    expect(https?.sslPolicy).toBe('ELBSecurityPolicy-2016-08');
    expect(https?.certificates).toEqual([
      { arn: seed.estate.acmCertArn, isDefault: true },
      { arn: seed.estate.iamCertArn, isDefault: false },
    ]);
    const forwarded = https?.defaultActions[0]?.targetGroupArns[0];
    const group = alb.targetGroups.find((g) => g.arn === forwarded);
    expect(group).toMatchObject({ protocol: 'HTTP', port: 80, targetType: 'instance' });
    expect(group?.targets.map((t) => t.id)).toEqual([...seed.estate.instanceIds].sort());
    const http = alb.listeners.find((l) => l.protocol === 'HTTP');
    expect(http?.sslPolicy).toBeNull();
    expect(http?.defaultActions).toEqual([
      { type: 'redirect', targetGroupArns: [], redirect: { protocol: 'HTTPS', port: '443', host: null, statusCode: 'HTTP_301' } },
    ]);

    const nlb = lbNamed(seed.clean.snapshot, 'hsm-nlb');
    expect(nlb.type).toBe('network');
    expect(nlb.listeners).toHaveLength(1);
    expect(nlb.listeners[0]).toMatchObject({ protocol: 'TCP', port: 443, sslPolicy: null, certificates: [] });
    expect(nlb.targetGroups[0]?.targets.map((t) => t.port)).toEqual([443, 443]);
  });

  it('fetches each used certificate once, with body and chain as uploaded', () => {
    const iam = seed.clean.snapshot.certificates.find((c) => c.arn === seed.estate.iamCertArn);
    expect(iam).toMatchObject({
      source: 'iam',
      region: 'global',
      name: 'legacy-cert',
      // From the body, in ACM's vocabulary (IAM metadata has none of these; moto's Expiration is a fixed 2012 date).
      domainName: 'legacy.example.test',
      subjectAlternativeNames: ['legacy.example.test'],
      keyAlgorithm: 'RSA_2048',
    });
    expect(Date.parse(iam?.notAfter ?? '') - Date.parse(iam?.notBefore ?? '')).toBe(365 * 24 * 3600 * 1000);
    expect(iam?.bodyPem?.trim()).toBe(seed.estate.iamChain.leafPem.trim());
    expect(iam?.chainPem).toContain(seed.estate.iamChain.intermediatePem.trim());
    // Used by the Classic LB and (as SNI) by the ALB, yet fetched once.
    expect(iam?.inUseBy).toEqual([seed.estate.albArn, lbNamed(seed.clean.snapshot, 'legacy-web').arn].sort());
    const acm = seed.clean.snapshot.certificates.find((c) => c.arn === seed.estate.acmCertArn);
    expect(acm).toMatchObject({ source: 'acm', region: REGION, domainName: 'shop.example.test', acmType: 'IMPORTED', keyAlgorithm: 'RSA_2048' });
    expect(acm?.bodyPem?.trim()).toBe(seed.estate.acmChain.leafPem.trim());
    expect(acm?.chainPem).toContain(seed.estate.acmChain.intermediatePem.trim());
    expect(seed.clean.stats.byOperation['iam:GetServerCertificate']).toBe(1);
    expect(seed.clean.stats.byOperation['acm:GetCertificate']).toBe(1);
    expect(seed.clean.stats.byOperation['acm:DescribeCertificate']).toBe(1);
  });

  it('reads CloudHSM clusters and the placement of every registered instance', () => {
    expect(seed.clean.snapshot.hsmClusters.map((c) => c.clusterId)).toEqual([seed.estate.hsmClusterId]);
    expect(seed.clean.snapshot.hsmClusters[0]).toMatchObject({ region: REGION, hsmType: 'hsm1.medium' });
    expect(seed.clean.snapshot.instances.map((i) => i.instanceId)).toEqual([...seed.estate.instanceIds].sort());
    const placement = seed.clean.snapshot.instances.map((i) => [i.subnetId, i.availabilityZone]);
    expect(placement.sort()).toEqual([...seed.estate.subnets].sort());
    for (const instance of seed.clean.snapshot.instances) expect(instance.vpcId).toMatch(/^vpc-/);
  });

  it('makes each call once per distinct input, batched and listed per region', () => {
    expect(seed.clean.stats.retries).toBe(0);
    expect(seed.clean.stats.byOperation).toMatchObject({
      'sts:GetCallerIdentity': 1,
      'elb:DescribeLoadBalancers': 2, // one page per region
      'elb:DescribeTags': 1, // one batch: only us-east-1 has Classic LBs
      'elb:DescribeLoadBalancerPolicies': 1,
      'elbv2:DescribeSSLPolicies': 2,
      'elbv2:DescribeListeners': 2,
      'elbv2:DescribeTargetGroups': 2,
      'elbv2:DescribeListenerCertificates': 1, // only the HTTPS listener
      'elbv2:DescribeRules': 2, // the ALB's HTTP and HTTPS listeners (rules decide redirects and where traffic goes); none for the NLB
      'elbv2:DescribeTags': 1,
      'ec2:DescribeInstances': 1, // both LBs' instances in one filtered call
      'iam:ListServerCertificates': 1,
      'acm:ListCertificates': 2,
    });
  });

  it('records an ok attempt for every call family; the predefined listing moto cannot answer is skipped, not failed', () => {
    const notOk = seed.clean.snapshot.attempts.filter((a) => a.status !== 'ok');
    expect(notOk.map((a) => `${a.service}/${a.region}/${a.operation}/${a.status}`)).toEqual([
      'elb/eu-west-1/DescribeLoadBalancerPolicies(predefined)/skipped',
      'elb/us-east-1/DescribeLoadBalancerPolicies(predefined)/skipped',
    ]);
    expect(seed.clean.snapshot.attempts.every((a) => a.account === '123456789012')).toBe(true);
    expect(seed.clean.snapshot.observations).toEqual([]);
  });

  it('reports seed.progress per region and service with counts', () => {
    expect(seed.progress).toContain('us-east-1 elb: 1 Classic load balancer');
    expect(seed.progress).toContain('us-east-1 elbv2: 2 ALB/NLB/GWLB load balancers');
    expect(seed.progress).toContain('eu-west-1 elbv2: 0 ALB/NLB/GWLB load balancers');
    expect(seed.progress).toContain('global iam: 1 server certificate');
    expect(seed.progress.at(-1)).toMatch(/^collected with \d+ API calls \(0 retries\)$/);
  });

  it('follows markers to the last page when pages are small', async () => {
    const paged = await collectThrough(seed.moto.endpoint, { pageSizeLimit: 1 });
    expect(paged.snapshot).toEqual(seed.clean.snapshot);
    // Two ALB/NLB in us-east-1 at one per page, one empty page in eu-west-1.
    expect(paged.stats.byOperation['elbv2:DescribeLoadBalancers']).toBe(3);
    expect(paged.stats.total).toBeGreaterThan(seed.clean.stats.total);
  });
});
