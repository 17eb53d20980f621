/** Load-balancer facts: placement, healthy-target zones and hardening attributes. */
import type { LoadBalancerFacts } from '../model/facts.ts';
import type { InstanceRecord, LoadBalancer } from '../model/snapshot.ts';
import { exposureFacts, type SecurityGroupIndex } from './exposure.ts';
import { terminatesTls } from './listener.ts';
import { unknownFacts, type UnknownFactsCollector } from './unknown.ts';
import { sortedDistinct } from '../text/order.ts';

/** The load-balancer types whose attribute answer carries each fact (AWS reports every one of them, defaults included). */
const REPORTED_BY: Record<AttributeFact, readonly LoadBalancer['type'][]> = {
  deletionProtection: ['application', 'network', 'gateway'],
  dropInvalidHeaderFields: ['application'],
  desyncMitigationMode: ['application', 'classic'],
  accessLogs: ['application', 'network', 'classic'],
  crossZone: ['classic', 'network', 'gateway'],
  connectionDraining: ['classic'],
};

/** Each attribute fact and the keys the APIs report it under (ELBv2 first, then Classic's flattened key). */
const ATTRIBUTE_KEYS = {
  deletionProtection: ['deletion_protection.enabled'],
  dropInvalidHeaderFields: ['routing.http.drop_invalid_header_fields.enabled'],
  desyncMitigationMode: ['routing.http.desync_mitigation_mode', 'desync_mitigation_mode'],
  accessLogs: ['access_logs.s3.enabled', 'access_log.enabled'],
  crossZone: ['load_balancing.cross_zone.enabled', 'cross_zone_load_balancing.enabled'],
  connectionDraining: ['connection_draining.enabled'],
} as const;
type AttributeFact = keyof typeof ATTRIBUTE_KEYS;

/** The attribute's value; an answer that lacks every key of it leaves the fact unknown, naming the keys. */
function attribute(lb: LoadBalancer, fact: AttributeFact, unknown: UnknownFactsCollector): string | null {
  for (const key of ATTRIBUTE_KEYS[fact]) {
    const value = lb.attributes[key];
    if (value !== undefined) return value;
  }
  if (lb.observed.attributes.status === 'ok' && REPORTED_BY[fact].includes(lb.type)) {
    unknown.mark(fact, 'error', `DescribeLoadBalancerAttributes answered without ${ATTRIBUTE_KEYS[fact].join(' or ')}`);
  }
  return null;
}

function tlsListeners(lb: LoadBalancer): number {
  let count = 0;
  for (const l of lb.listeners) if (terminatesTls(l.protocol)) count++;
  return count;
}

const flag = (value: string | null): boolean | null => (value === null ? null : value.toLowerCase() === 'true');

const HEALTHY_ZONE_FACTS = ['healthyTargetZones', 'healthyTargetZoneCount'];

/** Zones with a healthy target; null when there are no targets (nothing to spread) or when what decides it was not seen. */
function healthyZones(lb: LoadBalancer, instances: Map<string, InstanceRecord>, unknown: UnknownFactsCollector): string[] | null {
  const facts = HEALTHY_ZONE_FACTS;
  // A few zones at most: a list kept distinct as zones come, ordered once at the end.
  const zones: string[] = [];
  let unplaced = 0;
  if (lb.type === 'classic') {
    if (!unknown.from(lb.observed.registeredInstances, 'instance health (DescribeInstanceHealth)', ...facts)) return null;
    if (lb.registeredInstances.length === 0) return null;
    for (const target of lb.registeredInstances) {
      if (target.state !== 'healthy') continue;
      const zone = instances.get(target.instanceId)?.availabilityZone;
      if (zone) { if (!zones.includes(zone)) zones.push(zone); }
      else unplaced++;
    }
  } else {
    if (!unknown.from(lb.observed.targetGroups, 'target groups (DescribeTargetGroups)', ...facts)) return null;
    for (const group of lb.targetGroups) {
      if (group.observed.targets.status !== 'ok' && !unknown.from(group.observed.targets, `target health of ${group.name} (DescribeTargetHealth)`, ...facts)) return null;
    }
    let targets = 0;
    for (const group of lb.targetGroups) {
      targets += group.targets.length;
      for (const target of group.targets) {
        if (target.health !== 'healthy') continue;
        const zone = target.availabilityZone ?? instances.get(target.id)?.availabilityZone;
        if (zone && zone !== 'all') { if (!zones.includes(zone)) zones.push(zone); }
        else if (!zone) unplaced++;
      }
    }
    if (targets === 0) return null;
  }
  // A healthy target whose zone nobody could read (its instance was not described) could be in any zone.
  if (unplaced > 0) {
    for (const fact of facts) unknown.mark(fact, 'error', `${unplaced} healthy target(s) have no known availability zone (their instances were not described)`);
    return null;
  }
  return sortedDistinct(zones);
}

