/**
 * What the JSON Schema cannot say about a snapshot read from a file: identities are unique, ports are
 * ports, and every reference points at a record that is there (unless the list it would be in was not
 * seen). A violation would silently drop or mis-judge checks, so it is bad input naming its JSON path.
 */
import type { Snapshot } from '../model/snapshot.ts';

const MAX_PROBLEMS = 10;

/** The consistency problems of a schema-valid snapshot, each starting with its JSON path. */
export function consistencyProblems(snapshot: Snapshot): string[] {
  const problems: string[] = [];
  const report = (path: string, message: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(`${path} ${message}`);
  };
  const firstAt = new Map<string, string>();
  const unique = (kind: string, id: string, path: string): void => {
    const key = `${kind}|${id}`;
    const earlier = firstAt.get(key);
    if (earlier !== undefined) report(path, `repeats the ${kind} ${id} of ${earlier}`);
    else firstAt.set(key, path);
  };
  const certificates = new Set(snapshot.certificates.map((c) => c.arn));
  const trustStores = new Set(snapshot.trustStores.map((t) => t.arn));
  const unseenTrustStores = new Set(snapshot.attempts.filter((a) => a.status === 'error' && a.operation === 'DescribeTrustStores').flatMap((a) => a.covers));
  snapshot.certificates.forEach((c, i) => unique('certificate', c.arn, `/certificates/${i}`));
  snapshot.trustStores.forEach((t, i) => unique('trust store', t.arn, `/trustStores/${i}`));
  snapshot.loadBalancers.forEach((lb, i) => {
    const at = `/loadBalancers/${i}`;
    unique('load balancer', lb.arn, at);
    const groups = new Set(lb.targetGroups.map((g) => g.arn));
    lb.targetGroups.forEach((g, k) => unique(`target group of ${lb.arn}`, g.arn, `${at}/targetGroups/${k}`));
    lb.listeners.forEach((l, j) => {
      const lat = `${at}/listeners/${j}`;
      unique('listener', l.arn, lat);
      if (l.port < 1 || l.port > 65535) report(`${lat}/port`, `${l.port} is not a port (1-65535)`);
      if (l.instancePort !== null && (l.instancePort < 1 || l.instancePort > 65535)) report(`${lat}/instancePort`, `${l.instancePort} is not a port (1-65535)`);
      l.certificates.forEach((c, k) => {
        if (!certificates.has(c.arn)) report(`${lat}/certificates/${k}/arn`, `names ${c.arn}, which is not in /certificates`);
      });
      if (lb.observed.targetGroups.status === 'ok') {
        [...l.defaultActions, ...l.rules.flatMap((r) => r.actions)].forEach((action) => {
          for (const arn of action.targetGroupArns) if (!groups.has(arn)) report(`${lat}`, `forwards to target group ${arn}, which is not in ${at}/targetGroups`);
        });
      }
      const store = l.mutualAuthentication?.trustStoreArn;
      if (store && !trustStores.has(store) && !unseenTrustStores.has(store)) report(`${lat}/mutualAuthentication/trustStoreArn`, `names ${store}, which is not in /trustStores`);
    });
  });
  return problems;
}

/** A certificate a listener uses but whose body the snapshot lacks is unknown, not "no chain to judge". */
export function markMissingBodies(snapshot: Snapshot): Snapshot {
  const used = new Set(snapshot.loadBalancers.flatMap((lb) => lb.listeners.flatMap((l) => l.certificates.map((c) => c.arn))));
  let changed = false;
  const certificates = snapshot.certificates.map((c) => {
    if (c.bodyPem !== null || c.observed.body.status !== 'ok' || !used.has(c.arn)) return c;
    changed = true;
    return { ...c, observed: { ...c.observed, body: { status: 'error' as const, reason: 'a listener uses this certificate but the snapshot holds no body for it' } } };
  });
  return changed ? { ...snapshot, certificates } : snapshot;
}
