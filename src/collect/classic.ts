import pMap from 'p-map';
import {
  DescribeInstanceHealthCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancerPoliciesCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  paginateDescribeLoadBalancers,
  type LoadBalancerAttributes,
  type LoadBalancerDescription,
  type PolicyDescription,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  paginateDescribeSubnets,
} from '@aws-sdk/client-ec2';
import { OBSERVED, type ClassicPolicy, type LoadBalancer, type LoadBalancerObserved, type Listener, type ListenerProtocol, type Observation, type TargetHealthState } from '../model/snapshot.ts';
import { failedObservation, type CollectContext } from './context.ts';
import type { LoadBalancerPage } from './index.ts';
import {
  chunk,
  isoDate,
  pageInput,
} from './paging.ts';

/** What the Classic collector found in one region. */
export interface ClassicRegion {
  loadBalancers: LoadBalancer[];
  predefinedPolicies: ClassicPolicy[];
}

const PAGE_SIZE = 400;
const TAG_BATCH = 20;
const SUBNET_FILTER_BATCH = 200;

/**
 * Where each DescribeLoadBalancers page of `pageSize` starts (null: the first; page i at the NextMarker of page
 * i-1), for the paged fan-out's plan. Throws when the listing cannot be walked (recorded as an attempt).
 */
export async function classicPageMarkers(ctx: CollectContext, region: string, pageSize: number): Promise<(string | null)[]> {
  const pages = await ctx.paginate({ service: 'elb', region, operation: 'DescribeLoadBalancers', input: { PageSize: Math.min(PAGE_SIZE, pageSize) } }, paginateDescribeLoadBalancers);
  return pages.map((_, i) => (i === 0 ? null : (pages[i - 1]?.NextMarker ?? null)));
}

/** The synthetic ARN a Classic load balancer gets (the API has none). */
export function classicArn(region: string, account: string, name: string): string {
  return `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/${name}`;
}

/**
 * Collects every Classic load balancer of a region with its policies, attributes, tags and instance health;
 * with `page`, only the load balancers of that one DescribeLoadBalancers page (and no predefined policies,
 * which the region-wide item reads once).
 */
export async function collectClassic(ctx: CollectContext, region: string, fanOut: number, page?: LoadBalancerPage): Promise<ClassicRegion> {
  const base = { service: 'elb', region } as const;
  const predefined = page === undefined ? collectPredefinedPolicies(ctx, region) : Promise.resolve([]);
  let descriptions: LoadBalancerDescription[];
  try {
    if (page === undefined) {
      const pages = await ctx.paginate({ ...base, operation: 'DescribeLoadBalancers', input: { PageSize: ctx.pageSize(PAGE_SIZE) } }, paginateDescribeLoadBalancers);
      descriptions = pages.flatMap((p) => p.LoadBalancerDescriptions ?? []);
    } else {
      const input = pageInput(page, PAGE_SIZE);
      const out = await ctx.call({ ...base, operation: 'DescribeLoadBalancers', input }, (c, o) => c.send(new DescribeLoadBalancersCommand(input), o));
      descriptions = out.LoadBalancerDescriptions ?? [];
    }
  } catch {
    return { loadBalancers: [], predefinedPolicies: await predefined };
  }

  const arnOf = (name: string): string => classicArn(region, ctx.account, name);
  const names = descriptions.map((d) => d.LoadBalancerName ?? '').filter((n) => n !== '');
  const tags = new Map<string, Record<string, string>>();
  const tagsObserved = new Map<string, Observation>();
  const tagBatches = pMap(chunk(names, TAG_BATCH), async (batch) => {
    const input = { LoadBalancerNames: batch };
    const [out, observed] = await ctx.observe({ ...base, operation: 'DescribeTags', input, covers: batch.map(arnOf) }, (c, o) =>
      c.send(new DescribeTagsCommand(input), o),
    );
    for (const name of batch) tagsObserved.set(name, observed);
    for (const description of out?.TagDescriptions ?? []) {
      tags.set(description.LoadBalancerName ?? '', Object.fromEntries((description.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])));
    }
  }, { concurrency: fanOut });

  const loadBalancers = await pMap(descriptions, async (d) => {
    const name = d.LoadBalancerName ?? '';
    const arn = arnOf(name);
    const covers = [arn];
    const byName = { LoadBalancerName: name };
    const [[policies, policiesObserved], [attributes, attributesObserved], [health, healthObserved]] = await Promise.all([
      ctx.observe({ ...base, operation: 'DescribeLoadBalancerPolicies', input: byName, covers }, (c, o) =>
        c.send(new DescribeLoadBalancerPoliciesCommand(byName), o),
      ),
      ctx.observe({ ...base, operation: 'DescribeLoadBalancerAttributes', input: byName, covers }, (c, o) =>
        c.send(new DescribeLoadBalancerAttributesCommand(byName), o),
      ),
      ctx.observe({ ...base, operation: 'DescribeInstanceHealth', input: byName, covers }, (c, o) =>
        c.send(new DescribeInstanceHealthCommand(byName), o),
      ),
    ]);
    const states = new Map((health?.InstanceStates ?? []).map((s) => [s.InstanceId ?? '', healthState(s.State)]));
    return toLoadBalancer(d, arn, region, ctx.account, {
      policies: (policies?.PolicyDescriptions ?? []).map(toClassicPolicy),
      attributes: flattenAttributes(attributes?.LoadBalancerAttributes),
      states,
      observed: {
        listeners: OBSERVED,
        attributes: attributesObserved,
        tags: OBSERVED,
        classicPolicies: policiesObserved,
        registeredInstances: healthObserved,
        targetGroups: OBSERVED,
      },
    });
  }, { concurrency: fanOut });
  await tagBatches;
  for (const lb of loadBalancers) {
    lb.tags = tags.get(lb.name) ?? {};
    lb.observed.tags = tagsObserved.get(lb.name) ?? OBSERVED;
  }
  await placeSubnets(ctx, region, descriptions, loadBalancers, fanOut);
  return { loadBalancers, predefinedPolicies: await predefined };
}

