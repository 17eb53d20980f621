/**
 * A Lambda collection that may run out of time (ADR 0017): collect-account and collect-page both stop sending
 * when the invocation's remaining time falls below RESUME_MARGIN_SECONDS, store what they read as a checkpoint
 * in S3, and answer resume: true; invoked again with that checkpointKey they continue without repeating a
 * call. An invocation that read nothing new fails rather than let the state machine loop for ever.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { CollectionStopped, parseCheckpoint, serialiseCheckpoint, type CheckpointData, type CollectOptions } from '../collect/index.ts';
import { AuditError } from '../model/errors.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { TOOL_VERSION } from '../version.ts';

/** The part of the Lambda context a collection uses. */
export interface InvocationClock {
  getRemainingTimeInMillis?: () => number;
}

const DEFAULT_RESUME_MARGIN_S = 60;

/** RESUME_MARGIN_SECONDS: stop collecting when less than this is left of the invocation (default 60, 5..900). */
function resumeMarginMs(env: NodeJS.ProcessEnv): number {
  const text = (env['RESUME_MARGIN_SECONDS'] ?? '').trim();
  if (text === '') return DEFAULT_RESUME_MARGIN_S * 1000;
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 5 || seconds > 900) throw new AuditError('BAD_USAGE', `"${text}" is not a whole number of seconds from 5 to 900`, 'RESUME_MARGIN_SECONDS');
  return seconds * 1000;
}

/** The event's checkpointKey: absent, or a string (what a stopped invocation of `mode` answered). */
export function checkpointKeyOf(event: Record<string, unknown>, mode: string): string | undefined {
  const key = event['checkpointKey'];
  if (key !== undefined && typeof key !== 'string') throw new AuditError('BAD_USAGE', `must be a string (the checkpointKey a stopped ${mode} answered)`, 'event.checkpointKey');
  return key;
}

/** What a resumable collection gives: the snapshot, or the checkpoint it stored to be invoked again with. */
export type ResumableOutcome = { stopped: false; snapshot: Snapshot } | { stopped: true; checkpointKey: string; answers: number };

export interface ResumableCollection {
  s3: S3Client;
  bucket: string;
  /** Where this collection's checkpoint lives in this run; the only checkpointKey it accepts. */
  ownCheckpoint: string;
  /** The event's checkpointKey, when it resumes. */
  checkpointKey: string | undefined;
  clock: InvocationClock;
  /** What is collected, for the refusal of another checkpoint ("this account's checkpoint"). */
  kind: 'account' | 'page';
  /** Names what is collected in errors and the log line (`account 111111111111`, `page 111111111111 us-east-1 elbv2-1`). */
  subject: string;
  getText: (s3: S3Client, bucket: string, key: string) => Promise<string>;
  putText: (s3: S3Client, bucket: string, key: string, body: string) => Promise<void>;
  /** Runs the collection with the stop signal and the checkpoint to resume from. */
  collect: (extra: Pick<CollectOptions, 'stop' | 'resumeFrom' | 'resumeSource' | 'now'>) => Promise<Snapshot>;
}

/** Collects, resuming from the checkpoint when asked, and stores a new checkpoint when time runs out. */
export async function collectResumably(c: ResumableCollection): Promise<ResumableOutcome> {
  const marginMs = resumeMarginMs(process.env);
  const where = `s3://${c.bucket}/${c.ownCheckpoint}`;
  let resumeFrom: CheckpointData | null = null;
  if (c.checkpointKey !== undefined) {
    if (c.checkpointKey !== c.ownCheckpoint) throw new AuditError('BAD_USAGE', `must be ${c.ownCheckpoint} (this ${c.kind}'s checkpoint in this run)`, 'event.checkpointKey');
    let text: string;
    try {
      text = await c.getText(c.s3, c.bucket, c.checkpointKey);
    } catch (error) {
      throw new AuditError('BAD_INPUT', `cannot read the checkpoint: ${(error as Error).message}`, where, { cause: error });
    }
    resumeFrom = parseCheckpoint(text, where, TOOL_VERSION);
  }
  const remaining = c.clock.getRemainingTimeInMillis;
  try {
    const snapshot = await c.collect({
      ...(remaining ? { stop: () => remaining() < marginMs } : {}),
      // The merged snapshot is dated like the first invocation's collection, as an uninterrupted one would be.
      ...(resumeFrom ? { resumeFrom, resumeSource: where, now: () => new Date((resumeFrom as CheckpointData).capturedAt) } : {}),
    });
    return { stopped: false, snapshot };
  } catch (error) {
    if (!(error instanceof CollectionStopped)) throw error;
    const answers = error.checkpoint.entries.length;
    if (answers <= (resumeFrom?.entries.length ?? 0)) {
      throw new AuditError('INCOMPLETE', `no progress in this invocation: it stops collecting when less than ${marginMs / 1000} s remain (RESUME_MARGIN_SECONDS); raise the function timeout or lower the margin`, c.subject);
    }
    await c.putText(c.s3, c.bucket, c.ownCheckpoint, serialiseCheckpoint(error.checkpoint));
    console.log(JSON.stringify({ message: 'elb-tls-audit collection stopped for time; checkpoint stored', subject: c.subject, checkpointKey: c.ownCheckpoint, answers }));
    return { stopped: true, checkpointKey: c.ownCheckpoint, answers };
  }
}
