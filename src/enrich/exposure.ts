/** What the security groups of an internet-facing load balancer let in, judged against its listeners. */
import type { InternetIngress, LoadBalancerExposure } from '../model/facts.ts';
import type { Attempt, LoadBalancer, ListenerProtocol, SecurityGroupIngress, SecurityGroupRecord } from '../model/snapshot.ts';
import { terminatesTls } from './listener.ts';
import type { UnknownFactsCollector } from './unknown.ts';

const INTERNET = new Set(['0.0.0.0/0', '::/0']);
const ICMP = new Set(['icmp', 'icmpv6', '1', '58']);
// Listener protocols carried over TCP and over UDP (TCP_UDP both).
const OVER_TCP: ReadonlySet<ListenerProtocol> = new Set(['HTTP', 'HTTPS', 'TCP', 'SSL', 'TLS', 'TCP_UDP', 'TCP_QUIC']);
const OVER_UDP: ReadonlySet<ListenerProtocol> = new Set(['UDP', 'TCP_UDP', 'QUIC', 'TCP_QUIC']);

/** Security groups by account|region|id, and why a missing one is missing. */
export interface SecurityGroupIndex {
  groups: Map<string, SecurityGroupRecord>;
  /** false: the snapshot predates security groups (absent list), so every one is unread. */
  collected: boolean;
  /** group id -> reason of the failed DescribeSecurityGroups that covered it. */
  failures: Map<string, string>;
}

/** Indexes the snapshot's security groups once. */
export function securityGroupIndex(groups: SecurityGroupRecord[] | undefined, attempts: Attempt[]): SecurityGroupIndex {
  const failures = new Map<string, string>();
  for (const a of attempts) {
    if (a.service !== 'ec2' || a.operation !== 'DescribeSecurityGroups' || a.status === 'ok') continue;
    for (const id of a.covers) failures.set(id, `DescribeSecurityGroups ${a.status === 'error' ? 'failed' : 'was skipped'}: ${a.reason ?? 'no reason given'}`);
  }
  return { groups: new Map((groups ?? []).map((g) => [`${g.account}|${g.region}|${g.groupId}`, g])), collected: groups !== undefined, failures };
}

const covers = (rule: SecurityGroupIngress, protocol: 'tcp' | 'udp', port: number): boolean =>
  rule.protocol === '-1' || (rule.protocol === protocol && rule.fromPort !== null && rule.toPort !== null && rule.fromPort <= port && port <= rule.toPort);

/** Internet-open ranges that reach ports no listener of that transport uses, as short text. */
function beyondListeners(open: InternetIngress[], tcpPorts: Set<number>, udpPorts: Set<number>): string[] {
  const out = new Set<string>();
  for (const rule of open) {
    if (rule.protocol === 'all') {
      out.add('all traffic');
      continue;
    }
    // ICMP carries no port and path-MTU discovery needs it; other protocols reach the nodes, not a listener.
    if (ICMP.has(rule.protocol)) continue;
    if (rule.protocol !== 'tcp' && rule.protocol !== 'udp') {
      out.add(`protocol ${rule.protocol}`);
      continue;
    }
    const used = rule.protocol === 'tcp' ? tcpPorts : udpPorts;
    const from = rule.fromPort ?? 0;
    const to = rule.toPort ?? 65535;
    // The range reaches an unused port when it holds more ports than listeners use inside it.
    const usedInside = [...used].filter((port) => from <= port && port <= to).length;
    if (to - from + 1 > usedInside) out.add(`${rule.protocol} ${from === to ? from : `${from}-${to}`}`);
  }
  return [...out].sort();
}

/** The exposure facts, or null when they do not apply (internal, no security group) or could not be known. */
export function exposureFacts(lb: LoadBalancer, index: SecurityGroupIndex, unknown: UnknownFactsCollector): LoadBalancerExposure | null {
  if (lb.scheme !== 'internet-facing' || lb.securityGroups.length === 0) return null;
  if (!index.collected) {
    unknown.mark('exposure', 'skipped', 'this snapshot holds no security groups (collected before they were read, or by a source that cannot see them)');
    return null;
  }
  const groups: SecurityGroupRecord[] = [];
  for (const id of [...lb.securityGroups].sort()) {
    const group = index.groups.get(`${lb.account}|${lb.region}|${id}`);
    if (!group) {
      unknown.mark('exposure', 'error', `security group ${id}: ${index.failures.get(id) ?? 'not returned by DescribeSecurityGroups'}`);
      return null;
    }
    groups.push(group);
  }
  if (lb.observed.listeners.status !== 'ok') {
    unknown.mark('exposure', lb.observed.listeners.status, `the listener list could not be read: ${lb.observed.listeners.reason ?? 'no reason given'}`);
    return null;
  }
  const internetIngress: InternetIngress[] = groups.flatMap((g) =>
    g.inbound.flatMap((rule) =>
      [...rule.ipv4Ranges, ...rule.ipv6Ranges].filter((cidr) => INTERNET.has(cidr)).map((source) => ({
        protocol: rule.protocol === '-1' ? 'all' : rule.protocol,
        fromPort: rule.fromPort,
        toPort: rule.toPort,
        source,
        groupId: g.groupId,
      })),
    ),
  );
  const tcpPorts = new Set(lb.listeners.filter((l) => OVER_TCP.has(l.protocol)).map((l) => l.port));
  const udpPorts = new Set(lb.listeners.filter((l) => OVER_UDP.has(l.protocol)).map((l) => l.port));
  const inbound = groups.flatMap((g) => g.inbound);
  const tlsPorts = [...new Set(lb.listeners.filter((l) => terminatesTls(l.protocol)).map((l) => l.port))].sort((a, b) => a - b);
  return {
    securityGroupIds: groups.map((g) => g.groupId),
    internetIngress,
    tlsOnly: lb.listeners.length > 0 && lb.listeners.every((l) => terminatesTls(l.protocol)),
    openBeyondListeners: beyondListeners(internetIngress, tcpPorts, udpPorts),
    unreachableTlsListenerPorts: tlsPorts.filter((port) => !inbound.some((rule) => covers(rule, 'tcp', port))),
  };
}
