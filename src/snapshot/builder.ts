/**
 * The one place a Snapshot is assembled. Collectors, the probe, multi-account collection, the Lambda's
 * merge, the demo and the IaC readers all hand their records to a SnapshotBuilder; it owns canonical
 * order (code-point, never locale), de-duplication, merging of attempts and validation, so two sources
 * of the same estate give the same bytes.
 */
import { AuditError } from '../model/errors.ts';
import {
  OBSERVED,
  SNAPSHOT_SCHEMA_VERSION,
  type Attempt,
  type CertificateRecord,
  type ClassicPolicy,
  type HsmCluster,
  type InstanceRecord,
  type LoadBalancer,
  type Listener,
  type PrivateCaRecord,
  type ProbeObservation,
  type SecurityGroupRecord,
  type Snapshot,
  type SslPolicyRecord,
  type TargetGroup,
  type TrustStoreRecord,
} from '../model/snapshot.ts';
import { validateAgainst } from '../io/schema.ts';
import schema from './snapshot.schema.json' with { type: 'json' };

/** Code-point order: the same on every machine whatever LANG says. */
export const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

type Drafted<T extends { observed: object }> = Omit<T, 'observed'> & { observed?: Partial<T['observed']> };

/** A listener as a source hands it over: what it does not mark as unobserved was seen. */
export type ListenerDraft = Drafted<Listener>;
export type TargetGroupDraft = Drafted<TargetGroup>;
/** A load balancer as a source hands it over (observation defaults to ok, for sources that state everything). */
export type LoadBalancerDraft = Omit<Drafted<LoadBalancer>, 'listeners' | 'targetGroups'> & { listeners: ListenerDraft[]; targetGroups: TargetGroupDraft[] };
export type CertificateDraft = Drafted<CertificateRecord>;
export type HsmClusterDraft = Drafted<HsmCluster>;

/** What a source contributes; every list is optional. */
export interface SnapshotParts {
  loadBalancers?: readonly LoadBalancerDraft[];
  certificates?: readonly CertificateDraft[];
  hsmClusters?: readonly HsmClusterDraft[];
  instances?: readonly InstanceRecord[];
  sslPolicies?: readonly SslPolicyRecord[];
  classicPredefinedPolicies?: readonly ClassicPolicy[];
  trustStores?: readonly TrustStoreRecord[];
  securityGroups?: readonly SecurityGroupRecord[];
  privateCas?: readonly PrivateCaRecord[];
  observations?: readonly ProbeObservation[];
  attempts?: readonly Attempt[];
}

export interface SnapshotHeader {
  capturedAt: string;
  generator: Snapshot['generator'];
  scope: Snapshot['scope'];
}

function listener(draft: ListenerDraft): Listener {
  return { ...draft, observed: { certificates: OBSERVED, rules: OBSERVED, ...draft.observed } };
}

function targetGroup(draft: TargetGroupDraft): TargetGroup {
  const targets = [...draft.targets].sort((a, b) => byCodePoint(a.id, b.id) || (a.port ?? 0) - (b.port ?? 0));
  return { ...draft, targets, observed: { targets: OBSERVED, attributes: OBSERVED, ...draft.observed } };
}

function loadBalancer(draft: LoadBalancerDraft): LoadBalancer {
  return {
    ...draft,
    listeners: draft.listeners.map(listener).sort((a, b) => a.port - b.port || byCodePoint(a.arn, b.arn)),
    targetGroups: draft.targetGroups.map(targetGroup).sort((a, b) => byCodePoint(a.arn, b.arn)),
    registeredInstances: [...draft.registeredInstances].sort((a, b) => byCodePoint(a.instanceId, b.instanceId)),
    observed: {
      listeners: OBSERVED, attributes: OBSERVED, tags: OBSERVED, classicPolicies: OBSERVED, registeredInstances: OBSERVED, targetGroups: OBSERVED,
      ...draft.observed,
    },
  };
}

const certificate = (draft: CertificateDraft): CertificateRecord => ({ ...draft, observed: { metadata: OBSERVED, body: OBSERVED, ...draft.observed } });
const hsmCluster = (draft: HsmClusterDraft): HsmCluster => ({ ...draft, observed: { backups: OBSERVED, ...draft.observed } });

const attemptKey = (a: Attempt): string => `${a.service}|${a.account}|${a.region}|${a.operation}`;
const STATUS_WEIGHT = { ok: 0, skipped: 1, error: 2 } as const;

/** One attempt per call family and account: the worst status wins, reasons and covered resources are united. */
function mergeAttempts(attempts: readonly Attempt[]): Attempt[] {
  const byKey = new Map<string, Attempt>();
  for (const a of attempts) {
    const key = attemptKey(a);
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...a, covers: [...a.covers] });
      continue;
    }
    const reasons = new Set([...(seen.reason ?? '').split('; '), ...(a.reason ?? '').split('; ')].filter(Boolean));
    byKey.set(key, {
      ...seen,
      status: STATUS_WEIGHT[a.status] > STATUS_WEIGHT[seen.status] ? a.status : seen.status,
      reason: reasons.size > 0 ? [...reasons].sort(byCodePoint).join('; ') : null,
      covers: [...new Set([...seen.covers, ...a.covers])],
    });
  }
  return [...byKey.values()]
    .map((a) => ({ ...a, covers: [...a.covers].sort(byCodePoint) }))
    .sort((a, b) => byCodePoint(`${a.service}|${a.region}|${a.operation}|${a.account}`, `${b.service}|${b.region}|${b.operation}|${b.account}`));
}

