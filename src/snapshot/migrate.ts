/**
 * Snapshot migrations, one step per schema version. Version 1 kept "could not see" only in the attempts'
 * `covers`; version 2 puts an observation on every record. The step reads the covers back onto the
 * records they name, so a version-1 file judges exactly as honestly as a new one.
 */
import { AuditError } from '../model/errors.ts';
import { SNAPSHOT_SCHEMA_VERSION, type Observation } from '../model/snapshot.ts';

type Json = Record<string, unknown>;
const OK: Observation = { status: 'ok', reason: null };

/** operation -> failed observation, for every resource id an error attempt covers. */
function failuresByResource(attempts: unknown): Map<string, Map<string, Observation>> {
  const byResource = new Map<string, Map<string, Observation>>();
  for (const a of Array.isArray(attempts) ? (attempts as Json[]) : []) {
    if (a['status'] !== 'error' || !Array.isArray(a['covers'])) continue;
    const observation: Observation = { status: 'error', reason: typeof a['reason'] === 'string' ? a['reason'] : 'the call failed' };
    for (const id of a['covers'] as unknown[]) {
      if (typeof id !== 'string') continue;
      const ops = byResource.get(id) ?? new Map<string, Observation>();
      ops.set(String(a['operation']), observation);
      byResource.set(id, ops);
    }
  }
  return byResource;
}

const records = (value: unknown): Json[] => (Array.isArray(value) ? (value as unknown[]).filter((v): v is Json => typeof v === 'object' && v !== null) : []);

function v1ToV2(raw: Json): Json {
  const failed = failuresByResource(raw['attempts']);
  const seen = (id: unknown, ...operations: string[]): Observation => {
    const ops = typeof id === 'string' ? failed.get(id) : undefined;
    for (const op of operations) {
      const o = ops?.get(op);
      if (o) return o;
    }
    return OK;
  };
  const used = new Set<string>();
  const loadBalancers = records(raw['loadBalancers']).map((lb) => {
    const classic = lb['type'] === 'classic';
    const listeners = records(lb['listeners']).map((l) => {
      for (const c of records(l['certificates'])) if (typeof c['arn'] === 'string') used.add(c['arn']);
      // Version 1 read listener rules of HTTP listeners only; an HTTPS listener's rules were never looked at.
      const rules: Observation = !classic && l['protocol'] === 'HTTPS'
        ? { status: 'error', reason: 'not in this version-1 snapshot (version 1 did not read the rules of HTTPS listeners; collect again to judge them)' }
        : seen(l['arn'], 'DescribeRules');
      return { ...l, observed: { certificates: seen(l['arn'], 'DescribeListenerCertificates'), rules } };
    });
    const targetGroups = records(lb['targetGroups']).map((tg) => ({
      ...tg,
      observed: { targets: seen(tg['arn'], 'DescribeTargetHealth'), attributes: seen(tg['arn'], 'DescribeTargetGroupAttributes') },
    }));
    return {
      ...lb,
      listeners,
      targetGroups,
      observed: {
        listeners: seen(lb['arn'], 'DescribeListeners'),
        attributes: seen(lb['arn'], 'DescribeLoadBalancerAttributes'),
        tags: seen(lb['arn'], 'DescribeTags'),
        classicPolicies: classic ? seen(lb['arn'], 'DescribeLoadBalancerPolicies') : OK,
        registeredInstances: classic ? seen(lb['arn'], 'DescribeInstanceHealth') : OK,
        targetGroups: classic ? OK : seen(lb['arn'], 'DescribeTargetGroups'),
      },
    };
  });
  const certificates = records(raw['certificates']).map((c) => {
    const metadata = seen(c['arn'], 'DescribeCertificate', 'ListCertificates', 'ListServerCertificates');
    let body = seen(c['arn'], 'GetCertificate', 'GetServerCertificate');
    if (body.status === 'ok' && c['bodyPem'] === null) {
      const inUse = used.has(String(c['arn'])) || (Array.isArray(c['inUseBy']) && c['inUseBy'].length > 0);
      body = inUse
        ? { status: 'error', reason: 'a certificate in use has no body in this version-1 snapshot' }
        : { status: 'skipped', reason: 'not used by any listener: only listed (--all-certificates fetches it)' };
    }
    return { ...c, observed: { metadata, body } };
  });
  const hsmClusters = records(raw['hsmClusters']).map((h) => ({ ...h, observed: { backups: seen(h['clusterId'], 'DescribeBackups') } }));
  return { ...raw, schemaVersion: 2, loadBalancers, certificates, hsmClusters };
}

const STEPS: Record<number, (raw: Json) => Json> = { 1: v1ToV2 };

/** Brings an older snapshot up to the current schemaVersion, one step at a time. */
export function migrateSnapshot(raw: Json, where: string): Json {
  let current = raw;
  for (;;) {
    const version = current['schemaVersion'];
    if (version === SNAPSHOT_SCHEMA_VERSION) return current;
    if (typeof version !== 'number') throw new AuditError('BAD_INPUT', '/schemaVersion is missing: this is not an elb-tls-audit snapshot', where);
    const step = STEPS[version];
    if (!step) throw new AuditError('BAD_INPUT', `/schemaVersion ${version} is not supported (this version reads 1 to ${SNAPSHOT_SCHEMA_VERSION})`, where);
    current = step(current);
  }
}
