/** One file replaced whole or not at all: written under an unpredictable name beside it, then renamed over it. */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { AuditError } from '../model/errors.ts';
import { removeOnInterrupt } from './interrupts.ts';
import { checkFileTarget } from './targets.ts';

/** Created exclusively, never through a symbolic link planted at the name. */
export const EXCLUSIVE_CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** An I/O failure as an AuditError naming the path (exit 2, never a stack trace). */
export function ioError(error: unknown, action: string, where: string): AuditError {
  if (error instanceof AuditError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  return new AuditError('IO', `cannot ${action}: ${code ?? (error as Error).message}`, where, { cause: error });
}

/** Writes content to path atomically; `where` names the flag or input in errors (default: the path). */
export function writeFileAtomic(path: string, content: string, where: string = path): void {
  checkFileTarget(path, where);
  const absolute = resolve(path);
  const folder = dirname(absolute);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw ioError(error, `create the folder ${folder}`, where);
  }
  const temp = join(folder, `.${basename(absolute)}.${randomBytes(8).toString('hex')}.tmp`);
  const forget = removeOnInterrupt(temp);
  try {
    const fd = openSync(temp, EXCLUSIVE_CREATE, 0o644);
    try {
      writeFileSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, absolute);
  } catch (error) {
    rmSync(temp, { force: true });
    throw ioError(error, `write ${path}`, where);
  } finally {
    forget();
  }
}