/**
 * Classic lists a VPC load balancer's AZs and subnets apart, with no pairing; DescribeSubnets (200 ids per
 * filter) says which subnet serves which AZ, so the AZ facts read as they do for ELBv2.
 */
async function placeSubnets(ctx: CollectContext, region: string, descriptions: LoadBalancerDescription[], loadBalancers: LoadBalancer[], fanOut: number): Promise<void> {
  const ids = [...new Set(descriptions.flatMap((d) => d.Subnets ?? []))].sort();
  if (ids.length === 0) return;
  const zoneOf = new Map<string, string>();
  const failedOf = new Map<string, Observation>();
  const byName = new Map(loadBalancers.map((lb) => [lb.name, lb]));
  await pMap(chunk(ids, SUBNET_FILTER_BATCH), async (batch) => {
    const inBatch = new Set(batch);
    const covers = descriptions.filter((d) => (d.Subnets ?? []).some((s) => inBatch.has(s))).flatMap((d) => byName.get(d.LoadBalancerName ?? '')?.arn ?? []);
    try {
      const pages = await ctx.paginate({ service: 'ec2', region, operation: 'DescribeSubnets', input: { Filters: [{ Name: 'subnet-id', Values: batch }], MaxResults: Math.max(5, ctx.pageSize(1000)) }, covers }, paginateDescribeSubnets);
      const subnets = pages.flatMap((p) => p.Subnets ?? []);
      for (const s of subnets) if (s.SubnetId && s.AvailabilityZone) zoneOf.set(s.SubnetId, s.AvailabilityZone);
    } catch (error) {
      for (const id of batch) failedOf.set(id, failedObservation(error));
    }
  }, { concurrency: fanOut });
  for (const d of descriptions) {
    const lb = byName.get(d.LoadBalancerName ?? '');
    const subnets = d.Subnets ?? [];
    if (!lb || subnets.length === 0) continue;
    const failed = subnets.map((s) => failedOf.get(s)).find((o) => o !== undefined);
    lb.observed.subnets = failed ?? OBSERVED;
    // The zones are those listed plus those of the subnets (an emulator may list subnets only).
    const zones = [...new Set([...lb.availabilityZones.map((z) => z.zoneName), ...subnets.flatMap((s) => zoneOf.get(s) ?? [])])].sort();
    lb.availabilityZones = zones.map((zoneName) => ({ zoneName, subnetId: subnets.find((s) => zoneOf.get(s) === zoneName) ?? null }));
  }
}

// Without a load balancer name the API lists the predefined policies. Emulators (moto) reject that call;
// enrich falls back to the project's own table, so a failure here loses nothing and is 'skipped'.
export async function collectPredefinedPolicies(ctx: CollectContext, region: string): Promise<ClassicPolicy[]> {
  const input = {};
  const out = await ctx.tryCall(
    { service: 'elb', region, operation: 'DescribeLoadBalancerPolicies(predefined)', input, onFailure: 'skipped' },
    (c, o) => c.send(new DescribeLoadBalancerPoliciesCommand(input), o),
  );
  return (out?.PolicyDescriptions ?? []).map(toClassicPolicy);
}

