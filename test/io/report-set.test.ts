/**
 * All-or-nothing report sets: an audit interrupted with SIGINT at each file write, or failing at one,
 * leaves the previous set complete (or the new one), and no temporary file anywhere beside --out.
 */
import { spawnSync } from 'node:child_process';
import { constants, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSnapshot } from '../../src/demo/estate.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const preload = fileURLToPath(new URL('../helpers/write-faults.mjs', import.meta.url));
const SET = ['findings.json', 'report.html', 'results.sarif', 'summary.md'];
let dir: string;
let snapshotFile: string;

function evaluate(out: string, args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--import', preload, `${root}src/entry/cli.ts`, 'evaluate', '--snapshot', snapshotFile,
    '--out', out, '--fail-on', 'none', '--allow-partial', '--quiet', ...args], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: run.status, signal: run.signal, stderr: run.stderr };
}

function readSet(out: string): Record<string, string> {
  return Object.fromEntries(readdirSync(out).sort().map((name) => [name, readFileSync(join(out, name), 'utf8')]));
}

let oldSet: Record<string, string>;
let newSet: Record<string, string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'report-set-'));
  snapshotFile = join(dir, 'snapshot.json');
  writeFileSync(snapshotFile, JSON.stringify(demoSnapshot()));
  // The old set and the new one differ (another profile), so a mix would show.
  const a = join(dir, 'reference-old'), b = join(dir, 'reference-new');
  expect(evaluate(a, ['--rules-profile', 'default']).code).toBe(0);
  expect(evaluate(b, ['--rules-profile', 'mozilla-modern']).code).toBe(0);
  oldSet = readSet(a);
  newSet = readSet(b);
  expect(Object.keys(oldSet)).toEqual(SET);
  for (const name of SET) expect(oldSet[name] === newSet[name], name).toBe(false);
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A folder holding the old set (copied, not re-run) and a file of the user's that every run must keep. */
function freshOut(name: string): string {
  const out = join(dir, name, 'out');
  mkdirSync(out, { recursive: true });
  for (const [file, content] of Object.entries(oldSet)) writeFileSync(join(out, file), content);
  writeFileSync(join(out, 'notes.txt'), 'kept across runs');
  return out;
}

/** Nothing but the out folder itself beside it, and nothing but the set and the carried-over file in it. */
function expectNoTemporaries(out: string): void {
  expect(readdirSync(join(out, '..'))).toEqual(['out']);
  expect(readdirSync(out).filter((n) => !SET.includes(n))).toEqual(['notes.txt']);
}

describe('report set writes', () => {
  it('a SIGINT at each file write leaves the old set or the new one, complete, and no temporary file', () => {
    for (let write = 1; write <= SET.length + 1; write++) {
      const out = freshOut(`sigint-${write}`);
      const run = evaluate(out, ['--rules-profile', 'mozilla-modern'], { FAULT_AT_WRITE: String(write), FAULT_KIND: 'sigint' });
      const { 'notes.txt': notes, ...set } = readSet(out);
      expect(notes).toBe('kept across runs');
      if (write <= SET.length) {
        expect(run.signal, `write ${write}`).toBe('SIGINT');
        expect(set).toEqual(oldSet);
      } else {
        expect(run.code).toBe(0);
        expect(set).toEqual(newSet);
      }
      expectNoTemporaries(out);
    }
  }, 600_000);

  it('a failing fourth write is exit 2 naming --out, and leaves the previous set intact', () => {
    const out = freshOut('enospc');
    const run = evaluate(out, ['--rules-profile', 'mozilla-modern'], { FAULT_AT_WRITE: '4', FAULT_KIND: 'enospc' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^elb-tls-audit: --out: .*ENOSPC/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const { 'notes.txt': _notes, ...set } = readSet(out);
    expect(set).toEqual(oldSet);
    expectNoTemporaries(out);
  }, 300_000);

  it('writes every file exclusively, never through a link, in a folder whose name a local user cannot predict', () => {
    const out = freshOut('exclusive');
    const log = join(dir, 'open-log');
    expect(evaluate(out, [], { WRITE_LOG: log }).code).toBe(0);
    const opened = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { path: string; flags: number });
    expect(opened.map((o) => o.path.split('/').pop()).sort()).toEqual(SET);
    for (const o of opened) {
      expect(o.flags & constants.O_EXCL).toBe(constants.O_EXCL);
      expect(o.flags & constants.O_NOFOLLOW).toBe(constants.O_NOFOLLOW);
      expect(o.path.split('/').slice(-2, -1)[0]).toMatch(/^\.out\.new-\d+-[\w]{6}$/);
    }
    expectNoTemporaries(out);
  }, 300_000);
});
