/**
 * Terraform AWS provider resources -> estate drafts, attribute by attribute as the provider documentation
 * names them. Plan values already carry the provider's schema defaults; what they omit is the API default.
 */
import type { ListenerProtocol, LoadBalancerType } from '../model/snapshot.ts';
import { CLASSIC_DEFAULT_ATTRIBUTES, defaultHealthCheckProtocol, elbv2DefaultAttributes, DNS_AFTER_DEPLOY } from './defaults.ts';
import { ZONE_FACTS, type ActionDraft, type IacEstate, type Origin } from './estate.ts';
import { certificateRecord, originOf } from './map-cloudformation.ts';
import { PropertyReader } from './property-reader.ts';
import { isRecord, ResourceRef, type IacResource } from './values.ts';

const upper = (v: string | null) => (v === null ? null : (v.toUpperCase() as ListenerProtocol));
const nameOf = (address: string) => address.replace(/\[[^\]]*\]$/, '').split('.').pop() ?? address;

/** The first element of a nested block list as a reader (blocks are lists in plan JSON). */
function block(p: PropertyReader, name: string, facts: string[]): PropertyReader | null {
  const list = p.list(name, facts);
  return list.length > 0 ? p.nested(`${name}.0`, list[0]) : null;
}

function setAttribute(attributes: Record<string, string>, key: string, value: boolean | string | null): void {
  if (value !== null) attributes[key] = String(value);
}

function tfActions(p: PropertyReader, name: string): ActionDraft[] {
  return p.list(name, ['redirectsToHttps', 'backend'])
    .map((raw, i) => ({ raw, i, order: isRecord(raw) && typeof raw.order === 'number' ? raw.order : Number.MAX_SAFE_INTEGER }))
    .sort((a, b) => a.order - b.order || a.i - b.i)
    .map(({ raw, i }) => {
      const a = p.nested(`${name}.${i}`, raw);
      const forward = block(a, 'forward', ['backend']);
      const groups = [a.raw('target_group_arn'), ...(forward?.list('target_group', ['backend']) ?? []).map((g) => (isRecord(g) ? g.arn : g))].filter((g) => g !== undefined && g !== null && g !== '');
      const redirect = block(a, 'redirect', ['redirectsToHttps']);
      return {
        type: (a.string('type', ['redirectsToHttps', 'backend']) ?? 'forward') as ActionDraft['type'],
        targetGroups: groups,
        redirect: redirect
          ? { protocol: redirect.string('protocol', ['redirectsToHttps'], '#{protocol}'), port: redirect.string('port', []), host: redirect.string('host', []), statusCode: redirect.string('status_code', [], 'HTTP_301')! }
          : null,
      };
    });
}

function loadBalancer(estate: IacEstate, origin: Origin, p: PropertyReader): void {
  const type = (p.string('load_balancer_type', ['type'], 'application') ?? 'application') as LoadBalancerType;
  const attributes = elbv2DefaultAttributes(type === 'classic' ? 'application' : type);
  setAttribute(attributes, 'deletion_protection.enabled', p.bool('enable_deletion_protection', ['deletionProtection']));
  setAttribute(attributes, 'routing.http.drop_invalid_header_fields.enabled', p.bool('drop_invalid_header_fields', ['dropInvalidHeaderFields']));
  setAttribute(attributes, 'routing.http.desync_mitigation_mode', p.string('desync_mitigation_mode', ['desyncMitigationMode']));
  setAttribute(attributes, 'load_balancing.cross_zone.enabled', p.bool('enable_cross_zone_load_balancing', ['crossZone']));
  setAttribute(attributes, 'access_logs.s3.enabled', block(p, 'access_logs', ['accessLogs'])?.bool('enabled', ['accessLogs']) ?? null);
  const internal = p.bool('internal', ['scheme'], false);
  estate.loadBalancers.push({
    origin,
    record: {
      name: p.string('name', []) ?? nameOf(origin.address), type, account: origin.account, region: origin.region,
      scheme: internal ? 'internal' : 'internet-facing', dnsName: DNS_AFTER_DEPLOY, vpcId: null, securityGroups: p.strings('security_groups', []),
      attributes, tags: (isRecord(p.raw('tags')) ? p.raw('tags') : {}) as Record<string, string>,
      classicPolicies: [], backendServers: [], registeredInstances: [], createdAt: null,
    },
    zones: [],
    subnets: [...p.list('subnets', ZONE_FACTS), ...p.list('subnet_mapping', ZONE_FACTS).map((m) => (isRecord(m) ? m.subnet_id : m))],
  });
}

