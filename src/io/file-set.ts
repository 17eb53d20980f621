/**
 * A set of files replaced as a whole (docs/adr/0006-report-set-swap.md): every file is written into a
 * fresh private folder beside the target, then the folder is swapped in with two renames, so a reader
 * of the target sees the previous set or the new one, never a mix. Entries of the old folder that are
 * not part of the set (a snapshot, a sub-folder) are carried over into the new one.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { AuditError } from '../model/errors.ts';
import { EXCLUSIVE_CREATE, ioError } from './atomic-file.ts';
import { removeOnInterrupt } from './interrupts.ts';
import { checkFolderTarget } from './targets.ts';

export interface SetFile {
  name: string;
  content: string;
}

const NEW = 'new';
const OLD = 'old';

function siblingName(base: string, kind: string): string {
  return `.${base}.${kind}-${process.pid}-`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** After a run was killed (SIGKILL, power loss) between the two renames: restore the old set, drop dead runs' temporaries. */
function recover(parent: string, base: string, target: string): void {
  const pattern = new RegExp(`^\\.${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(${NEW}|${OLD})-(\\d+)-`);
  let exists = true;
  try {
    statSync(target);
  } catch {
    exists = false;
  }
  for (const entry of readdirSync(parent)) {
    const m = pattern.exec(entry);
    if (!m || alive(Number(m[2]))) continue;
    if (m[1] === OLD && !exists) {
      renameSync(join(parent, entry, 'set'), target);
      exists = true;
    }
    rmSync(join(parent, entry), { recursive: true, force: true });
  }
}

/** Moves the entries of `from` that the new set does not replace into `to`; returns them so a failure can move them back. */
function carryOver(from: string, to: string, replaced: ReadonlySet<string>): string[] {
  const moved: string[] = [];
  try {
    for (const entry of readdirSync(from)) {
      if (replaced.has(entry)) continue;
      renameSync(join(from, entry), join(to, entry));
      moved.push(entry);
    }
  } catch (error) {
    moveBack(to, from, moved);
    throw error;
  }
  return moved;
}

function moveBack(from: string, to: string, entries: readonly string[]): void {
  for (const entry of entries) renameSync(join(from, entry), join(to, entry));
}

async function writeExclusive(path: string, content: string): Promise<void> {
  const handle = await open(path, EXCLUSIVE_CREATE, 0o644);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes files as the new content of folder dir. `reportNames` are the names that belong to a set:
 * those not in `files` are dropped (they would be stale), every other entry is kept.
 */
export async function writeFileSet(dir: string, files: readonly SetFile[], reportNames: readonly string[], where: string): Promise<string[]> {
  checkFolderTarget(dir, where);
  let target = resolve(dir);
  if (relative(target, process.cwd()).split(/[\\/]/)[0] !== '..') {
    throw new AuditError('IO', `${dir} is the current folder or holds it; the report set replaces its folder as a whole, so give a folder of its own`, where);
  }
  const parent = dirname(target);
  try {
    mkdirSync(parent, { recursive: true });
    target = join(realpathSync(parent), basename(target));
    try {
      // The reports go where a symbolic link named by --out points, not in place of the link.
      target = realpathSync(target);
    } catch { /* not there yet */ }
  } catch (error) {
    throw ioError(error, `create the folder ${parent}`, where);
  }
  const home = dirname(target);
  const base = basename(target);
  let temp: string;
  try {
    recover(home, base, target);
    temp = mkdtempSync(join(home, siblingName(base, NEW)));
  } catch (error) {
    throw ioError(error, `create a temporary folder in ${home}`, where);
  }
  const forget = removeOnInterrupt(temp);
  try {
    for (const file of files) await writeExclusive(join(temp, file.name), file.content);
    chmodSync(temp, 0o755 & ~process.umask());
    swapIn(temp, target, new Set([...reportNames, ...files.map((f) => f.name)]));
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw ioError(error, `write the report set into ${dir}`, where);
  } finally {
    forget();
  }
  return files.map((f) => join(dir, f.name));
}

/** The commit: carry over foreign entries, then old folder aside, new folder in, old folder removed. Synchronous: no signal handler runs in between. */
function swapIn(temp: string, target: string, replaced: ReadonlySet<string>): void {
  let present = true;
  try {
    if (!statSync(target).isDirectory()) throw new AuditError('IO', `${target} is a file, not a folder`, target);
  } catch (error) {
    if (error instanceof AuditError) throw error;
    present = false;
  }
  if (!present) {
    renameSync(temp, target);
    return;
  }
  const moved = carryOver(target, temp, replaced);
  const retired = mkdtempSync(join(dirname(target), siblingName(basename(target), OLD)));
  try {
    renameSync(target, join(retired, 'set'));
  } catch (error) {
    rmSync(retired, { recursive: true, force: true });
    moveBack(temp, target, moved);
    throw error;
  }
  try {
    renameSync(temp, target);
  } catch (error) {
    renameSync(join(retired, 'set'), target);
    rmSync(retired, { recursive: true, force: true });
    moveBack(temp, target, moved);
    throw error;
  }
  rmSync(retired, { recursive: true, force: true });
}
