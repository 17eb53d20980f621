/** Which endpoints of an estate to probe, and probing them all with bounded concurrency. */
import { terminatesTls } from '../enrich/listener.ts';
import type { LoadBalancer, Listener, ProbeObservation, Snapshot } from '../model/snapshot.ts';
import { connectToAddress, parseConnectTo, type ConnectToRule } from './connect-to.ts';
import { probeEndpoint, type ProbeOptions, type ProbeTarget } from './endpoint.ts';
import { Limiter } from './limiter.ts';
import { compareCodePoints } from '../text/order.ts';

/** Ports where a TCP pass-through listener is expected to carry TLS served by the targets. */
export const TLS_PORTS: readonly number[] = [443, 465, 636, 853, 989, 990, 992, 993, 994, 995, 5061, 8443, 9443];

export interface PlanOptions {
  /** Probe internal load balancers too (only when the machine running the audit can reach them). */
  includeInternal?: boolean;
  tlsPorts?: readonly number[];
}

export interface EstateOptions extends PlanOptions, ProbeOptions {
  /** curl --connect-to HOST:PORT:HOST2:PORT2 rules. */
  connectTo?: string[];
  /** Endpoints probed at once. */
  concurrency?: number;
  /** One line per endpoint done ("probed 3/12 host:443 ok"), for the progress display. */
  onProgress?: (line: string) => void;
}

/** The listeners worth probing: the load balancer terminates TLS, or passes TCP through on a TLS port. */
export function servesTls(listener: Listener, tlsPorts: readonly number[] = TLS_PORTS): boolean {
  const passthrough = (listener.protocol === 'TCP' || listener.protocol === 'TCP_UDP') && tlsPorts.includes(listener.port);
  return terminatesTls(listener.protocol) || passthrough;
}

/** A wildcard cannot be sent as SNI; any single label under it is covered by the same certificate. */
function concreteName(name: string): string | null {
  const lower = name.trim().toLowerCase();
  if (!/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(lower)) return null;
  return lower.startsWith('*.') ? `www${lower.slice(1)}` : lower;
}

/** SNI names a listener serves: domain names and SANs of its certificates, default certificate first. */
export function listenerSniNames(listener: Listener, snapshot: Snapshot): string[] {
  const names: string[] = [];
  const ordered = [...listener.certificates].sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
  for (const ref of ordered) {
    const record = snapshot.certificates.find((c) => c.arn === ref.arn);
    if (!record) continue;
    for (const raw of [record.domainName, ...record.subjectAlternativeNames]) {
      const name = raw ? concreteName(raw) : null;
      if (name && !names.includes(name)) names.push(name);
    }
  }
  return names;
}

function targetFor(lb: LoadBalancer, listener: Listener, snapshot: Snapshot): ProbeTarget {
  const names = terminatesTls(listener.protocol) ? listenerSniNames(listener, snapshot) : [];
  return {
    host: lb.dnsName, port: listener.port, sni: names[0] ?? null, sniNames: names.slice(1),
    loadBalancerArn: lb.arn, listenerArn: listener.arn,
  };
}

/** HTTPS/SSL/TLS listeners of every load balancer type, plus TCP pass-through on TLS ports. */
export function planProbes(snapshot: Snapshot, options: PlanOptions = {}): ProbeTarget[] {
  const tlsPorts = options.tlsPorts ?? TLS_PORTS;
  const targets: ProbeTarget[] = [];
  for (const lb of snapshot.loadBalancers) {
    if (lb.scheme === 'internal' && !options.includeInternal) continue;
    for (const listener of lb.listeners) {
      if (servesTls(listener, tlsPorts)) targets.push(targetFor(lb, listener, snapshot));
    }
  }
  return targets.sort((a, b) => compareCodePoints(a.host, b.host) || a.port - b.port);
}

/** Probes every planned endpoint; unreachable ones come back as status 'error' observations. */
export async function probeEstate(snapshot: Snapshot, options: EstateOptions = {}): Promise<ProbeObservation[]> {
  const rules: ConnectToRule[] = (options.connectTo ?? []).map(parseConnectTo);
  const limiter = new Limiter(options.concurrency ?? 8);
  const targets = planProbes(snapshot, options).map((target) => {
    const connectTo = connectToAddress(target.host, target.port, rules);
    return connectTo ? { ...target, connectTo } : target;
  });
  let done = 0;
  options.onProgress?.(`probing ${targets.length} endpoints…`);
  return Promise.all(targets.map((target) => limiter.run(async () => {
    const observation = await probeEndpoint(target, options);
    options.onProgress?.(`probed ${++done}/${targets.length} ${target.host}:${target.port}${target.sni ? ` (SNI ${target.sni})` : ''}: ${observation.status}`);
    return observation;
  })));
}