function listener(estate: IacEstate, origin: Origin, p: PropertyReader): void {
  const mutual = block(p, 'mutual_authentication', ['mtls']);
  const cert = p.raw('certificate_arn');
  estate.listeners.push({
    origin, loadBalancer: p.raw('load_balancer_arn'), port: p.number('port', ['port'], 0) ?? 0,
    protocol: upper(p.string('protocol', ['protocol', 'terminatesTls', 'policy'], 'HTTP')) ?? 'HTTP',
    instanceProtocol: null, instancePort: null, policyNames: [], sslPolicy: p.string('ssl_policy', ['policy']),
    certificates: cert === undefined || cert === null || cert === '' ? [] : [{ ref: cert, isDefault: true }],
    defaultActions: tfActions(p, 'default_action'), alpnPolicy: p.strings('alpn_policy', []),
    mutualAuthentication: mutual
      ? {
          mode: (mutual.string('mode', ['mtls'], 'off') ?? 'off') as 'off' | 'passthrough' | 'verify',
          trustStore: mutual.raw('trust_store_arn') ?? null,
          ignoreClientCertificateExpiry: mutual.bool('ignore_client_certificate_expiry', ['mtls'], false),
          advertiseTrustStoreCaNames: mutual.string('advertise_trust_store_ca_names', [], null) as 'on' | 'off' | null,
        }
      : null,
  });
}

function classicLoadBalancer(estate: IacEstate, origin: Origin, p: PropertyReader, selfRef: unknown): void {
  const attributes: Record<string, string> = { ...CLASSIC_DEFAULT_ATTRIBUTES };
  setAttribute(attributes, 'cross_zone_load_balancing.enabled', p.bool('cross_zone_load_balancing', ['crossZone']));
  setAttribute(attributes, 'connection_draining.enabled', p.bool('connection_draining', ['connectionDraining']));
  setAttribute(attributes, 'desync_mitigation_mode', p.string('desync_mitigation_mode', ['desyncMitigationMode']));
  setAttribute(attributes, 'access_log.enabled', block(p, 'access_logs', ['accessLogs'])?.bool('enabled', ['accessLogs']) ?? null);
  estate.loadBalancers.push({
    origin,
    record: {
      name: p.string('name', []) ?? nameOf(origin.address), type: 'classic', account: origin.account, region: origin.region,
      scheme: p.bool('internal', ['scheme'], false) ? 'internal' : 'internet-facing', dnsName: DNS_AFTER_DEPLOY, vpcId: null,
      securityGroups: p.strings('security_groups', []), attributes, tags: (isRecord(p.raw('tags')) ? p.raw('tags') : {}) as Record<string, string>,
      classicPolicies: [], backendServers: [], registeredInstances: [], createdAt: null,
    },
    zones: p.strings('availability_zones', ZONE_FACTS),
    subnets: p.list('subnets', ZONE_FACTS),
  });
  p.list('listener', ['protocol']).forEach((raw, i) => {
    const l = p.nested(`listener.${i}`, raw);
    const port = l.number('lb_port', ['port'], 0) ?? 0;
    const cert = l.raw('ssl_certificate_id');
    estate.listeners.push({
      origin: { ...origin, address: `${origin.address}#${port}`, propertySpans: origin.propertySpans.listener ? { listener: origin.propertySpans.listener } : {} },
      loadBalancer: selfRef, port, protocol: upper(l.string('lb_protocol', ['protocol', 'terminatesTls', 'policy'], 'HTTP')) ?? 'HTTP',
      instanceProtocol: upper(l.string('instance_protocol', ['backend'])), instancePort: l.number('instance_port', ['backend']),
      policyNames: [], sslPolicy: null, certificates: cert === undefined || cert === null || cert === '' ? [] : [{ ref: cert, isDefault: true }],
      defaultActions: [], alpnPolicy: [], mutualAuthentication: null,
    });
  });
}

function keyValueList(p: PropertyReader, name: string): { name: string; value: string }[] {
  return p.list(name, ['policy']).map((a, i) => {
    const r = p.nested(`${name}.${i}`, a);
    return { name: r.string('name', ['policy']) ?? '', value: r.string('value', ['policy']) ?? '' };
  });
}

