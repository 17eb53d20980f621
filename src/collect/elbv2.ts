import pMap from 'p-map';
import {
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeSSLPoliciesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetHealthCommand,
  paginateDescribeListenerCertificates,
  paginateDescribeListeners,
  paginateDescribeLoadBalancers,
  paginateDescribeRules,
  paginateDescribeTargetGroups,
  type Listener as SdkListener,
  type LoadBalancer as SdkLoadBalancer,
  type TargetGroup as SdkTargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { OBSERVED, type LoadBalancer, type Listener, type Observation, type SslPolicyRecord, type TargetGroup, type TrustStoreRecord } from '../model/snapshot.ts';
import { failedObservation, type CollectContext } from './context.ts';
import type { LoadBalancerPage } from './index.ts';
import { toAction, toListenerProtocol, toMutualAuthentication, toTargetHealth } from './elbv2-shapes.ts';
import {
  chunk,
  collectPages,
  isoDate,
  pageInput,
} from './paging.ts';
import { collectTrustStores } from './trust-stores.ts';

/** What the ELBv2 collector found in one region. */
export interface Elbv2Region {
  loadBalancers: LoadBalancer[];
  sslPolicies: SslPolicyRecord[];
  trustStores: TrustStoreRecord[];
}

const PAGE_SIZE = 400;
const TAG_BATCH = 20;
const TLS_PROTOCOLS = new Set(['HTTPS', 'TLS']);
// Only ALB listeners have rules; they decide redirects (HTTP) and which target groups get traffic (both).
const RULE_PROTOCOLS = new Set(['HTTP', 'HTTPS']);
const kv = (list: { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> =>
  Object.fromEntries((list ?? []).map((e) => [e.Key ?? '', e.Value ?? '']));

/**
 * Collects every ALB/NLB/GWLB of a region: listeners, SNI certificates, rules, target groups, health, attributes,
 * tags; with `page`, only the load balancers of that one DescribeLoadBalancers page (and no SSL policies, which
 * the region-wide item reads once).
 */
export async function collectElbv2(ctx: CollectContext, region: string, fanOut: number, page?: LoadBalancerPage): Promise<Elbv2Region> {
  const base = { service: 'elbv2', region } as const;
  // Listed in pages so its cost does not grow with the estate; one listing per region.
  const sslPolicies = page === undefined ? collectSslPolicies(ctx, region) : Promise.resolve([]);
  let sdkLbs: SdkLoadBalancer[];
  try {
    if (page === undefined) {
      const pages = await ctx.paginate({ ...base, operation: 'DescribeLoadBalancers', input: { PageSize: ctx.pageSize(PAGE_SIZE) } }, paginateDescribeLoadBalancers);
      sdkLbs = pages.flatMap((p) => p.LoadBalancers ?? []);
    } else {
      const input = pageInput(page, PAGE_SIZE);
      const out = await ctx.call({ ...base, operation: 'DescribeLoadBalancers', input }, (c, o) => c.send(new DescribeLoadBalancersCommand(input), o));
      sdkLbs = out.LoadBalancers ?? [];
    }
  } catch {
    return { loadBalancers: [], sslPolicies: await sslPolicies, trustStores: [] };
  }
  const lbArns = sdkLbs.map((lb) => lb.LoadBalancerArn ?? '');

  // One region-wide target group listing is cheaper than one call per load balancer; a page reads the health
  // and attributes of only the groups its own load balancers use.
  const targetGroups = collectTargetGroups(ctx, region, lbArns, fanOut, page !== undefined);
  const tags = new Map<string, Record<string, string>>();
  const tagsObserved = new Map<string, Observation>();
  const tagging = pMap(chunk(lbArns, TAG_BATCH), async (batch) => {
    const input = { ResourceArns: batch };
    const [out, observed] = await ctx.observe({ ...base, operation: 'DescribeTags', input, covers: batch }, (c, o) => c.send(new DescribeTagsCommand(input), o));
    for (const arn of batch) tagsObserved.set(arn, observed);
    for (const d of out?.TagDescriptions ?? []) tags.set(d.ResourceArn ?? '', kv(d.Tags));
  }, { concurrency: fanOut });

  const loadBalancers = await pMap(sdkLbs, async (lb): Promise<LoadBalancer> => {
    const arn = lb.LoadBalancerArn ?? '';
    const byArn = { LoadBalancerArn: arn };
    const [listed, [attributes, attributesObserved]] = await Promise.all([
      collectListeners(ctx, region, arn, lb.Type === 'gateway', fanOut),
      ctx.observe({ ...base, operation: 'DescribeLoadBalancerAttributes', input: byArn, covers: [arn] }, (c, o) =>
        c.send(new DescribeLoadBalancerAttributesCommand(byArn), o),
      ),
    ]);
    return {
      arn,
      name: lb.LoadBalancerName ?? '',
      type: (lb.Type ?? 'application') as LoadBalancer['type'],
      account: ctx.account,
      region,
      scheme: lb.Scheme === 'internal' ? 'internal' : 'internet-facing',
      dnsName: lb.DNSName ?? '',
      vpcId: lb.VpcId ?? null,
      availabilityZones: (lb.AvailabilityZones ?? []).map((az) => ({ zoneName: az.ZoneName ?? '', subnetId: az.SubnetId ?? null })),
      securityGroups: lb.SecurityGroups ?? [],
      attributes: kv(attributes?.Attributes),
      tags: {},
      listeners: listed.listeners,
      classicPolicies: [],
      backendServers: [],
      registeredInstances: [],
      targetGroups: [],
      createdAt: isoDate(lb.CreatedTime),
      observed: {
        listeners: listed.observed,
        attributes: attributesObserved,
        tags: OBSERVED,
        classicPolicies: OBSERVED,
        registeredInstances: OBSERVED,
        targetGroups: OBSERVED,
      },
    };
  }, { concurrency: fanOut });

  const groups = await targetGroups;
  await tagging;
  for (const lb of loadBalancers) {
    lb.tags = tags.get(lb.arn) ?? {};
    lb.observed.tags = tagsObserved.get(lb.arn) ?? OBSERVED;
    lb.observed.targetGroups = groups.observed;
    lb.targetGroups = groups.groups.filter((g) => g.loadBalancerArns.includes(lb.arn)).map((g) => g.group);
  }
  const trustStores = await collectTrustStores(ctx, region, loadBalancers, fanOut);
  return { loadBalancers, sslPolicies: await sslPolicies, trustStores };
}

/**
 * Where each DescribeLoadBalancers page of `pageSize` starts (null: the first; page i at the NextMarker of page
 * i-1), for the paged fan-out's plan. Throws when the listing cannot be walked (recorded as an attempt).
 */
export async function elbv2PageMarkers(ctx: CollectContext, region: string, pageSize: number): Promise<(string | null)[]> {
  const pages = await ctx.paginate({ service: 'elbv2', region, operation: 'DescribeLoadBalancers', input: { PageSize: Math.min(PAGE_SIZE, pageSize) } }, paginateDescribeLoadBalancers);
  return pages.map((_, i) => (i === 0 ? null : (pages[i - 1]?.NextMarker ?? null)));
}

/** Every SSL policy of a region (region-wide: read once per region, also by the paged fan-out's region item). */
export async function collectSslPolicies(ctx: CollectContext, region: string): Promise<SslPolicyRecord[]> {
  try {
    // The SDK has no paginator for this operation, so the marker loop is ours.
    const policies = await collectPages(async (marker) => {
      const input = { PageSize: ctx.pageSize(PAGE_SIZE), ...(marker ? { Marker: marker } : {}) };
      const out = await ctx.call({ service: 'elbv2', region, operation: 'DescribeSSLPolicies', input }, (c, o) =>
        c.send(new DescribeSSLPoliciesCommand(input), o),
      );
      return { items: out.SslPolicies, next: out.NextMarker };
    });
    return policies.map((p) => ({
      region,
      name: p.Name ?? '',
      protocols: p.SslProtocols ?? [],
      ciphers: [...(p.Ciphers ?? [])].sort((a, b) => (a.Priority ?? 0) - (b.Priority ?? 0)).map((c) => c.Name ?? ''),
      supportedLoadBalancerTypes: p.SupportedLoadBalancerTypes ?? [],
    }));
  } catch {
    return [];
  }
}

async function collectListeners(
  ctx: CollectContext,
  region: string,
  lbArn: string,
  gateway: boolean,
  fanOut: number,
): Promise<{ listeners: Listener[]; observed: Observation }> {
  let sdkListeners: SdkListener[];
  try {
    const pages = await ctx.paginate({ service: 'elbv2', region, operation: 'DescribeListeners', input: { LoadBalancerArn: lbArn, PageSize: ctx.pageSize(PAGE_SIZE) }, covers: [lbArn] }, paginateDescribeListeners);
    sdkListeners = pages.flatMap((p) => p.Listeners ?? []);
  } catch (error) {
    return { listeners: [], observed: failedObservation(error) };
  }
  const listeners = await pMap(sdkListeners, async (l): Promise<Listener> => {
    const arn = l.ListenerArn ?? '';
    // Gateway Load Balancer listeners carry no protocol in the API; they are GENEVE by construction.
    const protocol = toListenerProtocol(l.Protocol) ?? (gateway ? 'GENEVE' : null);
    // A listener has exactly one default certificate, the first DescribeListeners names (moto lists SNI ones after it).
    const defaults = (l.Certificates ?? []).slice(0, 1).map((c) => ({ arn: c.CertificateArn ?? '', isDefault: true }));
    const none = { items: [], observed: OBSERVED };
    const [certificates, rules] = await Promise.all([
      protocol !== null && TLS_PROTOCOLS.has(protocol) ? collectListenerCertificates(ctx, region, arn, defaults) : { items: defaults, observed: OBSERVED },
      protocol !== null && RULE_PROTOCOLS.has(protocol) ? collectRules(ctx, region, arn) : none,
    ]);
    return {
      arn,
      port: l.Port ?? 0,
      protocol: protocol ?? 'TCP',
      instanceProtocol: null,
      instancePort: null,
      policyNames: [],
      // Only TLS-terminating listeners negotiate; a policy name echoed on TCP/HTTP listeners would mislead rules.
      sslPolicy: protocol !== null && TLS_PROTOCOLS.has(protocol) ? (l.SslPolicy ?? null) : null,
      certificates: certificates.items,
      defaultActions: (l.DefaultActions ?? []).map(toAction),
      rules: rules.items,
      alpnPolicy: l.AlpnPolicy ?? [],
      mutualAuthentication: toMutualAuthentication(l.MutualAuthentication),
      observed: { certificates: certificates.observed, rules: rules.observed },
    };
  }, { concurrency: fanOut });
  return { listeners, observed: OBSERVED };
}

/** A list read by a call family of its own, with how it was seen. */
interface ObservedList<T> {
  items: T[];
  observed: Observation;
}

// The default certificate comes back twice (IsDefault true and false); keep it once, default first.
async function collectListenerCertificates(
  ctx: CollectContext,
  region: string,
  listenerArn: string,
  defaults: Listener['certificates'],
): Promise<ObservedList<Listener['certificates'][number]>> {
  try {
    const pages = await ctx.paginate({ service: 'elbv2', region, operation: 'DescribeListenerCertificates', input: { ListenerArn: listenerArn, PageSize: ctx.pageSize(PAGE_SIZE) }, covers: [listenerArn] }, paginateDescribeListenerCertificates);
    const all = pages.flatMap((p) => p.Certificates ?? []);
    // DescribeListeners names the default certificate authoritatively (moto flags every entry IsDefault).
    const defaultArns = new Set(defaults.length > 0 ? defaults.map((c) => c.arn) : all.filter((c) => c.IsDefault).map((c) => c.CertificateArn ?? ''));
    const sni = [...new Set(all.map((c) => c.CertificateArn ?? ''))].filter((a) => a !== '' && !defaultArns.has(a)).sort();
    return { items: [...[...defaultArns].map((arn) => ({ arn, isDefault: true })), ...sni.map((arn) => ({ arn, isDefault: false }))], observed: OBSERVED };
  } catch (error) {
    // The default certificate is known from DescribeListeners; the SNI list is not.
    return { items: defaults, observed: failedObservation(error) };
  }
}

async function collectRules(ctx: CollectContext, region: string, listenerArn: string): Promise<ObservedList<Listener['rules'][number]>> {
  try {
    const pages = await ctx.paginate({ service: 'elbv2', region, operation: 'DescribeRules', input: { ListenerArn: listenerArn, PageSize: ctx.pageSize(PAGE_SIZE) }, covers: [listenerArn] }, paginateDescribeRules);
    const rules = pages.flatMap((p) => p.Rules ?? []);
    const items = rules
      .filter((r) => !r.IsDefault)
      .map((r) => ({ arn: r.RuleArn ?? '', priority: r.Priority ?? '', conditions: r.Conditions ?? [], actions: (r.Actions ?? []).map(toAction) }));
    return { items, observed: OBSERVED };
  } catch (error) {
    return { items: [], observed: failedObservation(error) };
  }
}

async function collectTargetGroups(
  ctx: CollectContext,
  region: string,
  lbArns: string[],
  fanOut: number,
  onlyThese = false,
): Promise<{ groups: { loadBalancerArns: string[]; group: TargetGroup }[]; observed: Observation }> {
  let sdkGroups: SdkTargetGroup[];
  try {
    const pages = await ctx.paginate({ service: 'elbv2', region, operation: 'DescribeTargetGroups', input: { PageSize: ctx.pageSize(PAGE_SIZE) }, covers: lbArns }, paginateDescribeTargetGroups);
    sdkGroups = pages.flatMap((p) => p.TargetGroups ?? []);
  } catch (error) {
    return { groups: [], observed: failedObservation(error) };
  }
  // Target groups no load balancer uses cannot carry traffic, so their health is not worth a call.
  const mine = new Set(lbArns);
  const attached = sdkGroups.filter((g) => (g.LoadBalancerArns ?? []).length > 0 && (!onlyThese || (g.LoadBalancerArns ?? []).some((arn) => mine.has(arn))));
  const groups = await pMap(attached, async (g) => {
    const arn = g.TargetGroupArn ?? '';
    const byArn = { TargetGroupArn: arn };
    const [[health, targetsObserved], [attributes, attributesObserved]] = await Promise.all([
      ctx.observe({ service: 'elbv2', region, operation: 'DescribeTargetHealth', input: byArn, covers: [arn] }, (c, o) =>
        c.send(new DescribeTargetHealthCommand(byArn), o),
      ),
      ctx.observe({ service: 'elbv2', region, operation: 'DescribeTargetGroupAttributes', input: byArn, covers: [arn] }, (c, o) =>
        c.send(new DescribeTargetGroupAttributesCommand(byArn), o),
      ),
    ]);
    const group: TargetGroup = {
      arn,
      name: g.TargetGroupName ?? '',
      protocol: toListenerProtocol(g.Protocol),
      port: g.Port ?? null,
      targetType: (g.TargetType ?? 'instance') as TargetGroup['targetType'],
      healthCheckProtocol: g.HealthCheckProtocol ?? null,
      vpcId: g.VpcId ?? null,
      targets: (health?.TargetHealthDescriptions ?? []).map((t) => ({
        id: t.Target?.Id ?? '',
        port: t.Target?.Port ?? null,
        availabilityZone: t.Target?.AvailabilityZone ?? null,
        health: toTargetHealth(t.TargetHealth?.State),
      })),
      attributes: kv(attributes?.Attributes),
      observed: { targets: targetsObserved, attributes: attributesObserved },
    };
    return { loadBalancerArns: g.LoadBalancerArns ?? [], group };
  }, { concurrency: fanOut });
  return { groups, observed: OBSERVED };
}
