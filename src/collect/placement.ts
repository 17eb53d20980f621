import pMap from 'p-map';
import {
  paginateDescribeBackups,
  paginateDescribeClusters,
  type Backup,
  type Cluster,
} from '@aws-sdk/client-cloudhsm-v2';
import {
  DescribeRegionsCommand,
  paginateDescribeInstances,
  type Instance,
} from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { OBSERVED, type HsmCluster, type InstanceRecord, type Observation } from '../model/snapshot.ts';
import { failedObservation, type CollectContext } from './context.ts';
import {
  chunk,
  isoDate,
} from './paging.ts';
import { endpointMissing } from './retry.ts';
import { compareCodePoints } from '../text/order.ts';

// 200 values per filter: the EC2 cap as commonly documented (not verified against the current API reference).
// A filter, unlike InstanceIds, tolerates ids that no longer exist instead of failing the whole call.
const INSTANCE_FILTER_BATCH = 200;

/** The account id of the caller (STS GetCallerIdentity), or null when STS did not answer. */
export async function callerAccount(ctx: CollectContext, homeRegion: string): Promise<string | null> {
  const out = await ctx.tryCall({ service: 'sts', region: homeRegion, operation: 'GetCallerIdentity', input: {} }, (c, o) =>
    c.send(new GetCallerIdentityCommand({}), o),
  );
  return out?.Account ?? null;
}

/** Every region enabled for the account (EC2 DescribeRegions), for `--regions all`. */
export async function enabledRegions(ctx: CollectContext, homeRegion: string): Promise<string[]> {
  const out = await ctx.call({ service: 'ec2', region: homeRegion, operation: 'DescribeRegions', input: {} }, (c, o) =>
    c.send(new DescribeRegionsCommand({}), o),
  );
  return (out.Regions ?? []).map((r) => r.RegionName ?? '').filter((r) => r !== '').sort();
}

/** CloudHSM v2 clusters of a region with their HSMs and backups. */
export async function collectHsmClusters(ctx: CollectContext, region: string): Promise<HsmCluster[]> {
  let clusters: Cluster[];
  try {
    // CloudHSM is offered in fewer regions than ELB; where it has no endpoint there can be no cluster.
    const onFailure = (error: unknown): 'error' | 'skipped' => (endpointMissing(error) ? 'skipped' : 'error');
    // client-cloudhsm-v2's paginator sets MaxResults from the config's pageSize, so it is passed there too.
    const pages = await ctx.paginate({ service: 'cloudhsmv2', region, operation: 'DescribeClusters', input: { MaxResults: ctx.pageSize(25) }, onFailure }, paginateDescribeClusters, ctx.pageSize(25));
    clusters = pages.flatMap((p) => p.Clusters ?? []);
  } catch {
    return [];
  }
  if (clusters.length === 0) return [];
  const ids = clusters.map((c) => c.ClusterId ?? '');
  let backups: Backup[] = [];
  let backupsObserved: Observation = OBSERVED;
  try {
    // One region-wide listing rather than one per cluster.
    const pages = await ctx.paginate({ service: 'cloudhsmv2', region, operation: 'DescribeBackups', input: { MaxResults: ctx.pageSize(50) }, covers: ids }, paginateDescribeBackups, ctx.pageSize(50));
    backups = pages.flatMap((p) => p.Backups ?? []);
  } catch (error) {
    // recorded with the clusters it covers
    backupsObserved = failedObservation(error);
  }
  return clusters.map((c) => ({
    clusterId: c.ClusterId ?? '',
    account: ctx.account,
    region,
    state: c.State ?? 'UNKNOWN',
    hsmType: c.HsmType ?? null,
    vpcId: c.VpcId ?? null,
    securityGroup: c.SecurityGroup ?? null,
    subnetMapping: { ...(c.SubnetMapping ?? {}) },
    hsms: (c.Hsms ?? []).map((h) => ({
      hsmId: h.HsmId ?? '',
      availabilityZone: h.AvailabilityZone ?? '',
      subnetId: h.SubnetId ?? null,
      state: h.State ?? 'UNKNOWN',
      eniIp: h.EniIp ?? null,
    })),
    backups: backups
      .filter((b) => b.ClusterId === c.ClusterId)
      .map((b) => ({ backupId: b.BackupId ?? '', state: b.BackupState ?? 'UNKNOWN', createTimestamp: isoDate(b.CreateTimestamp) })),
    observed: { backups: backupsObserved },
  }));
}

/** Placement (AZ, subnet, VPC, security groups) of the given instances, 200 ids per call. */
export async function collectInstances(ctx: CollectContext, region: string, instanceIds: string[], fanOut: number): Promise<InstanceRecord[]> {
  const ids = [...new Set(instanceIds)].filter((id) => id !== '').sort();
  const found: Instance[] = [];
  await pMap(chunk(ids, INSTANCE_FILTER_BATCH), async (batch) => {
    try {
      const pages = await ctx.paginate({ service: 'ec2', region, operation: 'DescribeInstances', input: { Filters: [{ Name: 'instance-id', Values: batch }], MaxResults: Math.max(5, ctx.pageSize(1000)) }, covers: batch }, paginateDescribeInstances);
      const instances = pages.flatMap((p) => (p.Reservations ?? []).flatMap((r) => r.Instances ?? []));
      found.push(...instances);
    } catch {
      // recorded with the instance ids it covers
    }
  }, { concurrency: fanOut });
  return found
    .map((i) => ({
      instanceId: i.InstanceId ?? '',
      account: ctx.account,
      region,
      availabilityZone: i.Placement?.AvailabilityZone ?? null,
      subnetId: i.SubnetId ?? null,
      vpcId: i.VpcId ?? null,
      securityGroups: (i.SecurityGroups ?? []).map((g) => g.GroupId ?? '').filter((g) => g !== ''),
      state: i.State?.Name ?? null,
    }))
    .sort((a, b) => compareCodePoints(a.instanceId, b.instanceId));
}
