/** Load-balancer facts: placement, healthy-target zones and hardening attributes. */
import type { LoadBalancerFacts } from '../model/facts.ts';
import type { InstanceRecord, LoadBalancer } from '../model/snapshot.ts';
import { terminatesTls } from './listener.ts';

function flag(attributes: Record<string, string>, ...keys: string[]): boolean | null {
  for (const key of keys) {
    const value = attributes[key];
    if (value !== undefined) return value.toLowerCase() === 'true';
  }
  return null;
}

function healthyZones(lb: LoadBalancer, instances: Map<string, InstanceRecord>): string[] | null {
  const zones = new Set<string>();
  if (lb.type === 'classic') {
    if (lb.registeredInstances.length === 0) return null;
    for (const target of lb.registeredInstances) {
      const zone = instances.get(target.instanceId)?.availabilityZone;
      if (target.state === 'healthy' && zone) zones.add(zone);
    }
  } else {
    const targets = lb.targetGroups.flatMap((tg) => tg.targets);
    if (targets.length === 0) return null;
    for (const target of targets) {
      const zone = target.availabilityZone ?? instances.get(target.id)?.availabilityZone;
      if (target.health === 'healthy' && zone && zone !== 'all') zones.add(zone);
    }
  }
  return [...zones].sort();
}

/** Facts for one load balancer. */
export function loadBalancerFacts(lb: LoadBalancer, instances: Map<string, InstanceRecord>): LoadBalancerFacts {
  const zones = [...new Set(lb.availabilityZones.map((z) => z.zoneName))].sort();
  const healthy = healthyZones(lb, instances);
  const a = lb.attributes;
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
    listenerCount: lb.listeners.length,
    tlsListenerCount: lb.listeners.filter((l) => terminatesTls(l.protocol)).length,
    deletionProtection: flag(a, 'deletion_protection.enabled'),
    dropInvalidHeaderFields: flag(a, 'routing.http.drop_invalid_header_fields.enabled'),
    desyncMitigationMode: a['routing.http.desync_mitigation_mode'] ?? a['desync_mitigation_mode'] ?? null,
    accessLogs: flag(a, 'access_logs.s3.enabled', 'access_log.enabled'),
    crossZone: flag(a, 'load_balancing.cross_zone.enabled', 'cross_zone_load_balancing.enabled'),
    connectionDraining: flag(a, 'connection_draining.enabled'),
    tags: lb.tags,
  };
}