/** Whether a WAFv2 web ACL protects an ALB; null for other types, or when the association was not read. */
function webAclAttached(lb: LoadBalancer, unknown: UnknownFactsCollector): boolean | null {
  if (lb.type !== 'application') return null;
  const observed = lb.observed.webAcl ?? { status: 'skipped' as const, reason: 'this snapshot holds no WAF associations (collected before they were read, or by a source that cannot see them)' };
  if (!unknown.from(observed, 'the WAFv2 association (GetWebACLForResource / ListResourcesForWebACL)', 'webAclAttached', 'webAclArn')) return null;
  return lb.webAclArn !== undefined && lb.webAclArn !== null;
}

/** Facts for one load balancer. */
export function loadBalancerFacts(lb: LoadBalancer, instances: Map<string, InstanceRecord>, securityGroups: SecurityGroupIndex): LoadBalancerFacts {
  const unknown = unknownFacts();
  // Plain loops: ten thousand load balancers, a few zones each (flatMap and filter cost more than the work).
  const zoneNames: string[] = [];
  const subnets: string[] = [];
  for (const z of lb.availabilityZones) {
    zoneNames.push(z.zoneName);
    if (z.subnetId !== null) subnets.push(z.subnetId);
  }
  const zones = sortedDistinct(zoneNames);
  const healthy = healthyZones(lb, instances, unknown);
  const listenersSeen = unknown.from(lb.observed.listeners, 'the listener list (DescribeListeners)', 'listenerCount', 'tlsListenerCount');
  if (lb.observed.attributes.status !== 'ok') unknown.from(lb.observed.attributes, 'the attributes (DescribeLoadBalancerAttributes)', ...Object.keys(ATTRIBUTE_KEYS));
  unknown.from(lb.observed.tags, 'the tags (DescribeTags)', 'tags');
  if (lb.observed.subnets) unknown.from(lb.observed.subnets, 'the subnets of its zones (DescribeSubnets)', 'subnetIds');
  const attached = webAclAttached(lb, unknown);
  return {
    subject: 'loadBalancer',
    arn: lb.arn,
    name: lb.name,
    account: lb.account,
    region: lb.region,
    loadBalancerArn: lb.arn,
    loadBalancerType: lb.type,
    type: lb.type,
    scheme: lb.scheme,
    dnsName: lb.dnsName,
    availabilityZones: zones,
    availabilityZoneCount: zones.length,
    healthyTargetZones: healthy,
    healthyTargetZoneCount: healthy === null ? null : healthy.length,
    listenerCount: listenersSeen ? lb.listeners.length : null,
    tlsListenerCount: listenersSeen ? tlsListeners(lb) : null,
    deletionProtection: flag(attribute(lb, 'deletionProtection', unknown)),
    dropInvalidHeaderFields: flag(attribute(lb, 'dropInvalidHeaderFields', unknown)),
    desyncMitigationMode: attribute(lb, 'desyncMitigationMode', unknown),
    accessLogs: flag(attribute(lb, 'accessLogs', unknown)),
    crossZone: flag(attribute(lb, 'crossZone', unknown)),
    connectionDraining: flag(attribute(lb, 'connectionDraining', unknown)),
    tags: lb.tags,
    subnetIds: sortedDistinct(subnets),
    webAclAttached: attached,
    webAclArn: attached ? (lb.webAclArn ?? null) : null,
    exposure: exposureFacts(lb, securityGroups, unknown),
    unknown: unknown.entries,
  };
}
