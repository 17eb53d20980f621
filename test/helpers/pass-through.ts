/**
 * The demo estate's TCP pass-through NLB (hsm-front), audited alone with its endpoint pointed (--connect-to)
 * at a server on 127.0.0.1: how the tests see what the endpoint rules make of a real server.
 */
import { audit, type AuditOutcome } from '../../src/audit.ts';
import { demoSnapshot, demoTrustAnchors } from '../../src/demo/estate.ts';
import type { EstateOptions } from '../../src/probe/plan.ts';

/** The pass-through NLB's DNS name: the name its endpoint is probed (and its certificate judged) for. */
export const PASS_THROUGH_DNS = demoSnapshot().loadBalancers.find((lb) => lb.name === 'hsm-front')!.dnsName;

export interface PassThroughOptions {
  /** Trust anchors besides the demo's (the lab's private roots). */
  anchors?: string[];
  profile?: string;
  asOf?: string;
  /** Probe options besides the redirect (default connection timeout 3000 ms). */
  probe?: Omit<EstateOptions, 'connectTo'>;
}

/** Audits hsm-front alone, its endpoint served by the given local port. */
export async function auditPassThrough(port: number, options: PassThroughOptions = {}): Promise<AuditOutcome> {
  const snapshot = demoSnapshot();
  snapshot.loadBalancers = snapshot.loadBalancers.filter((lb) => lb.name === 'hsm-front');
  return audit({
    source: { kind: 'snapshot', snapshot }, profile: options.profile ?? 'default', failOn: 'none', allowPartial: true,
    trustAnchorsPem: [...demoTrustAnchors(), ...(options.anchors ?? [])], ...(options.asOf ? { asOf: options.asOf } : {}),
    probe: { timeoutMs: 3000, ...options.probe, connectTo: [`${PASS_THROUGH_DNS}:443:127.0.0.1:${port}`] },
  });
}
