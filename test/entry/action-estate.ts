/**
 * A small estate that passes the default profile at fail-on high: one ALB in two AZs, HTTPS 443 with a
 * TLS 1.3 policy and an imported ACM certificate, forwarding HTTPS to its targets, HTTP 80 redirecting.
 */
import { ImportCertificateCommand } from '@aws-sdk/client-acm';
import { DescribeSubnetsCommand, DescribeVpcsCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, ModifyLoadBalancerAttributesCommand, RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ClientFactory } from '../../src/collect/index.ts';
import { issueChain } from '../collect/pki.ts';

/** Builds the compliant estate in one region; answers the ALB's ARN and the private root (for trust-store). */
/** AWS's defaults for the ALB attributes moto does not report unless they were set. */
export const ALB_DEFAULT_ATTRIBUTES = [
  { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'false' },
  { Key: 'routing.http.desync_mitigation_mode', Value: 'monitor' },
  { Key: 'access_logs.s3.enabled', Value: 'false' },
];

export async function buildCompliantEstate(clients: ClientFactory, region: string): Promise<{ albArn: string; rootPem: string }> {
  const ec2 = clients('ec2', region);
  const elbv2 = clients('elbv2', region);
  const vpcId = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs?.find((v) => v.IsDefault)?.VpcId ?? '';
  const subnets = ((await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).Subnets ?? [])
    .sort((a, b) => (a.AvailabilityZone ?? '').localeCompare(b.AvailabilityZone ?? ''));
  const [a, b] = subnets;
  if (!a?.SubnetId || !b?.SubnetId) throw new Error('moto default VPC has fewer than two subnets');
  const run = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, InstanceType: 't3.micro', SubnetId: a.SubnetId }));
  const run2 = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, InstanceType: 't3.micro', SubnetId: b.SubnetId }));
  const ids = [...(run.Instances ?? []), ...(run2.Instances ?? [])].map((i) => i.InstanceId ?? '');
  const chain = issueChain('www.example.test');
  const cert = await clients('acm', region).send(
    new ImportCertificateCommand({ Certificate: Buffer.from(chain.leafPem), PrivateKey: Buffer.from(chain.keyPem), CertificateChain: Buffer.from(chain.chainPem) }),
  );
  const alb = await elbv2.send(new CreateLoadBalancerCommand({ Name: 'www-alb', Type: 'application', Subnets: [a.SubnetId, b.SubnetId] }));
  const albArn = alb.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
  // moto leaves these out of DescribeLoadBalancerAttributes unless set, and an unreported attribute is unknown
  // (an error); AWS always reports them. Values as moto's defaults would be: low-severity hardening fails.
  await elbv2.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: albArn, Attributes: ALB_DEFAULT_ATTRIBUTES }));
  const group = await elbv2.send(new CreateTargetGroupCommand({ Name: 'www-https', Protocol: 'HTTPS', Port: 443, VpcId: vpcId, TargetType: 'instance' }));
  const groupArn = group.TargetGroups?.[0]?.TargetGroupArn ?? '';
  await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: groupArn, Targets: ids.map((Id) => ({ Id, Port: 443 })) }));
  await elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: albArn,
      Protocol: 'HTTPS',
      Port: 443,
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      Certificates: [{ CertificateArn: cert.CertificateArn ?? '' }],
      DefaultActions: [{ Type: 'forward', TargetGroupArn: groupArn }],
    }),
  );
  await elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: albArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    }),
  );
  return { albArn, rootPem: chain.rootPem };
}
