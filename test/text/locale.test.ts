/** The same evaluation under LANG=C, tr_TR.UTF-8 and da_DK.UTF-8 writes byte-identical reports (code-point order). */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoSnapshot } from '../../src/demo/estate.ts';
import { compareCodePoints } from '../../src/text/order.ts';
import { runCli } from '../helpers/cli.ts';

const LOCALES = ['C', 'tr_TR.UTF-8', 'da_DK.UTF-8'];
// Keys whose order differs by locale: Turkish dotted/dotless i, Danish å after z and "aa" as å.
const TAGS = { i: '1', I: '2', ı: '3', İ: '4', aa: '5', å: '6', z: '7', Z: '8', b: '9', '𝒜': '10', '\uffff': '11' };
const dir = mkdtempSync(join(tmpdir(), 'locale-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function localeEnv(locale: string): Record<string, string> {
  return { LANG: locale, LC_ALL: locale, LC_COLLATE: locale };
}

describe('locale-independent outputs', () => {
  it('Node really collates differently under these locales (so the comparison below can fail)', () => {
    const orders = LOCALES.map((locale) => spawnSync(process.execPath, ['-e', `console.log(${JSON.stringify(Object.keys(TAGS))}.sort((a, b) => a.localeCompare(b)).join(' '))`],
      { env: { ...process.env, ...localeEnv(locale) }, encoding: 'utf8' }).stdout);
    expect(new Set(orders).size).toBe(LOCALES.length);
  });

  it('writes byte-identical report sets under C, tr_TR and da_DK', () => {
    const snapshot = demoSnapshot();
    const lb = snapshot.loadBalancers[0]!;
    lb.tags = { ...lb.tags, ...TAGS };
    const file = join(dir, 'snapshot.json');
    writeFileSync(file, JSON.stringify(snapshot));
    const sets = LOCALES.map((locale, i) => {
      const out = join(dir, `out-${i}`);
      const run = runCli(['evaluate', '--snapshot', file, '--out', out, '--fail-on', 'none', '--allow-partial', '--quiet'], { env: localeEnv(locale) });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      return Object.fromEntries(readdirSync(out).sort().map((name) => [name, readFileSync(join(out, name), 'utf8')]));
    });
    expect(Object.keys(sets[0]!)).toEqual(['findings.json', 'report.html', 'results.sarif', 'summary.md']);
    for (const set of sets.slice(1)) for (const [name, content] of Object.entries(set)) expect(content === sets[0]![name], `${name} differs`).toBe(true);
  });

  it('orders by code point, astral characters after the rest of the BMP', () => {
    expect(Object.keys(TAGS).sort(compareCodePoints)).toEqual(['I', 'Z', 'aa', 'b', 'i', 'z', 'å', 'İ', 'ı', '\uffff', '𝒜']);
    expect(compareCodePoints('a', 'a')).toBe(0);
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0);
  });
});
