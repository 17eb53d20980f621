/** CloudHSM cluster facts: HSM spread, health, backups, and the web servers that hold keys in it. */
import type { HsmClusterFacts } from '../model/facts.ts';
import type { HsmCluster, InstanceRecord } from '../model/snapshot.ts';
import { unknownFacts } from './unknown.ts';

/** The ARN of a cluster (CloudHSM v2 names clusters by id; the ARN keys its findings). */
export const hsmClusterArn = (c: Pick<HsmCluster, 'region' | 'account' | 'clusterId'>): string => `arn:aws:cloudhsm:${c.region}:${c.account}:cluster/${c.clusterId}`;

/** Facts for one cluster; its clients are the instances carrying the cluster's security group (as in the SSL-offload guide). */
export function hsmClusterFacts(cluster: HsmCluster, instances: readonly InstanceRecord[]): HsmClusterFacts {
  const active = cluster.hsms.filter((h) => h.state === 'ACTIVE');
  const activeZones = [...new Set(active.map((h) => h.availabilityZone))].sort();
  const clients = cluster.securityGroup
    ? instances.filter((i) => i.account === cluster.account && i.region === cluster.region && i.securityGroups.includes(cluster.securityGroup!))
    : [];
  const unknown = unknownFacts();
  unknown.from(cluster.observed.backups, 'the backups (DescribeBackups)', 'readyBackupCount');
  const clientZones = [...new Set(clients.map((i) => i.availabilityZone).filter((z): z is string => z !== null))].sort();
  return {
    subject: 'hsmCluster',
    arn: hsmClusterArn(cluster),
    name: cluster.clusterId,
    account: cluster.account,
    region: cluster.region,
    loadBalancerArn: null,
    loadBalancerType: null,
    state: cluster.state,
    vpcId: cluster.vpcId,
    activeHsmCount: active.length,
    activeHsmZones: activeZones,
    degraded: cluster.state === 'DEGRADED' || cluster.hsms.some((h) => h.state === 'DEGRADED'),
    readyBackupCount: cluster.backups.filter((b) => b.state === 'READY').length,
    clientInstanceZones: clientZones,
    clientZonesWithoutHsm: clientZones.filter((z) => !activeZones.includes(z)),
    clientVpcMismatch: clients.some((i) => i.vpcId !== null && cluster.vpcId !== null && i.vpcId !== cluster.vpcId),
    unknown: unknown.entries,
  };
}
