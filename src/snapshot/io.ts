/** Read, validate, migrate and write Snapshots. A bad snapshot is BAD_INPUT naming the file and the field's JSON path. */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-file.ts';
import { AuditError } from '../model/errors.ts';
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot } from '../model/snapshot.ts';
import { validateAgainst } from '../evaluate/validation.ts';
import schema from './snapshot.schema.json' with { type: 'json' };

/** Brings an older snapshot up to the current schemaVersion (v1 is the first; later versions add steps here). */
export function migrateSnapshot(raw: Record<string, unknown>, where: string): Record<string, unknown> {
  const version = raw.schemaVersion;
  if (version === SNAPSHOT_SCHEMA_VERSION) return raw;
  if (typeof version !== 'number') throw new AuditError('BAD_INPUT', '/schemaVersion is missing: this is not an elb-tls-audit snapshot', where);
  throw new AuditError('BAD_INPUT', `/schemaVersion ${version} is not supported (this version reads ${SNAPSHOT_SCHEMA_VERSION})`, where);
}

/** Validates a parsed snapshot; throws BAD_INPUT listing the first problems with their paths. */
export function validateSnapshot(value: unknown, where: string): Snapshot {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new AuditError('BAD_INPUT', 'a snapshot must be a JSON object', where);
  const migrated = migrateSnapshot(value as Record<string, unknown>, where);
  const problems = validateAgainst(schema, migrated);
  if (problems.length > 0) throw new AuditError('BAD_INPUT', `invalid snapshot: ${problems.join('; ')}`, where);
  return migrated as unknown as Snapshot;
}

/** Reads and parses a JSON input file; a missing or malformed file is BAD_INPUT naming the file. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AuditError('BAD_INPUT', `cannot read ${what}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, path);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AuditError('BAD_INPUT', `not valid JSON: ${(error as Error).message}`, path);
  }
}

/** Reads and validates a snapshot file. */
export function readSnapshot(path: string): Snapshot {
  return validateSnapshot(readJsonFile(path, 'snapshot'), path);
}

export { writeFileAtomic };

/** Writes a snapshot as pretty JSON, atomically; `where` names the flag in errors. */
export function writeSnapshot(path: string, snapshot: Snapshot, where = '--snapshot-out'): void {
  writeFileAtomic(path, `${JSON.stringify(snapshot, null, 1)}\n`, where);
}

/** An empty snapshot shell, for builders (demo, tests, collectors). */
export function emptySnapshot(capturedAt: string, scope: Snapshot['scope'], version: string): Snapshot {
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    generator: { name: 'elb-tls-audit', version },
    capturedAt,
    scope,
    loadBalancers: [],
    certificates: [],
    hsmClusters: [],
    instances: [],
    sslPolicies: [],
    classicPredefinedPolicies: [],
    trustStores: [],
    observations: [],
    attempts: [],
  };
}
