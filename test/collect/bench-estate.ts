/**
 * A large estate for the collect benchmark: Classic and ALB/NLB load balancers with 2-4 listeners each,
 * sharing a pool of IAM and ACM certificates, built concurrently in moto through the SDK. The shape is
 * returned as counts so the benchmark can compute the least number of calls any collector needs.
 */
import { ImportCertificateCommand } from '@aws-sdk/client-acm';
import { CreateSecurityGroupCommand, DescribeSubnetsCommand, DescribeVpcsCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateLoadBalancerCommand as CreateClassicCommand, RegisterInstancesWithLoadBalancerCommand } from '@aws-sdk/client-elastic-load-balancing';
import {
  AddListenerCertificatesCommand,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  RegisterTargetsCommand,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { UploadServerCertificateCommand } from '@aws-sdk/client-iam';
import type { ClientFactory } from '../../src/collect/index.ts';
import pMap from 'p-map';
import { issueChain } from './pki.ts';

export interface BenchEstateSpec {
  region: string;
  classic: number;
  /** half application, half network */
  elbv2: number;
  iamCertificates: number;
  acmCertificates: number;
  instances: number;
  /**
   * One security group for every Classic load balancer, as AWS gives them the VPC's default group. Without it
   * moto makes a group per Classic load balancer, and its filtered DescribeSecurityGroups over thousands of
   * them outlasts the request timeout (the throttled bench at 5,000 measured moto, not pacing).
   */
  sharedClassicSecurityGroup?: boolean;
}

/** What was built, counted the way the minimum-call arithmetic needs it. */
export interface BenchEstate {
  spec: BenchEstateSpec;
  /** ELBv2 listeners that terminate TLS (HTTPS, TLS): one DescribeListenerCertificates each. */
  tlsListeners: number;
  /** ALB HTTP and HTTPS listeners: one DescribeRules each. */
  ruleListeners: number;
  targetGroups: number;
  usedIam: number;
  usedAcm: number;
  instancesReferenced: number;
}

const listenerCount = (i: number): number => 2 + (i % 3);

/** A client whose send is tried again (up to 10 times, after a short pause) on moto's HTTP 500 race; any other error is thrown. */
function motoRaceRetry<C extends { send: (command: never) => Promise<unknown> }>(client: C): C {
  const send = async (command: never): Promise<unknown> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await client.send(command);
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status !== 500 || attempt >= 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
    }
  };
  return { ...client, send } as unknown as C;
}

