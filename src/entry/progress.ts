/**
 * Progress on stderr: a live line (ora's spinner) on a terminal, plain timestamped lines otherwise (CI logs),
 * nothing with --quiet. stdout stays for results, so `--out - --format json | jq` is never mixed with progress.
 */
import ora, { type Ora } from 'ora';
import { escapeTerminal } from '../text/escape-terminal.ts';

export interface Progress {
  /** One step: replaces the live line on a terminal, one more log line elsewhere. */
  (line: string): void;
  /** Ends the live line (leaving the last step visible); idempotent. */
  stop(): void;
}

export interface ProgressSettings {
  quiet: boolean;
  stream?: NodeJS.WriteStream;
  /** Default: the stream is a terminal and TERM is not dumb. */
  live?: boolean;
  color?: boolean;
  now?: () => Date;
}

const live = new Set<Progress>();

/** Ends every live line (before an error message is printed). */
export function stopAllProgress(): void {
  for (const p of [...live]) p.stop();
}

/** Builds the progress sink one command run uses. */
export function createProgress(settings: ProgressSettings): Progress {
  const stream = settings.stream ?? process.stderr;
  if (settings.quiet) return Object.assign(() => {}, { stop: () => {} });
  // A terminal that reports no width (a pty nobody sized) cannot be redrawn line by line: log lines there too.
  const isLive = settings.live ?? (stream.isTTY === true && process.env['TERM'] !== 'dumb' && (stream.columns ?? 0) > 0);
  if (!isLive) {
    const now = settings.now ?? (() => new Date());
    return Object.assign((line: string) => void stream.write(`${now().toISOString()} ${escapeTerminal(line)}\n`), { stop: () => {} });
  }
  let spinner: Ora | null = null;
  const step = (line: string): void => {
    const text = escapeTerminal(line);
    if (spinner) spinner.text = text;
    else spinner = ora({ text, stream, color: settings.color === false ? false : 'cyan', isEnabled: true, discardStdin: false }).start();
  };
  const progress: Progress = Object.assign(step, {
    stop: () => {
      spinner?.stopAndPersist({ symbol: '·' });
      spinner = null;
      live.delete(progress);
    },
  });
  live.add(progress);
  return progress;
}
