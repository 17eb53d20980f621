/**
 * CloudFormation resources -> estate drafts, property by property as the AWS CloudFormation resource
 * reference names them. Links stay references; src/iac/snapshot-mapper.ts resolves them.
 */
import type { ListenerProtocol, Scheme, LoadBalancerType } from '../model/snapshot.ts';
import { CLASSIC_DEFAULT_ATTRIBUTES, defaultHealthCheckProtocol, elbv2DefaultAttributes, DNS_AFTER_DEPLOY } from './defaults.ts';
import { ZONE_FACTS, type ActionDraft, type IacEstate, type Origin } from './estate.ts';
import { PropertyReader } from './property-reader.ts';
import { isRecord, ResourceRef, type IacResource } from './values.ts';

const LB_ATTRIBUTE_FACTS: Record<string, string[]> = {
  'deletion_protection.enabled': ['deletionProtection'],
  'routing.http.drop_invalid_header_fields.enabled': ['dropInvalidHeaderFields'],
  'routing.http.desync_mitigation_mode': ['desyncMitigationMode'],
  'access_logs.s3.enabled': ['accessLogs'],
  'load_balancing.cross_zone.enabled': ['crossZone'],
};

export function originOf(r: IacResource): Origin {
  return { format: r.format, address: r.address, span: r.span, propertySpans: r.propertySpans, account: r.account, region: r.region };
}

const logicalId = (address: string) => address.slice(address.lastIndexOf('/') + 1);
const upper = (v: string | null) => (v === null ? null : (v.toUpperCase() as ListenerProtocol));

/** {Key, Value} lists (tags, attributes) as a record; unknown values are recorded against the facts they feed. */
function keyValues(p: PropertyReader, name: string, keyField: string, valueField: string, factsOf: (key: string) => string[]): Record<string, string> {
  const out: Record<string, string> = {};
  p.list(name, []).forEach((entry, i) => {
    const e = p.nested(`${name}.${i}`, entry);
    const key = e.string(keyField, []);
    if (key === null) return;
    const value = e.string(valueField, factsOf(key));
    if (value !== null) out[key] = value;
  });
  return out;
}

/** ELBv2 actions (DefaultActions / Actions), in their Order. */
export function cfnActions(p: PropertyReader, name: string): ActionDraft[] {
  return p.list(name, ['redirectsToHttps', 'backend'])
    .map((raw, i) => ({ raw, i, order: isRecord(raw) && typeof raw.Order === 'number' ? raw.Order : Number.MAX_SAFE_INTEGER }))
    .sort((a, b) => a.order - b.order || a.i - b.i)
    .map(({ raw, i }) => {
      const a = p.nested(`${name}.${i}`, raw);
      const forward = a.nested('ForwardConfig', a.raw('ForwardConfig'));
      const groups = [a.raw('TargetGroupArn'), ...forward.list('TargetGroups', ['backend']).map((g) => (isRecord(g) ? g.TargetGroupArn : g))].filter((g) => g !== undefined && g !== null);
      const redirect = isRecord(a.raw('RedirectConfig')) ? a.nested('RedirectConfig', a.raw('RedirectConfig')) : null;
      return {
        type: (a.string('Type', ['redirectsToHttps', 'backend']) ?? 'forward').toLowerCase() as ActionDraft['type'],
        targetGroups: groups,
        redirect: redirect
          ? { protocol: redirect.string('Protocol', ['redirectsToHttps'], '#{protocol}'), port: redirect.string('Port', []), host: redirect.string('Host', []), statusCode: redirect.string('StatusCode', [], 'HTTP_301')! }
          : null,
      };
    });
}

function certificateRefs(p: PropertyReader, name: string): unknown[] {
  const list = p.raw(name);
  if (list !== undefined && !Array.isArray(list)) return [list];
  return (list ?? []).map((c: unknown) => (isRecord(c) ? c.CertificateArn : c));
}

function elbv2LoadBalancer(estate: IacEstate, origin: Origin, p: PropertyReader): void {
  const type = (p.string('Type', ['type']) ?? 'application') as LoadBalancerType;
  const attributes = { ...elbv2DefaultAttributes(type === 'classic' ? 'application' : type), ...keyValues(p, 'LoadBalancerAttributes', 'Key', 'Value', (k) => LB_ATTRIBUTE_FACTS[k] ?? []) };
  const mappings = p.list('SubnetMappings', ZONE_FACTS).map((m) => (isRecord(m) ? m.SubnetId : m));
  estate.loadBalancers.push({
    origin,
    record: {
      name: p.string('Name', []) ?? logicalId(origin.address), type, account: origin.account, region: origin.region,
      scheme: (p.string('Scheme', ['scheme'], 'internet-facing') ?? 'internet-facing') as Scheme, dnsName: DNS_AFTER_DEPLOY, vpcId: null,
      securityGroups: p.strings('SecurityGroups', []), attributes, tags: keyValues(p, 'Tags', 'Key', 'Value', () => []),
      classicPolicies: [], backendServers: [], registeredInstances: [], createdAt: null,
    },
    zones: [],
    subnets: [...p.list('Subnets', ZONE_FACTS), ...mappings],
  });
}