/** Builds the estate with `parallel` requests in flight. */
export async function buildBenchEstate(clients: ClientFactory, spec: BenchEstateSpec, parallel = 24): Promise<BenchEstate> {
  const { region } = spec;
  const ec2 = clients('ec2', region);
  const vpcId = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs?.find((v) => v.IsDefault)?.VpcId ?? '';
  const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).Subnets ?? [];
  const subnetIds = subnets.slice(0, 2).map((s) => s.SubnetId ?? '');
  const zones = subnets.slice(0, 2).map((s) => s.AvailabilityZone ?? '');
  const run = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: spec.instances, MaxCount: spec.instances, SubnetId: subnetIds[0] }));
  const instanceIds = (run.Instances ?? []).map((i) => i.InstanceId ?? '');

  // A handful of chains, each uploaded under several names: what matters here is the count of certificates.
  const chains = Array.from({ length: 4 }, (_, i) => issueChain(`bench-${i}.example.test`));
  const iamArns = await pMap(Array.from({ length: spec.iamCertificates }, (_, i) => i), async (i) => {
    const chain = chains[i % chains.length]!;
    const out = await motoRaceRetry(clients('iam', region)).send(
      new UploadServerCertificateCommand({ ServerCertificateName: `bench-iam-${i}`, CertificateBody: chain.leafPem, PrivateKey: chain.keyPem, CertificateChain: chain.chainPem }),
    );
    return out.ServerCertificateMetadata?.Arn ?? '';
  }, { concurrency: parallel });
  const acmArns = await pMap(Array.from({ length: spec.acmCertificates }, (_, i) => i), async (i) => {
    const chain = chains[i % chains.length]!;
    const out = await motoRaceRetry(clients('acm', region)).send(
      new ImportCertificateCommand({ Certificate: Buffer.from(chain.leafPem), PrivateKey: Buffer.from(chain.keyPem), CertificateChain: Buffer.from(chain.chainPem) }),
    );
    return out.CertificateArn ?? '';
  }, { concurrency: parallel });
  const pool = [...iamArns, ...acmArns];
  const used = new Set<string>();
  const cert = (i: number): string => {
    const arn = pool[i % pool.length]!;
    used.add(arn);
    return arn;
  };
  const referenced = new Set<string>();
  const instancesFor = (i: number): string[] => {
    const picked = [instanceIds[i % instanceIds.length]!, instanceIds[(i + 1) % instanceIds.length]!];
    for (const id of picked) referenced.add(id);
    return picked;
  };

  const classicGroup = spec.sharedClassicSecurityGroup
    ? (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'bench-classic', Description: 'shared by the Classic load balancers', VpcId: vpcId }))).GroupId
    : undefined;
  await pMap(Array.from({ length: spec.classic }, (_, i) => i), async (i) => {
    const elb = motoRaceRetry(clients('elb', region));
    const all = [
      { Protocol: 'HTTPS', LoadBalancerPort: 443, InstanceProtocol: 'HTTP', InstancePort: 80, SSLCertificateId: cert(i) },
      { Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 80 },
      { Protocol: 'SSL', LoadBalancerPort: 8443, InstanceProtocol: 'SSL', InstancePort: 8443, SSLCertificateId: cert(i + 1) },
      { Protocol: 'TCP', LoadBalancerPort: 8080, InstanceProtocol: 'TCP', InstancePort: 8080 },
    ];
    const name = `bench-classic-${i}`;
    await elb.send(new CreateClassicCommand({ LoadBalancerName: name, AvailabilityZones: zones, Listeners: all.slice(0, listenerCount(i)), ...(classicGroup ? { SecurityGroups: [classicGroup] } : {}) }));
    await elb.send(new RegisterInstancesWithLoadBalancerCommand({ LoadBalancerName: name, Instances: instancesFor(i).map((InstanceId) => ({ InstanceId })) }));
  }, { concurrency: parallel });

  let tlsListeners = 0;
  let ruleListeners = 0;
  // moto 5.2 walks its dicts unlocked (target-group name check, listener action check, Classic load balancers),
  // so concurrent creates can fail with a 500 "OrderedDict mutated during iteration" before anything is written:
  // every create here is sent again on that answer.
  // Listeners are created after every target group, which makes the clash rarer.
  const built = await pMap(Array.from({ length: spec.elbv2 }, (_, i) => i), async (i) => {
    const elbv2 = motoRaceRetry(clients('elbv2', region));
    const application = i % 2 === 0;
    const lb = await elbv2.send(new CreateLoadBalancerCommand({ Name: `bench-${application ? 'alb' : 'nlb'}-${i}`, Type: application ? 'application' : 'network', Subnets: subnetIds }));
    const lbArn = lb.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    const group = await elbv2.send(
      new CreateTargetGroupCommand({ Name: `bench-tg-${i}`, Protocol: application ? 'HTTP' : 'TCP', Port: 80, VpcId: vpcId, TargetType: 'instance' }),
    );
    const groupArn = group.TargetGroups?.[0]?.TargetGroupArn ?? '';
    await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: groupArn, Targets: instancesFor(i).map((Id) => ({ Id, Port: 80 })) }));
    return { i, application, lbArn, groupArn };
  }, { concurrency: parallel });
  await pMap(built, async ({ i, application, lbArn, groupArn }) => {
    const elbv2 = motoRaceRetry(clients('elbv2', region));
    const forward: Action[] = [{ Type: 'forward', TargetGroupArn: groupArn }];
    const redirect: Action[] = [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }];
    const tls = application ? 'HTTPS' : 'TLS';
    const plain = application ? 'HTTP' : 'TCP';
    const listeners = [
      { Protocol: tls, Port: 443, Certificates: [{ CertificateArn: cert(i) }], SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06', DefaultActions: forward },
      { Protocol: plain, Port: 80, DefaultActions: application ? redirect : forward },
      { Protocol: tls, Port: 8443, Certificates: [{ CertificateArn: cert(i + 7) }], SslPolicy: 'ELBSecurityPolicy-2016-08', DefaultActions: forward },
      { Protocol: plain, Port: 8080, DefaultActions: forward },
    ].slice(0, listenerCount(i));
    for (const listener of listeners) {
      const created = await elbv2.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, ...listener } as ConstructorParameters<typeof CreateListenerCommand>[0]));
      if (application) ruleListeners++;
      if (listener.Protocol === tls) {
        tlsListeners++;
        // Every TLS listener also serves one SNI certificate from the shared pool.
        const arn = created.Listeners?.[0]?.ListenerArn ?? '';
        await elbv2.send(new AddListenerCertificatesCommand({ ListenerArn: arn, Certificates: [{ CertificateArn: cert(i + 13) }] }));
      }
    }
  }, { concurrency: parallel });

  return {
    spec,
    tlsListeners,
    ruleListeners,
    targetGroups: spec.elbv2,
    usedIam: iamArns.filter((a) => used.has(a)).length,
    usedAcm: acmArns.filter((a) => used.has(a)).length,
    instancesReferenced: referenced.size,
  };
}

/**
 * The fewest calls a collector that reads everything the Snapshot holds can make for this estate in one
 * region: listings at their page maximum, batches at their batch maximum, one call per distinct input.
 */
export function minimumCalls(estate: BenchEstate, pageSizeByOperation: { elbv2SslPolicies: number }): number {
  const { spec } = estate;
  const pages = (items: number, size: number): number => Math.max(1, Math.ceil(items / size));
  const classic =
    pages(spec.classic, 400) + // DescribeLoadBalancers
    1 + // DescribeLoadBalancerPolicies without a name (predefined)
    spec.classic * 3 + // DescribeLoadBalancerPolicies, DescribeLoadBalancerAttributes, DescribeInstanceHealth per LB
    Math.ceil(spec.classic / 20); // DescribeTags
  const elbv2 =
    pages(spec.elbv2, 400) + // DescribeLoadBalancers
    pageSizeByOperation.elbv2SslPolicies + // DescribeSSLPolicies pages
    pages(estate.targetGroups, 400) + // DescribeTargetGroups (region-wide)
    spec.elbv2 * 2 + // DescribeListeners (<400 listeners each) and DescribeLoadBalancerAttributes
    Math.ceil(spec.elbv2 / 20) + // DescribeTags
    estate.targetGroups * 2 + // DescribeTargetHealth and DescribeTargetGroupAttributes
    estate.tlsListeners + // DescribeListenerCertificates
    estate.ruleListeners; // DescribeRules
  const certificates = pages(spec.iamCertificates, 1000) + estate.usedIam + pages(spec.acmCertificates, 1000) + estate.usedAcm * 2;
  const placement = 1 + (estate.instancesReferenced > 0 ? Math.ceil(estate.instancesReferenced / 200) : 0); // DescribeClusters, DescribeInstances
  return 1 /* GetCallerIdentity */ + classic + elbv2 + certificates + placement;
}
