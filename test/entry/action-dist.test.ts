/**
 * The committed bundles are what the Action runner (dist/index.js), npm (dist/cli.js) and the Lambda
 * package (dist/lambda.js) run, so CI rebuilds them from source into a temp folder and fails when a
 * committed one differs: run `npm run build` and commit dist/.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'dist-check-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('committed dist/ bundles', () => {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--outdir', out], { cwd: ROOT, stdio: 'pipe' });

  for (const bundle of ['index.js', 'cli.js', 'lambda.js']) {
    it(`dist/${bundle} is what scripts/build.mjs makes from the current source`, () => {
      const fresh = readFileSync(join(out, bundle));
      const committed = readFileSync(join(ROOT, 'dist', bundle));
      // Comparing lengths first keeps a failure message short for multi-megabyte files.
      expect(committed.length, `dist/${bundle} is stale: run npm run build and commit dist/`).toBe(fresh.length);
      expect(committed.equals(fresh), `dist/${bundle} is stale: run npm run build and commit dist/`).toBe(true);
    });
  }

  it('dist/cli.js is an executable node script with a single shebang line', () => {
    const text = readFileSync(join(ROOT, 'dist', 'cli.js'), 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(text.indexOf('#!', 1)).toBe(-1);
    expect(statSync(join(ROOT, 'dist', 'cli.js')).mode & 0o111).not.toBe(0);
    expect(execFileSync(join(ROOT, 'dist', 'cli.js'), ['--version'], { encoding: 'utf8' }).trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('the bundles parse and load on the Node running the tests (Node 20 as well as the node24 runner)', () => {
    const loaded = execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(join(ROOT, 'dist', 'lambda.js'))}); console.log(typeof m.handler);`], { encoding: 'utf8' });
    expect(loaded.trim()).toBe('function');
  });
});