function elbv2Listener(estate: IacEstate, origin: Origin, p: PropertyReader): void {
  const protocol = upper(p.string('Protocol', ['protocol', 'terminatesTls', 'policy'], 'HTTP')) ?? 'HTTP';
  const certs = certificateRefs(p, 'Certificates');
  const mutual = isRecord(p.raw('MutualAuthentication')) ? p.nested('MutualAuthentication', p.raw('MutualAuthentication')) : null;
  estate.listeners.push({
    origin, loadBalancer: p.raw('LoadBalancerArn'), port: p.number('Port', ['port'], 0) ?? 0, protocol,
    instanceProtocol: null, instancePort: null, policyNames: [],
    sslPolicy: p.string('SslPolicy', ['policy']),
    certificates: certs.map((ref, i) => ({ ref, isDefault: i === 0 })),
    defaultActions: cfnActions(p, 'DefaultActions'),
    alpnPolicy: p.strings('AlpnPolicy', []),
    mutualAuthentication: mutual
      ? {
          mode: (mutual.string('Mode', ['mtls'], 'off') ?? 'off') as 'off' | 'passthrough' | 'verify',
          trustStore: mutual.raw('TrustStoreArn') ?? null,
          ignoreClientCertificateExpiry: mutual.bool('IgnoreClientCertificateExpiry', ['mtls'], false),
          advertiseTrustStoreCaNames: (mutual.string('AdvertiseTrustStoreCaNames', [], null) as 'on' | 'off' | null),
        }
      : null,
  });
}

function classicLoadBalancer(estate: IacEstate, origin: Origin, p: PropertyReader): void {
  const self = origin.address;
  const attributes: Record<string, string> = { ...CLASSIC_DEFAULT_ATTRIBUTES };
  const crossZone = p.bool('CrossZone', ['crossZone']);
  if (crossZone !== null) attributes['cross_zone_load_balancing.enabled'] = String(crossZone);
  const draining = p.nested('ConnectionDrainingPolicy', p.raw('ConnectionDrainingPolicy')).bool('Enabled', ['connectionDraining']);
  if (draining !== null) attributes['connection_draining.enabled'] = String(draining);
  const logs = p.nested('AccessLoggingPolicy', p.raw('AccessLoggingPolicy')).bool('Enabled', ['accessLogs']);
  if (logs !== null) attributes['access_log.enabled'] = String(logs);
  const selfRef = new ResourceRef(self, null);
  estate.loadBalancers.push({
    origin,
    record: {
      name: p.string('LoadBalancerName', []) ?? logicalId(self), type: 'classic', account: origin.account, region: origin.region,
      scheme: (p.string('Scheme', ['scheme'], 'internet-facing') ?? 'internet-facing') as Scheme, dnsName: DNS_AFTER_DEPLOY, vpcId: null,
      securityGroups: p.strings('SecurityGroups', []), attributes, tags: keyValues(p, 'Tags', 'Key', 'Value', () => []),
      classicPolicies: [], backendServers: [], registeredInstances: [], createdAt: null,
    },
    zones: p.strings('AvailabilityZones', ZONE_FACTS),
    subnets: p.list('Subnets', ZONE_FACTS),
  });
  p.list('Policies', ['policy']).forEach((raw, i) => {
    const q = p.nested(`Policies.${i}`, raw);
    const name = q.string('PolicyName', ['policy']);
    if (name === null) return;
    const attrs = q.list('Attributes', ['policy']).map((a, j) => {
      const r = q.nested(`Attributes.${j}`, a);
      return { name: r.string('Name', ['policy']) ?? '', value: r.string('Value', ['policy']) ?? '' };
    });
    estate.classicPolicies.push({ origin, loadBalancer: selfRef, policy: { name, type: q.string('PolicyType', ['policy']) ?? '', attributes: attrs } });
    for (const port of q.strings('LoadBalancerPorts', ['policy'])) estate.classicAttachments.push({ origin, loadBalancer: selfRef, port: Number(port), policyNames: [name], side: 'listener' });
    for (const port of q.strings('InstancePorts', ['backend'])) estate.classicAttachments.push({ origin, loadBalancer: selfRef, port: Number(port), policyNames: [name], side: 'backend' });
  });
  p.list('Listeners', ['protocol']).forEach((raw, i) => {
    const l = p.nested(`Listeners.${i}`, raw);
    const protocol = upper(l.string('Protocol', ['protocol', 'terminatesTls', 'policy'], 'HTTP')) ?? 'HTTP';
    const instanceProtocol = upper(l.string('InstanceProtocol', ['backend']));
    if (instanceProtocol === null) estate.unknown(self, `Listeners.${i}.InstanceProtocol`, 'InstanceProtocol is not given, so the back-end protocol is chosen by the service', ['backend']);
    const cert = l.raw('SSLCertificateId');
    estate.listeners.push({
      origin: { ...origin, address: `${self}#${l.number('LoadBalancerPort', ['port'], 0)}`, propertySpans: classicListenerSpans(origin) },
      loadBalancer: selfRef, port: l.number('LoadBalancerPort', ['port'], 0) ?? 0, protocol,
      instanceProtocol, instancePort: l.number('InstancePort', ['backend']),
      policyNames: l.strings('PolicyNames', ['policy']), sslPolicy: null,
      certificates: cert === undefined ? [] : [{ ref: cert, isDefault: true }],
      defaultActions: [], alpnPolicy: [], mutualAuthentication: null,
    });
  });
}

