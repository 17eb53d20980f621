/** Where output may go: never into /proc, /sys or /dev, never onto a device, a folder where a file is wanted, or under a file. */
import { accessSync, constants, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { AuditError } from '../model/errors.ts';

const SPECIAL_ROOTS = ['/proc', '/sys', '/dev'];

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: a part of the path is a file; the caller walks up to it and names it.
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new AuditError('IO', `cannot inspect: ${code ?? (error as Error).message}`, path);
  }
}

/** The nearest part of path that exists, and its real location (symbolic links resolved). */
function existingAncestor(path: string): { path: string; real: string; stats: Stats } {
  let at = path;
  for (;;) {
    const stats = statOrNull(at);
    if (stats) return { path: at, real: realpathSync(at), stats };
    const parent = dirname(at);
    if (parent === at) throw new AuditError('IO', 'no part of this path exists', path);
    at = parent;
  }
}

function refuseSpecial(real: string, where: string): void {
  if (SPECIAL_ROOTS.some((root) => real === root || real.startsWith(`${root}${sep}`))) {
    throw new AuditError('IO', `refusing to write under ${real}: it is a kernel or device file system, not a place for reports`, where);
  }
}

/** Checks that a file can be written at path (its folder may still have to be created); throws IO naming `where`. */
export function checkFileTarget(path: string, where: string): void {
  const absolute = resolve(path);
  const target = statOrNull(absolute);
  if (target) {
    refuseSpecial(realpathSync(absolute), where);
    if (target.isDirectory()) throw new AuditError('IO', `${path} is a folder, not a file`, where);
    if (!target.isFile()) throw new AuditError('IO', `${path} is a device, pipe or socket, not a regular file`, where);
  }
  checkFolderTarget(dirname(absolute), where);
}

/** Checks that path is, or can be made, a writable folder; throws IO naming `where`. */
export function checkFolderTarget(path: string, where: string): void {
  const absolute = resolve(path);
  const found = existingAncestor(absolute);
  refuseSpecial(found.real, where);
  if (!found.stats.isDirectory()) {
    throw new AuditError('IO', found.path === absolute ? `${path} is a file, not a folder` : `${found.path} is a file, so no folder can be made under it`, where);
  }
  try {
    accessSync(found.path, constants.W_OK | constants.X_OK);
  } catch {
    throw new AuditError('IO', `${found.path} is not writable`, where);
  }
}