function toClassicPolicy(p: PolicyDescription): ClassicPolicy {
  return {
    name: p.PolicyName ?? '',
    type: p.PolicyTypeName ?? '',
    attributes: (p.PolicyAttributeDescriptions ?? []).map((a) => ({ name: a.AttributeName ?? '', value: a.AttributeValue ?? '' })),
  };
}

/**
 * Flattens Classic attributes to dotted keys (documented beside LoadBalancer.attributes in the model).
 * AdditionalAttributes keep their API key, except the desync mode, which gets a readable alias too.
 */
export function flattenAttributes(a: LoadBalancerAttributes | undefined): Record<string, string> {
  if (!a) return {};
  const out: Record<string, string> = {};
  const put = (key: string, value: unknown): void => {
    if (value !== undefined && value !== null) out[key] = String(value);
  };
  put('access_log.enabled', a.AccessLog?.Enabled);
  put('access_log.s3_bucket_name', a.AccessLog?.S3BucketName);
  put('access_log.s3_bucket_prefix', a.AccessLog?.S3BucketPrefix);
  put('access_log.emit_interval', a.AccessLog?.EmitInterval);
  put('connection_draining.enabled', a.ConnectionDraining?.Enabled);
  put('connection_draining.timeout', a.ConnectionDraining?.Timeout);
  put('connection_settings.idle_timeout', a.ConnectionSettings?.IdleTimeout);
  put('cross_zone_load_balancing.enabled', a.CrossZoneLoadBalancing?.Enabled);
  for (const extra of a.AdditionalAttributes ?? []) {
    if (!extra.Key) continue;
    put(extra.Key, extra.Value);
    if (extra.Key === 'elb.http.desyncmitigationmode') put('desync_mitigation_mode', extra.Value);
  }
  return out;
}

function healthState(state: string | undefined): TargetHealthState {
  if (state === 'InService') return 'healthy';
  if (state === 'OutOfService') return 'unhealthy';
  return 'unknown';
}

/** Maps a Classic protocol name (any case) to the model's upper-case names. */
export function classicProtocol(value: string | undefined): ListenerProtocol {
  const upper = (value ?? 'TCP').toUpperCase();
  return (['HTTP', 'HTTPS', 'TCP', 'SSL'].includes(upper) ? upper : 'TCP') as ListenerProtocol;
}

function toLoadBalancer(
  d: LoadBalancerDescription,
  arn: string,
  region: string,
  account: string,
  extra: { policies: ClassicPolicy[]; attributes: Record<string, string>; states: Map<string, TargetHealthState>; observed: LoadBalancerObserved },
): LoadBalancer {
  const listeners: Listener[] = (d.ListenerDescriptions ?? []).map((ld) => {
    const l = ld.Listener;
    const port = l?.LoadBalancerPort ?? 0;
    return {
      arn: `${arn}/listener/${port}`,
      port,
      protocol: classicProtocol(l?.Protocol),
      instanceProtocol: l?.InstanceProtocol ? classicProtocol(l.InstanceProtocol) : null,
      instancePort: l?.InstancePort ?? null,
      policyNames: ld.PolicyNames ?? [],
      sslPolicy: null,
      certificates: l?.SSLCertificateId ? [{ arn: l.SSLCertificateId, isDefault: true }] : [],
      defaultActions: [],
      rules: [],
      alpnPolicy: [],
      mutualAuthentication: null,
      observed: { certificates: OBSERVED, rules: OBSERVED },
    };
  });
  return {
    arn,
    name: d.LoadBalancerName ?? '',
    type: 'classic',
    account,
    region,
    scheme: d.Scheme === 'internal' ? 'internal' : 'internet-facing',
    dnsName: d.DNSName ?? '',
    vpcId: d.VPCId ?? null,
    // Paired with the subnets by placeSubnets (DescribeSubnets) for load balancers in a VPC.
    availabilityZones: (d.AvailabilityZones ?? []).map((zoneName) => ({ zoneName, subnetId: null })),
    securityGroups: d.SecurityGroups ?? [],
    attributes: extra.attributes,
    tags: {},
    listeners,
    classicPolicies: extra.policies,
    backendServers: (d.BackendServerDescriptions ?? []).map((b) => ({ instancePort: b.InstancePort ?? 0, policyNames: b.PolicyNames ?? [] })),
    registeredInstances: (d.Instances ?? []).map((i) => ({
      instanceId: i.InstanceId ?? '',
      state: extra.states.get(i.InstanceId ?? '') ?? 'unknown',
    })),
    targetGroups: [],
    createdAt: isoDate(d.CreatedTime),
    observed: extra.observed,
  };
}
