/** --baseline: only failing findings whose fingerprint (the SARIF primaryLocationLineHash) the baseline lacks fail the gate. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { audit, type AuditOptions } from '../../src/audit.ts';
import { demoSnapshot, demoTrustAnchors } from '../../src/demo/estate.ts';
import { loadBaseline } from '../../src/evaluate/baseline.ts';
import type { AuditResult } from '../../src/model/finding.ts';

const dir = mkdtempSync(join(tmpdir(), 'baseline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = (extra: Partial<AuditOptions> = {}): AuditOptions => ({
  source: { kind: 'snapshot', snapshot: demoSnapshot() },
  probe: false,
  profile: 'default',
  failOn: 'high',
  allowPartial: true,
  trustAnchorsPem: demoTrustAnchors(),
  ...extra,
});

describe('baseline', () => {
  it('a run baselined on itself passes; dropping one known failure from the baseline fails on exactly that one', async () => {
    const first = await audit(base({ out: { dir: join(dir, 'first'), formats: ['json', 'sarif'] } }));
    expect(first.exitCode).toBe(1);
    expect(first.baseline).toBeNull();
    const findingsPath = join(dir, 'first', 'findings.json');

    const again = await audit(base({ baselinePath: findingsPath }));
    expect(again.exitCode).toBe(0);
    const failing = again.result.findings.filter((f) => f.status === 'fail').length;
    expect(again.baseline).toEqual({ path: findingsPath, known: failing, new: 0 });
    // The SARIF file of the same run is an equivalent baseline.
    expect((await audit(base({ baselinePath: join(dir, 'first', 'results.sarif') }))).exitCode).toBe(0);

    const parsed = JSON.parse(readFileSync(findingsPath, 'utf8')) as AuditResult;
    const dropped = parsed.findings.find((f) => f.status === 'fail' && f.severity === 'high');
    const trimmed = join(dir, 'trimmed.json');
    writeFileSync(trimmed, JSON.stringify({ ...parsed, findings: parsed.findings.filter((f) => f !== dropped) }));
    const partial = await audit(base({ baselinePath: trimmed }));
    expect(partial.exitCode).toBe(1);
    expect(partial.baseline).toMatchObject({ new: 1, known: failing - 1 });
  });

  it('rejects a file that is not a findings.json or SARIF log, naming it', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"hello":1}');
    expect(() => loadBaseline(bad)).toThrow(`${bad}: not a baseline`);
    expect(() => loadBaseline(join(dir, 'missing.json'))).toThrow('cannot read baseline');
  });
});
