/**
 * Builds the seed-scenario estate in moto through the SDK, the way an operator would with the CLI:
 * a single-AZ Classic LB with an old custom policy (TLSv1 + SSLv3), backend HTTPS with and without
 * backend authentication, an ALB whose HTTPS listener forwards to HTTP, and an NLB TCP 443 listener in
 * front of web servers that sit beside a CloudHSM cluster.
 */
import { ImportCertificateCommand } from '@aws-sdk/client-acm';
import { CreateClusterCommand } from '@aws-sdk/client-cloudhsm-v2';
import { DescribeSubnetsCommand, DescribeVpcsCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  AddTagsCommand,
  CreateLoadBalancerCommand as CreateClassicCommand,
  CreateLoadBalancerPolicyCommand,
  ModifyLoadBalancerAttributesCommand,
  RegisterInstancesWithLoadBalancerCommand,
  SetLoadBalancerPoliciesForBackendServerCommand,
  SetLoadBalancerPoliciesOfListenerCommand,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  AddListenerCertificatesCommand,
  AddTagsCommand as AddTagsV2Command,
  CreateListenerCommand,
  ModifyLoadBalancerAttributesCommand as ModifyV2AttributesCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { UploadServerCertificateCommand } from '@aws-sdk/client-iam';
import type { ClientFactory } from '../../src/collect/index.ts';
import { issueChain, type IssuedChain } from './pki.ts';

export interface SeedEstate {
  region: string;
  classicName: string;
  albArn: string;
  nlbArn: string;
  albHttpsListenerArn: string;
  iamCertArn: string;
  acmCertArn: string;
  instanceIds: string[];
  /** The two subnets used, in AZ order: [id, availability zone]. */
  subnets: [string, string][];
  hsmClusterId: string | null;
  iamChain: IssuedChain;
  acmChain: IssuedChain;
}

/** Creates the seed estate in one region and answers the ids the tests assert on. */
export async function buildSeedEstate(clients: ClientFactory, region: string): Promise<SeedEstate> {
  const ec2 = clients('ec2', region);
  const elb = clients('elb', region);
  const elbv2 = clients('elbv2', region);
  const vpcs = await ec2.send(new DescribeVpcsCommand({}));
  const vpcId = vpcs.Vpcs?.find((v) => v.IsDefault)?.VpcId ?? '';
  const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).Subnets ?? [];
  const [subnetA, subnetB] = subnets.sort((a, b) => (a.AvailabilityZone ?? '').localeCompare(b.AvailabilityZone ?? ''));
  if (!subnetA || !subnetB) throw new Error('moto default VPC has fewer than two subnets');

  // Two web servers in two AZs, as in the CloudHSM offload guide.
  const instanceIds: string[] = [];
  for (const subnet of [subnetA, subnetB]) {
    const run = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, InstanceType: 't3.micro', SubnetId: subnet.SubnetId }));
    instanceIds.push(run.Instances?.[0]?.InstanceId ?? '');
  }

  const iamChain = issueChain('legacy.example.test');
  const acmChain = issueChain('shop.example.test');
  const uploaded = await clients('iam', region).send(
    new UploadServerCertificateCommand({
      ServerCertificateName: 'legacy-cert',
      Path: '/elb/',
      CertificateBody: iamChain.leafPem,
      PrivateKey: iamChain.keyPem,
      CertificateChain: iamChain.chainPem,
    }),
  );
  const iamCertArn = uploaded.ServerCertificateMetadata?.Arn ?? '';
  const imported = await clients('acm', region).send(
    new ImportCertificateCommand({
      Certificate: Buffer.from(acmChain.leafPem),
      PrivateKey: Buffer.from(acmChain.keyPem),
      CertificateChain: Buffer.from(acmChain.chainPem),
    }),
  );
  const acmCertArn = imported.CertificateArn ?? '';

  // Classic: one AZ, HTTPS front end with an old custom policy, HTTPS backend with auth, SSL backend without.
  const classicName = 'legacy-web';
  await elb.send(
    new CreateClassicCommand({
      LoadBalancerName: classicName,
      AvailabilityZones: [subnetA.AvailabilityZone ?? ''],
      Listeners: [
        { Protocol: 'HTTPS', LoadBalancerPort: 443, InstanceProtocol: 'HTTPS', InstancePort: 443, SSLCertificateId: iamCertArn },
        { Protocol: 'SSL', LoadBalancerPort: 8443, InstanceProtocol: 'SSL', InstancePort: 8443, SSLCertificateId: iamCertArn },
        { Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 80 },
      ],
    }),
  );
  await elb.send(
    new CreateLoadBalancerPolicyCommand({
      LoadBalancerName: classicName,
      PolicyName: 'legacy-negotiation',
      PolicyTypeName: 'SSLNegotiationPolicyType',
      PolicyAttributes: [
        { AttributeName: 'Protocol-SSLv3', AttributeValue: 'true' },
        { AttributeName: 'Protocol-TLSv1', AttributeValue: 'true' },
        { AttributeName: 'Protocol-TLSv1.2', AttributeValue: 'true' },
        { AttributeName: 'Server-Defined-Cipher-Order', AttributeValue: 'false' },
        { AttributeName: 'ECDHE-RSA-AES128-GCM-SHA256', AttributeValue: 'true' },
        { AttributeName: 'DES-CBC3-SHA', AttributeValue: 'true' },
      ],
    }),
  );
  await elb.send(
    new CreateLoadBalancerPolicyCommand({
      LoadBalancerName: classicName,
      PolicyName: 'modern-negotiation',
      PolicyTypeName: 'SSLNegotiationPolicyType',
      PolicyAttributes: [{ AttributeName: 'Reference-Security-Policy', AttributeValue: 'ELBSecurityPolicy-TLS-1-2-2017-01' }],
    }),
  );
  await elb.send(
    new CreateLoadBalancerPolicyCommand({
      LoadBalancerName: classicName,
      PolicyName: 'backend-key',
      PolicyTypeName: 'PublicKeyPolicyType',
      PolicyAttributes: [{ AttributeName: 'PublicKey', AttributeValue: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtest' }],
    }),
  );
  await elb.send(
    new CreateLoadBalancerPolicyCommand({
      LoadBalancerName: classicName,
      PolicyName: 'backend-auth',
      PolicyTypeName: 'BackendServerAuthenticationPolicyType',
      PolicyAttributes: [{ AttributeName: 'PublicKeyPolicyName', AttributeValue: 'backend-key' }],
    }),
  );
  await elb.send(new SetLoadBalancerPoliciesOfListenerCommand({ LoadBalancerName: classicName, LoadBalancerPort: 443, PolicyNames: ['legacy-negotiation'] }));
  await elb.send(new SetLoadBalancerPoliciesOfListenerCommand({ LoadBalancerName: classicName, LoadBalancerPort: 8443, PolicyNames: ['modern-negotiation'] }));
  await elb.send(new SetLoadBalancerPoliciesForBackendServerCommand({ LoadBalancerName: classicName, InstancePort: 443, PolicyNames: ['backend-auth'] }));
  await elb.send(new RegisterInstancesWithLoadBalancerCommand({ LoadBalancerName: classicName, Instances: instanceIds.map((InstanceId) => ({ InstanceId })) }));
  await elb.send(
    new ModifyLoadBalancerAttributesCommand({
      LoadBalancerName: classicName,
      LoadBalancerAttributes: {
        CrossZoneLoadBalancing: { Enabled: false },
        ConnectionDraining: { Enabled: true, Timeout: 120 },
        AccessLog: { Enabled: false },
      },
    }),
  );
  await elb.send(new AddTagsCommand({ LoadBalancerNames: [classicName], Tags: [{ Key: 'team', Value: 'legacy' }] }));

  // ALB: HTTPS listener (ACM default + IAM SNI certificate) forwarding to an HTTP target group.
  const alb = await elbv2.send(new CreateLoadBalancerCommand({ Name: 'shop-alb', Type: 'application', Subnets: [subnetA.SubnetId ?? '', subnetB.SubnetId ?? ''] }));
  const albArn = alb.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
  const httpGroup = await elbv2.send(new CreateTargetGroupCommand({ Name: 'shop-http', Protocol: 'HTTP', Port: 80, VpcId: vpcId, TargetType: 'instance' }));
  const httpGroupArn = httpGroup.TargetGroups?.[0]?.TargetGroupArn ?? '';
  await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: httpGroupArn, Targets: instanceIds.map((Id) => ({ Id, Port: 80 })) }));
  const https = await elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: albArn,
      Protocol: 'HTTPS',
      Port: 443,
      SslPolicy: 'ELBSecurityPolicy-2016-08',
      Certificates: [{ CertificateArn: acmCertArn }],
      DefaultActions: [{ Type: 'forward', TargetGroupArn: httpGroupArn }],
    }),
  );
  const albHttpsListenerArn = https.Listeners?.[0]?.ListenerArn ?? '';
  await elbv2.send(new AddListenerCertificatesCommand({ ListenerArn: albHttpsListenerArn, Certificates: [{ CertificateArn: iamCertArn }] }));
  await elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: albArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    }),
  );
  await elbv2.send(new AddTagsV2Command({ ResourceArns: [albArn], Tags: [{ Key: 'team', Value: 'shop' }] }));
  // AWS reports every ALB attribute with its default; moto reports only those that were set, so set them as AWS would report them.
  await elbv2.send(new ModifyV2AttributesCommand({
    LoadBalancerArn: albArn,
    Attributes: [
      { Key: 'access_logs.s3.enabled', Value: 'false' },
      { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'false' },
      { Key: 'routing.http.desync_mitigation_mode', Value: 'defensive' },
    ],
  }));

  // NLB: TCP 443 pass-through to the web servers that talk to CloudHSM.
  const nlb = await elbv2.send(new CreateLoadBalancerCommand({ Name: 'hsm-nlb', Type: 'network', Subnets: [subnetA.SubnetId ?? '', subnetB.SubnetId ?? ''] }));
  const nlbArn = nlb.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
  const tcpGroup = await elbv2.send(new CreateTargetGroupCommand({ Name: 'hsm-web', Protocol: 'TCP', Port: 443, VpcId: vpcId, TargetType: 'instance' }));
  const tcpGroupArn = tcpGroup.TargetGroups?.[0]?.TargetGroupArn ?? '';
  await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tcpGroupArn, Targets: instanceIds.map((Id) => ({ Id, Port: 443 })) }));
  await elbv2.send(new ModifyV2AttributesCommand({ LoadBalancerArn: nlbArn, Attributes: [{ Key: 'access_logs.s3.enabled', Value: 'false' }] }));
  await elbv2.send(new CreateListenerCommand({ LoadBalancerArn: nlbArn, Protocol: 'TCP', Port: 443, DefaultActions: [{ Type: 'forward', TargetGroupArn: tcpGroupArn }] }));

  const cluster = await clients('cloudhsmv2', region).send(new CreateClusterCommand({ HsmType: 'hsm1.medium', SubnetIds: [subnetA.SubnetId ?? '', subnetB.SubnetId ?? ''] }));

  return {
    region,
    classicName,
    albArn,
    nlbArn,
    albHttpsListenerArn,
    iamCertArn,
    acmCertArn,
    instanceIds,
    subnets: [subnetA, subnetB].map((sn) => [sn.SubnetId ?? '', sn.AvailabilityZone ?? ''] as [string, string]),
    hsmClusterId: cluster.Cluster?.ClusterId ?? null,
    iamChain,
    acmChain,
  };
}

/**
 * moto's CloudHSM creates clusters but no HSMs (it has no CreateHsm). This answers DescribeClusters with
 * the seed cluster holding two ACTIVE HSMs, one per subnet/AZ, in the JSON shape of the 2017-04-28 API.
 * Built from the estate, not recorded from AWS.
 */
export function hsmClustersResponse(estate: SeedEstate): string {
  const subnetMapping = Object.fromEntries(estate.subnets.map(([id, zone]) => [zone, id]));
  return JSON.stringify({
    Clusters: [
      {
        ClusterId: estate.hsmClusterId,
        State: 'ACTIVE',
        HsmType: 'hsm1.medium',
        VpcId: 'vpc-seed',
        SecurityGroup: 'sg-0hsmseed',
        SubnetMapping: subnetMapping,
        Hsms: estate.subnets.map(([id, zone], i) => ({
          HsmId: `hsm-seed${i}`,
          ClusterId: estate.hsmClusterId,
          AvailabilityZone: zone,
          SubnetId: id,
          EniId: `eni-seed${i}`,
          EniIp: `10.0.${i}.10`,
          State: 'ACTIVE',
        })),
      },
    ],
  });
}
