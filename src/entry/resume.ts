/**
 * `--checkpoint`, `--resume` and `--deadline` of `collect` and `audit`: a collection that is interrupted
 * (Ctrl-C, SIGTERM) or runs past its deadline stops sending, lets the calls in flight finish, writes what it
 * read to a checkpoint (temp file + rename) and prints the command that continues it.
 */
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { readCheckpoint, writeCheckpoint, type CheckpointData, type CollectionStopped, type StopReason } from '../collect/index.ts';
import { checkFileTarget } from '../io/targets.ts';
import { EXIT } from '../model/errors.ts';
import { TOOL_VERSION } from '../version.ts';
import { parseDuration } from './parse.ts';

export interface ResumeFlags {
  checkpoint?: string;
  resume?: string;
  deadline?: string;
}

/** Adds --checkpoint, --resume and --deadline. */
export function addResumeFlags(command: Command): Command {
  return command
    .option('--checkpoint <file>', 'where an interrupted or timed-out collection writes what it read (default: checkpoint.json beside the output)')
    .option('--resume <file>', 'continue the collection a checkpoint holds, without repeating its calls')
    .option('--deadline <duration>', 'stop collecting after this long (e.g. 90s, 10m, 1h30m) and write a checkpoint; exit 3');
}

/** The settings the flags give, checked before anything is collected. */
export interface ResumePlan {
  checkpointPath: string;
  resumeFrom: CheckpointData | null;
  resumePath: string | null;
  deadlineMs: number | null;
}

/**
 * Reads the flags: the checkpoint target must be writable, a --resume file must be a checkpoint of this version
 * (a bad one is exit 2 naming it), --deadline a duration. `defaultCheckpoint` is used without --checkpoint.
 */
export function resumePlan(flags: ResumeFlags, defaultCheckpoint: string): ResumePlan {
  const deadlineMs = flags.deadline === undefined ? null : parseDuration(flags.deadline, '--deadline');
  const checkpointPath = flags.checkpoint ?? defaultCheckpoint;
  checkFileTarget(checkpointPath, '--checkpoint');
  const resumeFrom = flags.resume === undefined ? null : readCheckpoint(flags.resume, TOOL_VERSION);
  return { checkpointPath, resumeFrom, resumePath: flags.resume ?? null, deadlineMs };
}

/** checkpoint.json in the output folder; beside a snapshot file as <name>.checkpoint.json; in the working folder for stdout. */
export function defaultCheckpointFor(out: string): string {
  if (out === '-') return 'elb-tls-audit.checkpoint.json';
  if (out.endsWith('.json')) return out.replace(/\.json$/, '.checkpoint.json');
  try {
    if (statSync(out).isFile()) return join(dirname(out), 'checkpoint.json');
  } catch {
    // absent: a folder to create
  }
  return join(out, 'checkpoint.json');
}

/** The signal or deadline that asks a collection to stop; dispose() before anything else runs. */
export interface StopControl {
  stop: () => boolean;
  reason: () => StopReason | null;
  dispose: () => void;
}

const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Catches SIGINT/SIGTERM while a collection runs: the first asks it to stop cleanly (a note on stderr), a second
 * ends the process at once without a checkpoint. The deadline is measured from now.
 */
export function watchForStop(deadlineMs: number | null, now: () => number = Date.now): StopControl {
  let reason: StopReason | null = null;
  const until = deadlineMs === null ? null : now() + deadlineMs;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (reason === 'SIGINT' || reason === 'SIGTERM') {
      process.stderr.write(`elb-tls-audit: ${signal} again: stopping now, without a checkpoint\n`);
      process.exit(SIGNAL_EXIT[signal]);
    }
    reason = signal;
    process.stderr.write(`elb-tls-audit: ${signal}: finishing the calls in flight, then writing a checkpoint (again to quit at once)\n`);
  };
  const onInt = (): void => onSignal('SIGINT');
  const onTerm = (): void => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    stop: () => {
      if (reason === null && until !== null && now() >= until) reason = 'deadline';
      return reason !== null;
    },
    reason: () => reason,
    dispose: () => {
      process.removeListener('SIGINT', onInt);
      process.removeListener('SIGTERM', onTerm);
    },
  };
}

/** A shell word as POSIX sh reads it back. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command line of this run with --resume FILE in place of any --resume it had. */
export function resumeCommand(command: Command, checkpointPath: string): string {
  // Commander keeps the argv it parsed as rawArgs (not in its types).
  const raw = (command.parent as unknown as { rawArgs?: string[] } | null)?.rawArgs ?? [];
  const at = raw.indexOf(command.name());
  const args = at >= 0 ? raw.slice(at + 1) : [];
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--resume') i++;
    else if (!arg.startsWith('--resume=')) kept.push(arg);
  }
  return ['elb-tls-audit', command.name(), ...kept, '--resume', checkpointPath].map(shellWord).join(' ');
}

/** Writes the checkpoint of a stopped collection, says how to continue, and answers the exit code (130, 143 or 3). */
export function finishStopped(stopped: CollectionStopped, command: Command, plan: ResumePlan, reason: StopReason | null): number {
  writeCheckpoint(plan.checkpointPath, stopped.checkpoint);
  const why = reason === 'deadline' ? 'the --deadline was reached' : reason === null ? 'the collection was stopped' : `interrupted (${reason})`;
  process.stderr.write(
    `elb-tls-audit: ${why} before the collection finished; ${stopped.checkpoint.entries.length} answers saved in ${plan.checkpointPath}\n` +
      `continue with: ${resumeCommand(command, plan.checkpointPath)}\n`,
  );
  // A deadline too short to read anything new would make a resume loop stand still.
  if (plan.resumeFrom && stopped.checkpoint.entries.length <= plan.resumeFrom.entries.length) {
    process.stderr.write('elb-tls-audit: nothing new was read in this run: give it more time (--deadline) before resuming again\n');
  }
  return reason === 'SIGINT' || reason === 'SIGTERM' ? SIGNAL_EXIT[reason] : EXIT.INCOMPLETE;
}
