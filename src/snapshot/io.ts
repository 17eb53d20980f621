/** Read, validate, migrate and write Snapshots. A bad snapshot is BAD_INPUT naming the file and the field's JSON path. */
import { writeFileAtomic } from '../io/atomic-file.ts';
import { readJsonFile } from '../io/json-file.ts';
import { validateAgainst } from '../io/schema.ts';
import { AuditError } from '../model/errors.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { consistencyProblems, markMissingBodies } from './consistency.ts';
import { migrateSnapshot } from './migrate.ts';
import schema from './snapshot.schema.json' with { type: 'json' };

export { migrateSnapshot } from './migrate.ts';

/** Validates a parsed snapshot (migrating older versions first); throws BAD_INPUT listing the first problems with their paths. */
export function validateSnapshot(value: unknown, where: string): Snapshot {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new AuditError('BAD_INPUT', 'a snapshot must be a JSON object', where);
  const migrated = migrateSnapshot(value as Record<string, unknown>, where);
  const problems = validateAgainst(schema, migrated);
  if (problems.length > 0) throw new AuditError('BAD_INPUT', `invalid snapshot: ${problems.join('; ')}`, where);
  const snapshot = migrated as unknown as Snapshot;
  const inconsistent = consistencyProblems(snapshot);
  if (inconsistent.length > 0) throw new AuditError('BAD_INPUT', `inconsistent snapshot: ${inconsistent.join('; ')}`, where);
  return markMissingBodies(snapshot);
}

/** Reads and validates a snapshot file. */
export function readSnapshot(path: string): Snapshot {
  return validateSnapshot(readJsonFile(path, 'snapshot'), path);
}

/** Writes a snapshot as pretty JSON, atomically. */
export function writeSnapshot(path: string, snapshot: Snapshot): void {
  writeFileAtomic(path, `${JSON.stringify(snapshot, null, 1)}\n`);
}