/** Inline Classic listeners point at the Listeners and Policies properties of their load balancer. */
function classicListenerSpans(origin: Origin): Origin['propertySpans'] {
  const s = origin.propertySpans;
  const out: Origin['propertySpans'] = {};
  if (s.Listeners) Object.assign(out, { Listeners: s.Listeners, Protocol: s.Listeners, SSLCertificateId: s.Listeners, InstanceProtocol: s.Listeners });
  if (s.Policies) out.Policies = s.Policies;
  return out;
}

function targetGroup(estate: IacEstate, origin: Origin, p: PropertyReader): void {
  const protocol = upper(p.string('Protocol', ['backend']));
  estate.targetGroups.push({
    origin,
    record: {
      name: p.string('Name', []) ?? logicalId(origin.address), protocol, port: p.number('Port', []),
      targetType: (p.string('TargetType', ['backend'], 'instance') ?? 'instance') as 'instance' | 'ip' | 'lambda' | 'alb',
      healthCheckProtocol: p.string('HealthCheckProtocol', ['backend']) ?? defaultHealthCheckProtocol(protocol),
      vpcId: p.string('VpcId', []), targets: [],
      attributes: keyValues(p, 'TargetGroupAttributes', 'Key', 'Value', () => []),
    },
  });
}

/** Maps one CloudFormation resource into the estate (types outside CLOUDFORMATION_TYPES never arrive here). */
export function mapCloudFormationResource(estate: IacEstate, resource: IacResource): void {
  const origin = originOf(resource);
  const p = new PropertyReader(estate, origin, resource.properties);
  estate.origins.set(origin.address, origin);
  switch (resource.type) {
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer': return elbv2LoadBalancer(estate, origin, p);
    case 'AWS::ElasticLoadBalancingV2::Listener': return elbv2Listener(estate, origin, p);
    case 'AWS::ElasticLoadBalancing::LoadBalancer': return classicLoadBalancer(estate, origin, p);
    case 'AWS::ElasticLoadBalancingV2::TargetGroup': return targetGroup(estate, origin, p);
    case 'AWS::ElasticLoadBalancingV2::ListenerRule':
      estate.rules.push({ origin, listener: p.raw('ListenerArn'), priority: p.string('Priority', []) ?? 'default', conditions: p.list('Conditions', []), actions: cfnActions(p, 'Actions') });
      return;
    case 'AWS::ElasticLoadBalancingV2::ListenerCertificate':
      estate.listenerCertificates.push({ origin, listener: p.raw('ListenerArn'), certificates: certificateRefs(p, 'Certificates') });
      return;
    case 'AWS::ElasticLoadBalancingV2::TrustStore':
      estate.trustStore(origin, p.string('Name', []) ?? logicalId(origin.address));
      return;
    case 'AWS::ElasticLoadBalancingV2::TrustStoreRevocation':
      estate.revocations.push({ origin, trustStore: p.raw('TrustStoreArn') });
      return;
    case 'AWS::IAM::ServerCertificate': {
      const name = p.string('ServerCertificateName', []) ?? logicalId(origin.address);
      const body = p.string('CertificateBody', ['pemAvailable']);
      estate.certificates.push({
        origin, name, source: 'iam',
        record: body === null ? null : certificateRecord(name, 'iam', origin, body, p.string('CertificateChain', ['chain'])),
      });
      return;
    }
    case 'AWS::CertificateManager::Certificate':
      estate.certificates.push({ origin, name: p.string('DomainName', []) ?? logicalId(origin.address), source: 'acm', record: null });
      return;
    case 'AWS::CloudHSM::Cluster':
      // CloudFormation has no HSM resource: HSMs are added with CreateHsm after deploy.
      estate.hsmClusters.push({ origin, hsmType: p.string('HsmType', []), subnets: p.list('SubnetIds', []), declaresHsms: false });
      return;
    case 'AWS::EC2::Subnet':
      estate.subnets.set(origin.address, resource.properties.AvailabilityZone);
      return;
  }
}

/** A certificate whose body the code carries, judged like a collected one. */
export function certificateRecord(name: string, source: 'acm' | 'iam', origin: Origin, body: string, chain: string | null) {
  return {
    source, account: origin.account, region: source === 'iam' ? 'global' : origin.region, name,
    domainName: null, subjectAlternativeNames: [], acmType: source === 'acm' ? 'IMPORTED' : null, status: null, keyAlgorithm: null,
    notBefore: null, notAfter: null, renewalEligibility: null, renewalStatus: null, transparencyLogging: null, inUseBy: [],
    bodyPem: body, chainPem: chain, tags: {},
  };
}
