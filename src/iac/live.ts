/**
 * `iac --resolve-live`: what the code only refers to (a certificate imported into ACM or IAM and named by ARN,
 * an existing load balancer a new listener is added to, SSL policies the bundled tables may not know yet) is
 * looked up in the account with the normal collectors, so it is judged instead of "not judged before deploy".
 * A lookup that fails, or a reference that does not exist, stays unknown: a gap in the report, never a pass.
 */
import { collectWithStats, type ClientFactory } from '../collect/index.ts';
import type { Attempt, CertificateRecord, LoadBalancer, Snapshot } from '../model/snapshot.ts';
import { buildSnapshot } from '../snapshot/builder.ts';
import type { IacLoad } from './index.ts';

export interface ResolveLiveOptions {
  /** Regions to read besides those the references name (the --region of the IaC run). */
  regions: readonly string[];
  clients?: ClientFactory;
  onProgress?: (line: string) => void;
}

/** What the code refers to and does not declare. */
export interface LiveReferences {
  certificates: string[];
  loadBalancers: string[];
  regions: string[];
}

const STAND_IN = /\/iac[0-9a-f]{8}$|:certificate\/iac[0-9a-f]{8}$|known-after-deploy|:unknown:/;
const isRegion = (name: string) => /^[a-z]{2}(-[a-z]+)+-\d$/.test(name);
const regionOfArn = (arn: string): string | null => {
  const region = arn.split(':')[3] ?? '';
  return isRegion(region) ? region : null;
};

/** The certificates and load balancers an IaC snapshot names by ARN without declaring them, and their regions. */
export function liveReferences(iac: Pick<IacLoad, 'snapshot' | 'externalLoadBalancers'>, extraRegions: readonly string[]): LiveReferences {
  const declared = new Set(iac.snapshot.certificates.map((c) => c.arn));
  const certificates = new Set<string>();
  for (const lb of iac.snapshot.loadBalancers) for (const l of lb.listeners) for (const c of l.certificates) {
    if (!declared.has(c.arn) && !STAND_IN.test(c.arn)) certificates.add(c.arn);
  }
  const loadBalancers = [...iac.externalLoadBalancers].filter((arn) => !STAND_IN.test(arn));
  const regions = new Set<string>(extraRegions);
  for (const arn of [...certificates, ...loadBalancers]) {
    const r = regionOfArn(arn);
    if (r) regions.add(r);
  }
  for (const r of iac.snapshot.scope.regions) if (isRegion(r)) regions.add(r);
  return { certificates: [...certificates].sort(), loadBalancers: loadBalancers.sort(), regions: [...regions].sort() };
}

/** An existing load balancer as deployed, with the listeners the code adds in place of those on the same port. */
function withCodeListeners(live: LoadBalancer, code: LoadBalancer): LoadBalancer {
  const ports = new Set(code.listeners.map((l) => l.port));
  return { ...live, listeners: [...live.listeners.filter((l) => !ports.has(l.port)), ...code.listeners] };
}

/**
 * Looks the references up and returns the IaC load with them filled in. Live attempts that bear on them (and
 * region-wide failures) join the snapshot, so a lookup that could not be made is reported like any collection gap.
 */
export async function resolveLive(iac: IacLoad, options: ResolveLiveOptions): Promise<IacLoad & { references: LiveReferences }> {
  const refs = liveReferences(iac, options.regions);
  const progress = options.onProgress ?? (() => {});
  if (refs.certificates.length === 0 && refs.loadBalancers.length === 0 && refs.regions.length === 0) {
    progress('resolve-live: the code names nothing outside itself and no region; nothing to look up');
    return { ...iac, references: refs };
  }
  const { snapshot: live } = await collectWithStats({
    regions: refs.regions,
    alsoFetchCertificates: refs.certificates,
    ...(options.clients ? { clients: options.clients } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const wanted = new Set([...refs.certificates, ...refs.loadBalancers]);
  const liveLbs = new Map(live.loadBalancers.map((lb) => [lb.arn, lb]));
  const liveCerts = new Map(live.certificates.map((c) => [c.arn, c]));
  const resolved = new Set<string>();
  const attempts: Attempt[] = [];

  const loadBalancers = iac.snapshot.loadBalancers.map((lb) => {
    const found = refs.loadBalancers.includes(lb.arn) ? liveLbs.get(lb.arn) : undefined;
    if (!found) return lb;
    resolved.add(lb.arn);
    return withCodeListeners(found, lb);
  });
  const certificates: CertificateRecord[] = [...iac.snapshot.certificates];
  for (const arn of refs.certificates) {
    const found = liveCerts.get(arn);
    if (!found) continue;
    resolved.add(arn);
    certificates.push(found);
  }
  // A reference the account does not hold is a broken reference: deploy would fail or attach something else.
  const missing = [...wanted].filter((arn) => !resolved.has(arn));
  const failedHere = (a: Attempt) => a.status !== 'ok' && (a.covers.length === 0 || a.covers.some((c) => wanted.has(c)));
  for (const a of live.attempts) if (failedHere(a)) attempts.push(a);
  const unexplained = missing.filter((arn) => !live.attempts.some((a) => failedHere(a) && (a.covers.length === 0 || a.covers.includes(arn))));
  for (const arn of unexplained) {
    attempts.push({
      service: 'iac', account: live.scope.accounts[0] ?? 'unknown', region: regionOfArn(arn) ?? 'unknown', operation: 'resolve-live', status: 'error',
      reason: `not judged before deploy: ${arn} is referenced by the code but does not exist in the account read (--resolve-live)`, covers: [arn],
    });
  }
  // The code-only attempts for what is now resolved ("referenced by ARN", "not in the code") no longer apply to it.
  for (const a of iac.snapshot.attempts) {
    if (a.service !== 'iac') {
      attempts.push(a);
      continue;
    }
    const covers = a.covers.filter((c) => !resolved.has(c));
    if (covers.length > 0 || a.covers.length === 0) attempts.push({ ...a, covers });
  }
  const usedInstances = new Set(loadBalancers.filter((lb) => resolved.has(lb.arn)).flatMap((lb) => [
    ...lb.registeredInstances.map((i) => i.instanceId), ...lb.targetGroups.flatMap((g) => g.targets.map((t) => t.id)),
  ]));
  const snapshot: Snapshot = buildSnapshot(
    { capturedAt: iac.snapshot.capturedAt, generator: iac.snapshot.generator, scope: { accounts: [...iac.snapshot.scope.accounts, ...live.scope.accounts], regions: [...iac.snapshot.scope.regions, ...refs.regions] } },
    {
      loadBalancers, certificates, hsmClusters: iac.snapshot.hsmClusters, trustStores: iac.snapshot.trustStores, attempts,
      instances: live.instances.filter((i) => usedInstances.has(i.instanceId)),
      sslPolicies: live.sslPolicies, classicPredefinedPolicies: live.classicPredefinedPolicies,
    },
  );
  const externalLoadBalancers = new Set([...iac.externalLoadBalancers].filter((arn) => !resolved.has(arn)));
  progress(`resolve-live: ${resolved.size} of ${wanted.size} referenced resources found in the account; ${live.sslPolicies.length} SSL policies read`);
  return { ...iac, snapshot, externalLoadBalancers, references: refs };
}
