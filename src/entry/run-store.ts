/**
 * A Lambda run's objects in S3, all or nothing for a reader: every object goes under the run's own
 * prefix first, and only then is `<prefix>/latest.json` (the pointer, listing each key with its size and
 * SHA-256) written. A reader that follows the pointer sees a whole run; a run that failed half-way is
 * never pointed at, and the previous pointer stays.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export interface RunPointer {
  runId: string;
  runPrefix: string;
  storedAt: string;
  objects: Array<{ key: string; bytes: number; sha256: string }>;
}

/** The key of the pointer to the latest complete run. */
export function pointerKey(prefix: string): string {
  return `${prefix}/latest.json`;
}

/** Uploads every file of dir under runPrefix, then the pointer; returns the run's keys. */
export async function storeRun(s3: S3Client, bucket: string, prefix: string, run: { runId: string; runPrefix: string }, dir: string,
  contentTypes: Readonly<Record<string, string>>): Promise<string[]> {
  const objects: RunPointer['objects'] = [];
  for (const name of readdirSync(dir).sort()) {
    const body = readFileSync(join(dir, name));
    const key = `${run.runPrefix}/${name}`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentTypes[name] ?? 'application/octet-stream' }));
    objects.push({ key, bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') });
  }
  const pointer: RunPointer = { runId: run.runId, runPrefix: run.runPrefix, storedAt: new Date().toISOString(), objects };
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: pointerKey(prefix), Body: `${JSON.stringify(pointer, null, 1)}\n`, ContentType: 'application/json' }));
  return objects.map((o) => o.key);
}
