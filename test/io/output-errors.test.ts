/** Every bad output place is exit 2 with a message naming the flag and the path: never exit 70, a stack trace or a hang. */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInputs } from '../../src/entry/action.ts';
import { exitCodeFor } from '../../src/model/errors.ts';
import { buildSnapshot } from '../../src/snapshot/builder.ts';
import { runCliInProcess } from '../helpers/cli.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
let snapshot: string;
let aFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'output-errors-'));
  chmodSync(dir, 0o755);
  snapshot = join(dir, 'snapshot.json');
  writeFileSync(snapshot, JSON.stringify(buildSnapshot({ capturedAt: '2026-01-01T00:00:00.000Z', generator: { name: 'elb-tls-audit', version: '0.0.0' }, scope: { accounts: ['123456789012'], regions: ['eu-west-1'] } })));
  aFile = join(dir, 'a-file');
  writeFileSync(aFile, 'not a folder');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  return runCliInProcess(['evaluate', '--snapshot', snapshot, '--quiet', '--fail-on', 'none', ...args]);
}

describe('bad output places', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ['--out is a file', () => ['--out', aFile], /--out: .*a-file is a file, not a folder/],
    ['--out under a file', () => ['--out', join(aFile, 'reports')], /--out: .*a-file is a file, so no folder can be made under it/],
    ['--out under /proc', () => ['--out', '/proc/self/reports'], /--out: refusing to write under \/proc/],
    ['--out under /sys', () => ['--out', '/sys/kernel/reports'], /--out: refusing to write under \/sys/],
    ['--snapshot-out under a file', () => ['--out', join(dir, 'out-1'), '--snapshot-out', join(aFile, 'snapshot.json')], /--snapshot-out: .*a-file is a file/],
    ['--snapshot-out in /proc', () => ['--out', join(dir, 'out-2'), '--snapshot-out', '/proc/x/y.json'], /--snapshot-out: refusing to write under \/proc/],
    ['--snapshot-out a device', () => ['--out', join(dir, 'out-3'), '--snapshot-out', '/dev/null'], /--snapshot-out: refusing to write under \/dev/],
    ['--snapshot-out a folder', () => ['--out', join(dir, 'out-4'), '--snapshot-out', dir], /--snapshot-out: .* is a folder, not a file/],
  ];
  for (const [name, args, message] of cases) {
    it(`${name}: exit 2 naming the place`, async () => {
      const run = await cli(args());
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(run.code).toBe(2);
    });
  }

  it('an unwritable --out (as an unprivileged user) is exit 2 naming it', () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o755 });
    const run = spawnSync(process.execPath, ['--import', 'tsx', `${root}src/entry/cli.ts`, 'evaluate', '--snapshot', snapshot, '--quiet', '--out', join(locked, 'out')],
      { cwd: root, encoding: 'utf8', timeout: 120_000, ...(process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}) });
    if (process.getuid?.() !== 0) chmodSync(locked, 0o555);
    expect(run.stderr).toMatch(/--out: .*locked is not writable/);
    expect(run.status).toBe(2);
  }, 120_000);

  it("the Action's output-dir a file is exit 2 naming the input", () => {
    let error: unknown;
    try {
      readInputs({ AWS_REGION: 'eu-west-1', 'INPUT_OUTPUT-DIR': aFile });
    } catch (e) {
      error = e;
    }
    expect(String((error as Error).message)).toMatch(/^input output-dir: .*a-file is a file, not a folder/);
    expect(exitCodeFor(error)).toBe(2);
  });
});
