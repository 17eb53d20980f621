/**
 * The previous run, read from the report bucket: every stored run updates `<prefix>/latest.json`, which
 * names its findings.json, so the next run reads one small object instead of listing years of runs.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parsePreviousRun, type PreviousRun } from '../report/changes.ts';

export const latestKey = (prefix: string): string => `${prefix}/latest.json`;

interface LatestPointer {
  runPrefix: string;
  findingsKey?: string;
  finishedAt: string;
}

async function readText(s3: S3Client, bucket: string, key: string): Promise<string | null> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await out.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    const name = (error as { name?: string }).name;
    // S3 answers 403, not 404, for a missing key when the caller may not list that key's prefix: the
    // template grants ListBucket on the run prefixes only, so on the first run the pointer reads as denied.
    if (name === 'NoSuchKey' || (name === 'AccessDenied' && key.endsWith('/latest.json'))) return null;
    throw error;
  }
}

/** The previous run's findings, or null before the first run. A pointer to a missing or malformed file throws. */
export async function readPreviousRun(s3: S3Client, bucket: string, prefix: string): Promise<{ run: PreviousRun; runPrefix: string } | null> {
  const pointerText = await readText(s3, bucket, latestKey(prefix));
  if (pointerText === null) return null;
  const where = `s3://${bucket}/${latestKey(prefix)}`;
  const pointer = JSON.parse(pointerText) as Partial<LatestPointer>;
  if (typeof pointer.runPrefix !== 'string') throw new Error(`${where}: no runPrefix`);
  // The pointer (src/entry/run-store.ts) is written after every object of its run, so its findings.json is there.
  const findingsKey = typeof pointer.findingsKey === 'string' ? pointer.findingsKey : `${pointer.runPrefix}/findings.json`;
  const findings = await readText(s3, bucket, findingsKey);
  if (findings === null) throw new Error(`${where} names s3://${bucket}/${findingsKey}, which does not exist`);
  return { run: parsePreviousRun(JSON.parse(findings), `s3://${bucket}/${findingsKey}`), runPrefix: pointer.runPrefix };
}

