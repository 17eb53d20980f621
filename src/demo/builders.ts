/** Small builders for snapshot records: the demo estate and generated bench estates use them. */
import {
  OBSERVED, type ClassicPolicy, type Listener, type ListenerAction, type ListenerProtocol, type LoadBalancer, type LoadBalancerType, type TargetGroup,
  type TargetHealthState,
} from '../model/snapshot.ts';

/** Everything seen: the demo and bench estates state their records in full. */
const SEEN_LB: LoadBalancer['observed'] = {
  listeners: OBSERVED, attributes: OBSERVED, tags: OBSERVED, classicPolicies: OBSERVED, registeredInstances: OBSERVED, targetGroups: OBSERVED,
  webAcl: OBSERVED, subnets: OBSERVED,
};
const SEEN_LISTENER: Listener['observed'] = { certificates: OBSERVED, rules: OBSERVED };

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

/** A load balancer with sane defaults; pass what differs. */
export function loadBalancer(type: LoadBalancerType, name: string, parts: Partial<LoadBalancer> = {}): LoadBalancer {
  const id = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7).toString(16).padStart(16, '0').slice(0, 16);
  const region = parts.region ?? REGION;
  const account = parts.account ?? ACCOUNT;
  const arn = type === 'classic'
    ? `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/${name}`
    : `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/${type === 'application' ? 'app' : 'net'}/${name}/${id}`;
  const dns = type === 'classic' ? `${name}-${id.slice(0, 10)}.${region}.elb.amazonaws.com`
    : type === 'network' ? `${name}-${id.slice(0, 10)}.elb.${region}.amazonaws.com` : `${name}-${id.slice(0, 10)}.${region}.elb.amazonaws.com`;
  return {
    arn, name, type, account, region, scheme: 'internet-facing', dnsName: dns, vpcId: 'vpc-0a1b2c3d4e5f60718',
    availabilityZones: [{ zoneName: `${region}a`, subnetId: 'subnet-0aa1' }, { zoneName: `${region}b`, subnetId: 'subnet-0bb2' }],
    securityGroups: type === 'network' ? [] : ['sg-0web0000000000001'], attributes: {}, tags: {}, listeners: [], classicPolicies: [],
    backendServers: [], registeredInstances: [], targetGroups: [], createdAt: '2024-03-01T10:00:00.000Z',
    ...(type === 'application' ? { webAclArn: null } : {}), observed: { ...SEEN_LB }, ...parts,
  };
}

/** A Classic listener. */
export function classicListener(lb: LoadBalancer, port: number, protocol: ListenerProtocol, instanceProtocol: ListenerProtocol, instancePort: number, parts: Partial<Listener> = {}): Listener {
  return {
    arn: `${lb.arn}/listener/${port}`, port, protocol, instanceProtocol, instancePort, policyNames: [], sslPolicy: null, certificates: [],
    defaultActions: [], rules: [], alpnPolicy: [], mutualAuthentication: null, observed: { ...SEEN_LISTENER }, ...parts,
  };
}

/** An ALB/NLB listener. */
export function elbv2Listener(lb: LoadBalancer, port: number, protocol: ListenerProtocol, parts: Partial<Listener> = {}): Listener {
  const suffix = `${lb.arn.split('/').pop()!.slice(0, 8)}${port.toString(16).padStart(8, '0')}`;
  return {
    arn: `${lb.arn.replace(':loadbalancer/', ':listener/')}/${suffix}`, port, protocol, instanceProtocol: null, instancePort: null,
    policyNames: [], sslPolicy: null, certificates: [], defaultActions: [], rules: [], alpnPolicy: [], mutualAuthentication: null, observed: { ...SEEN_LISTENER }, ...parts,
  };
}

export const forward = (...targetGroupArns: string[]): ListenerAction => ({ type: 'forward', targetGroupArns, redirect: null });
export const redirectHttps: ListenerAction = {
  type: 'redirect', targetGroupArns: [], redirect: { protocol: 'HTTPS', port: '443', host: null, statusCode: 'HTTP_301' },
};

/** A target group with instance targets in the given AZs. */
export function targetGroup(lb: LoadBalancer, name: string, protocol: ListenerProtocol, port: number, targets: [string, string, TargetHealthState][]): TargetGroup {
  return {
    arn: `arn:aws:elasticloadbalancing:${lb.region}:${lb.account}:targetgroup/${name}/${lb.arn.split('/').pop()!.slice(0, 16)}`,
    name, protocol, port, targetType: 'instance', healthCheckProtocol: protocol === 'HTTPS' ? 'HTTPS' : 'HTTP', vpcId: lb.vpcId,
    targets: targets.map(([id, az, health]) => ({ id, port, availabilityZone: az, health })), attributes: {},
    observed: { targets: OBSERVED, attributes: OBSERVED },
  };
}

/** A Classic SSLNegotiationPolicyType policy with explicit attributes. */
export function classicSslPolicy(name: string, enabled: string[], serverOrder: boolean, reference?: string): ClassicPolicy {
  const protocols = ['Protocol-SSLv2', 'Protocol-SSLv3', 'Protocol-TLSv1', 'Protocol-TLSv1.1', 'Protocol-TLSv1.2'];
  return {
    name, type: 'SSLNegotiationPolicyType',
    attributes: [
      ...(reference ? [{ name: 'Reference-Security-Policy', value: reference }] : []),
      ...protocols.map((p) => ({ name: p, value: String(enabled.includes(p)) })),
      { name: 'Server-Defined-Cipher-Order', value: String(serverOrder) },
      ...enabled.filter((c) => !c.startsWith('Protocol-')).map((c) => ({ name: c, value: 'true' })),
    ],
  };
}
