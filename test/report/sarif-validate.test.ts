/** results.sarif against the official SARIF 2.1.0 schema and Microsoft's validator with GitHub's rules. */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sarifReporter } from '../../src/report/sarif.ts';
import { buildReportFixture } from '../fixtures/report/demo-input.ts';
import { validateSarifSchema, validateSarifWithMultitool } from '../helpers/sarif-validator.ts';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/sarif/${name}`, import.meta.url), 'utf8'));

describe('SARIF validators', () => {
  it('accept a hand-built log in the shape GitHub ingests', () => {
    const log = fixture('github-minimal.valid.sarif');
    expect(validateSarifSchema(log)).toEqual([]);
    expect(validateSarifWithMultitool(log).errors).toEqual([]);
  });

  it('the schema check rejects a log that is not SARIF 2.1.0', () => {
    const log = fixture('github-minimal.valid.sarif') as { version: string; runs: { tool: unknown }[] };
    expect(validateSarifSchema({ ...log, version: '2.0.0' })).not.toEqual([]);
    expect(validateSarifSchema({ ...log, runs: [{}] }).join('\n')).toMatch(/tool/);
  });

  it('the GitHub rules reject a schema-valid result without a location', () => {
    const log = fixture('no-location.invalid-for-github.sarif');
    expect(validateSarifSchema(log)).toEqual([]);
    const ids = validateSarifWithMultitool(log).errors.map((e) => e.ruleId);
    expect(ids).toContain('GH1015');
  });
});

describe('sarifReporter output', () => {
  const input = buildReportFixture();
  const text = sarifReporter.render(input);
  const log = JSON.parse(text) as { runs: { results: { ruleId?: string; message: { text?: string } }[] }[] };

  it('passes the official 2.1.0 schema', () => {
    expect(validateSarifSchema(log)).toEqual([]);
  });

  it('passes sarif-multitool validate --rule-kind "Gh;Sarif" with no errors', () => {
    expect(validateSarifWithMultitool(text).errors).toEqual([]);
  });

  it('stays within GitHub upload limits and leaves waived findings out', () => {
    expect(gzipSync(text).length).toBeLessThan(10 * 1024 * 1024);
    for (const run of log.runs) expect(run.results.length).toBeLessThanOrEqual(25_000);
    const waived = input.result.findings.filter((f) => f.status === 'waived');
    expect(waived.length).toBeGreaterThan(0);
    const results = log.runs.flatMap((r) => r.results);
    for (const f of waived) expect(results.some((x) => x.ruleId === f.ruleId && x.message.text?.includes(f.message))).toBe(false);
    const open = input.result.findings.filter((f) => f.status === 'fail' || f.status === 'error');
    for (const f of open) expect(results.some((x) => x.ruleId === f.ruleId && x.message.text?.includes(f.message))).toBe(true);
  });
});
