/**
 * What stands in front of an internet-facing load balancer: the WAFv2 web ACL of each ALB and the inbound
 * rules of the security groups load balancers name. Each with the fewest calls the estate allows.
 */
import pMap from 'p-map';
import {
  paginateDescribeSecurityGroups,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { GetWebACLForResourceCommand, ListResourcesForWebACLCommand, ListWebACLsCommand, type WebACLSummary } from '@aws-sdk/client-wafv2';
import { type LoadBalancer, type Observation, OBSERVED, type SecurityGroupRecord } from '../model/snapshot.ts';
import { failedObservation, type CollectContext } from './context.ts';
import {
  chunk,
  collectPages,
} from './paging.ts';

// Listing web ACLs costs a page; below this many ALBs asking per ALB is never more calls.
const LIST_FROM_ALBS = 3;
const WEB_ACL_PAGE = 100;
// 200 values per filter, as for instances; a filter tolerates ids that no longer exist.
const GROUP_FILTER_BATCH = 200;

/**
 * Sets webAclArn (null: none) and observed.webAcl on every ALB of the region. One GetWebACLForResource per
 * ALB, or, when the region has fewer web ACLs than ALBs, ListWebACLs plus one ListResourcesForWebACL per ACL.
 */
export async function collectWebAcls(ctx: CollectContext, region: string, loadBalancers: LoadBalancer[], fanOut: number): Promise<void> {
  const albs = loadBalancers.filter((lb) => lb.type === 'application');
  if (albs.length === 0) return;
  const covers = albs.map((lb) => lb.arn);
  if (albs.length >= LIST_FROM_ALBS) {
    let acls: WebACLSummary[] | null = null;
    try {
      // The SDK has no paginator for this operation, so the marker loop is ours.
      acls = await collectPages(async (marker) => {
        const input = { Scope: 'REGIONAL' as const, Limit: ctx.pageSize(WEB_ACL_PAGE), ...(marker ? { NextMarker: marker } : {}) };
        // Skipped, not an error, when it fails: asking per ALB below still answers the question.
        const out = await ctx.call({ service: 'wafv2', region, operation: 'ListWebACLs', input, covers, onFailure: 'skipped' }, (c, o) => c.send(new ListWebACLsCommand(input), o));
        return { items: out.WebACLs, next: out.NextMarker };
      });
    } catch {
      // recorded as skipped
    }
    if (acls !== null && acls.length < albs.length) {
      await byWebAcl(ctx, region, albs, acls, fanOut);
      return;
    }
  }
  await pMap(albs, async (lb) => {
    const input = { ResourceArn: lb.arn };
    const [out, observed] = await ctx.observe({ service: 'wafv2', region, operation: 'GetWebACLForResource', input, covers: [lb.arn] }, (c, o) =>
      c.send(new GetWebACLForResourceCommand(input), o),
    );
    lb.webAclArn = out === null ? null : (out.WebACL?.ARN ?? null);
    lb.observed.webAcl = observed;
  }, { concurrency: fanOut });
}

async function byWebAcl(ctx: CollectContext, region: string, albs: LoadBalancer[], acls: WebACLSummary[], fanOut: number): Promise<void> {
  const aclOf = new Map<string, string>();
  let failure: Observation = OBSERVED;
  await pMap(acls, async (acl) => {
    const input = { WebACLArn: acl.ARN ?? '', ResourceType: 'APPLICATION_LOAD_BALANCER' as const };
    const [out, observed] = await ctx.observe({ service: 'wafv2', region, operation: 'ListResourcesForWebACL', input, covers: albs.map((lb) => lb.arn) }, (c, o) =>
      c.send(new ListResourcesForWebACLCommand(input), o),
    );
    if (out === null) failure = observed;
    for (const arn of out?.ResourceArns ?? []) aclOf.set(arn, acl.ARN ?? '');
  }, { concurrency: fanOut });
  for (const lb of albs) {
    const acl = aclOf.get(lb.arn);
    // An ALB seen in one ACL's list is protected whatever another list said; absent from all is "none" only if every list was read.
    lb.webAclArn = acl ?? null;
    lb.observed.webAcl = acl !== undefined ? OBSERVED : failure;
  }
}

/** The security groups internet-facing load balancers name, with their inbound rules, 200 group ids per call. */
export async function collectSecurityGroups(ctx: CollectContext, region: string, loadBalancers: LoadBalancer[], fanOut: number): Promise<SecurityGroupRecord[]> {
  const ids = [...new Set(loadBalancers.filter((lb) => lb.scheme === 'internet-facing').flatMap((lb) => lb.securityGroups))].filter((id) => id !== '').sort();
  const found: SecurityGroup[] = [];
  await pMap(chunk(ids, GROUP_FILTER_BATCH), async (batch) => {
    try {
      const pages = await ctx.paginate({ service: 'ec2', region, operation: 'DescribeSecurityGroups', input: { Filters: [{ Name: 'group-id', Values: batch }], MaxResults: Math.max(5, ctx.pageSize(1000)) }, covers: batch }, paginateDescribeSecurityGroups);
      const groups = pages.flatMap((p) => p.SecurityGroups ?? []);
      found.push(...groups);
    } catch {
      // recorded with the group ids it covers; enrich reads those groups as unknown
    }
  }, { concurrency: fanOut });
  return found.map((g) => ({
    groupId: g.GroupId ?? '',
    account: ctx.account,
    region,
    name: g.GroupName ?? '',
    vpcId: g.VpcId ?? null,
    inbound: (g.IpPermissions ?? []).map((p) => ({
      protocol: p.IpProtocol ?? '-1',
      fromPort: p.IpProtocol === '-1' ? null : (p.FromPort ?? null),
      toPort: p.IpProtocol === '-1' ? null : (p.ToPort ?? null),
      ipv4Ranges: (p.IpRanges ?? []).map((r) => r.CidrIp ?? '').filter((c) => c !== ''),
      ipv6Ranges: (p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6 ?? '').filter((c) => c !== ''),
      prefixListIds: (p.PrefixListIds ?? []).map((r) => r.PrefixListId ?? '').filter((c) => c !== ''),
      groupIds: (p.UserIdGroupPairs ?? []).map((r) => r.GroupId ?? '').filter((c) => c !== ''),
    })),
  }));
}