/** Maps one Terraform resource into the estate. */
export function mapTerraformResource(estate: IacEstate, resource: IacResource): void {
  const origin = originOf(resource);
  const p = new PropertyReader(estate, origin, resource.properties);
  estate.origins.set(origin.address, origin);
  switch (resource.type) {
    case 'aws_lb': case 'aws_alb': return loadBalancer(estate, origin, p);
    case 'aws_lb_listener': case 'aws_alb_listener': return listener(estate, origin, p);
    case 'aws_elb': return classicLoadBalancer(estate, origin, p, new ResourceRef(origin.address, null));
    case 'aws_lb_listener_rule': case 'aws_alb_listener_rule':
      estate.rules.push({ origin, listener: p.raw('listener_arn'), priority: p.string('priority', []) ?? 'default', conditions: p.list('condition', []), actions: tfActions(p, 'action') });
      return;
    case 'aws_lb_listener_certificate': case 'aws_alb_listener_certificate':
      estate.listenerCertificates.push({ origin, listener: p.raw('listener_arn'), certificates: [p.raw('certificate_arn')] });
      return;
    case 'aws_lb_target_group': case 'aws_alb_target_group': {
      const protocol = upper(p.string('protocol', ['backend']));
      estate.targetGroups.push({
        origin,
        record: {
          name: p.string('name', []) ?? nameOf(origin.address), protocol, port: p.number('port', []),
          targetType: (p.string('target_type', ['backend'], 'instance') ?? 'instance') as 'instance' | 'ip' | 'lambda' | 'alb',
          healthCheckProtocol: block(p, 'health_check', ['backend'])?.string('protocol', ['backend']) ?? defaultHealthCheckProtocol(protocol),
          vpcId: p.string('vpc_id', []), targets: [], attributes: {},
        },
      });
      return;
    }
    case 'aws_lb_trust_store':
      estate.trustStore(origin, p.string('name', []) ?? nameOf(origin.address));
      return;
    case 'aws_lb_trust_store_revocation':
      estate.revocations.push({ origin, trustStore: p.raw('trust_store_arn') });
      return;
    case 'aws_load_balancer_policy': {
      const name = p.string('policy_name', ['policy']) ?? nameOf(origin.address);
      estate.classicPolicies.push({ origin, loadBalancer: p.raw('load_balancer_name'), policy: { name, type: p.string('policy_type_name', ['policy']) ?? '', attributes: keyValueList(p, 'policy_attribute') } });
      return;
    }
    case 'aws_lb_ssl_negotiation_policy': {
      const name = p.string('name', ['policy']) ?? nameOf(origin.address);
      const lb = p.raw('load_balancer');
      estate.classicPolicies.push({ origin, loadBalancer: lb, policy: { name, type: 'SSLNegotiationPolicyType', attributes: keyValueList(p, 'attribute') } });
      estate.classicAttachments.push({ origin, loadBalancer: lb, port: p.number('lb_port', ['policy'], 0) ?? 0, policyNames: [name], side: 'listener' });
      return;
    }
    case 'aws_load_balancer_listener_policy':
      estate.classicAttachments.push({ origin, loadBalancer: p.raw('load_balancer_name'), port: p.number('load_balancer_port', ['policy'], 0) ?? 0, policyNames: p.strings('policy_names', ['policy']), side: 'listener' });
      return;
    case 'aws_load_balancer_backend_server_policy':
      estate.classicAttachments.push({ origin, loadBalancer: p.raw('load_balancer_name'), port: p.number('instance_port', ['backend'], 0) ?? 0, policyNames: p.strings('policy_names', ['backend']), side: 'backend' });
      return;
    case 'aws_iam_server_certificate': {
      const name = p.string('name', []) ?? nameOf(origin.address);
      const body = p.string('certificate_body', ['pemAvailable']);
      estate.certificates.push({ origin, name, source: 'iam', record: body === null ? null : certificateRecord(name, 'iam', origin, body, p.string('certificate_chain', ['chain'])) });
      return;
    }
    case 'aws_acm_certificate': {
      const name = p.string('domain_name', []) ?? nameOf(origin.address);
      const body = p.string('certificate_body', ['pemAvailable']);
      estate.certificates.push({ origin, name, source: 'acm', record: body === null ? null : certificateRecord(name, 'acm', origin, body, p.string('certificate_chain', ['chain'])) });
      return;
    }
    case 'aws_cloudhsm_v2_cluster':
      estate.hsmClusters.push({ origin, hsmType: p.string('hsm_type', []), subnets: p.list('subnet_ids', []), declaresHsms: true });
      return;
    case 'aws_cloudhsm_v2_hsm':
      estate.hsms.push({ origin, cluster: p.raw('cluster_id'), zone: p.raw('availability_zone'), subnet: p.raw('subnet_id') });
      return;
    case 'aws_subnet':
      estate.subnets.set(origin.address, resource.properties.availability_zone);
      return;
  }
}