/** Keeps the first item of each key (sources agree on shared, account-independent data such as predefined policies). */
function unique<T>(items: readonly T[], key: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) if (!byKey.has(key(item))) byKey.set(key(item), item);
  return [...byKey.values()].sort((a, b) => byCodePoint(key(a), key(b)));
}

const OBSERVATION_RANK = { ok: 2, error: 1, skipped: 0 } as const;
const seenScore = (c: CertificateRecord): number => Object.values(c.observed).reduce((n, o) => n + OBSERVATION_RANK[o.status], 0);

/**
 * One record per certificate ARN. Sources that each saw part of an estate (the paged fan-out: every page lists a
 * region's certificates but fetches only those its own listeners use) can hand the same certificate in twice:
 * the record read most fully wins (ties: the first), and inUseBy is the union of what every source saw.
 */
function mergeCertificates(records: readonly CertificateRecord[]): CertificateRecord[] {
  const byArn = new Map<string, CertificateRecord>();
  for (const record of records) {
    const seen = byArn.get(record.arn);
    if (seen === undefined) {
      byArn.set(record.arn, record);
      continue;
    }
    const best = seenScore(record) > seenScore(seen) ? record : seen;
    const inUseBy = [...new Set([...seen.inUseBy, ...record.inUseBy])].sort(byCodePoint);
    byArn.set(record.arn, { ...best, inUseBy });
  }
  return [...byArn.values()].sort((a, b) => byCodePoint(a.arn, b.arn));
}

const observationKey = (o: ProbeObservation): string =>
  `${o.target.host}|${String(o.target.port).padStart(5, '0')}|${o.target.sni ?? ''}|${o.listenerArn ?? ''}`;

/** Collects parts from any number of sources and builds one canonical, validated Snapshot. */
export class SnapshotBuilder {
  private readonly parts: SnapshotParts[] = [];
  private readonly accounts = new Set<string>();
  private readonly regions = new Set<string>();

  constructor(private readonly header: SnapshotHeader) {
    for (const a of header.scope.accounts) this.accounts.add(a);
    for (const r of header.scope.regions) this.regions.add(r);
  }

  /** Adds what one source saw. */
  add(parts: SnapshotParts): this {
    this.parts.push(parts);
    return this;
  }

  /** Adds a whole snapshot (one account's, or a saved one): its records and its scope. */
  addSnapshot(snapshot: Snapshot): this {
    for (const a of snapshot.scope.accounts) this.accounts.add(a);
    for (const r of snapshot.scope.regions) this.regions.add(r);
    return this.add(snapshot);
  }

  /** The snapshot: canonical order, one record per identity, attempts merged per call family; schema-checked. */
  build(): Snapshot {
    const all = <K extends keyof SnapshotParts>(key: K): NonNullable<SnapshotParts[K]>[number][] =>
      this.parts.flatMap((p) => [...((p[key] ?? []) as NonNullable<SnapshotParts[K]>)]);
    const accounts = [...this.accounts];
    // 'unknown' is only a placeholder for an account STS could not name; drop it once a real id is known.
    const named = accounts.filter((a) => a !== 'unknown');
    const snapshot: Snapshot = {
      schemaVersion: SNAPSHOT_SCHEMA_VERSION,
      generator: this.header.generator,
      capturedAt: this.header.capturedAt,
      scope: { accounts: (named.length > 0 ? named : accounts).sort(byCodePoint), regions: [...this.regions].sort(byCodePoint) },
      loadBalancers: unique(all('loadBalancers').map(loadBalancer), (lb) => `${lb.region}|${lb.arn}`),
      certificates: mergeCertificates(all('certificates').map(certificate)),
      hsmClusters: unique(all('hsmClusters').map(hsmCluster), (c) => `${c.account}|${c.region}|${c.clusterId}`),
      instances: unique(all('instances'), (i) => `${i.account}|${i.instanceId}`),
      sslPolicies: unique(all('sslPolicies'), (p) => `${p.region}|${p.name}`),
      classicPredefinedPolicies: unique(all('classicPredefinedPolicies'), (p) => p.name),
      trustStores: unique(all('trustStores'), (t) => t.arn),
      // Present only when a source read them, so snapshots of sources that cannot see them stay as they were.
      ...(this.parts.some((p) => p.securityGroups !== undefined)
        ? { securityGroups: unique(all('securityGroups'), (g) => `${g.account}|${g.region}|${g.groupId}`) }
        : {}),
      ...(this.parts.some((p) => p.privateCas !== undefined) ? { privateCas: unique(all('privateCas'), (c) => c.arn) } : {}),
      observations: unique(all('observations'), observationKey),
      attempts: mergeAttempts(all('attempts')),
    };
    const problems = validateAgainst(schema, snapshot);
    if (problems.length > 0) throw new AuditError('INTERNAL', `the snapshot built does not match its schema: ${problems.join('; ')}`, 'snapshot');
    return snapshot;
  }
}

/** Builds a snapshot from one header and any number of parts. */
export function buildSnapshot(header: SnapshotHeader, ...parts: SnapshotParts[]): Snapshot {
  const builder = new SnapshotBuilder(header);
  for (const p of parts) builder.add(p);
  return builder.build();
}
