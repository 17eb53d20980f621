/**
 * GitHub's SARIF upload limits (github/docs data/reusables/code-scanning/sarif-limits.md; research
 * ecosystem.md §1.6): 25,000 results per run, 10 MB gzip-compressed, 10 tags per rule kept. Past a
 * limit the SARIF keeps the most severe results, says what it left out (run properties, a notification)
 * and summary.md says so too.
 */
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { demoSnapshot, demoTrustAnchors } from '../../src/demo/estate.ts';
import type { Finding } from '../../src/model/finding.ts';
import { SEVERITIES } from '../../src/model/rule.ts';
import { renderSummary } from '../../src/report/markdown.ts';
import type { ReportInput } from '../../src/report/reporter.ts';
import { buildSarif, fitSarif, SARIF_MAX_GZIP_BYTES, SARIF_MAX_RESULTS, SARIF_MAX_TAGS, sarifReporter } from '../../src/report/sarif.ts';
import { validateSarifSchema } from '../helpers/sarif-validator.ts';

interface LogShape {
  runs: { results: { ruleId: string; properties: Record<string, unknown> }[]; properties: Record<string, unknown>;
    tool: { driver: { rules: { properties: { tags: string[] } }[] } };
    invocations: { toolExecutionNotifications?: { message: { text: string } }[] }[] }[];
}

let input: ReportInput;
beforeAll(async () => {
  const outcome = await audit({ source: { kind: 'snapshot', snapshot: demoSnapshot() }, probe: false, profile: 'default', failOn: 'none', allowPartial: false, trustAnchorsPem: demoTrustAnchors() });
  input = { result: outcome.result, snapshot: outcome.snapshot, facts: outcome.facts, rules: outcome.rules, options: { sarifCategory: 'test' } };
});

/** The demo's failing findings copied `n` times over distinct resources, with text that compresses poorly. */
function many(n: number, pick: (open: Finding[]) => Finding[]): ReportInput {
  const open = pick(input.result.findings.filter((f) => f.status === 'fail'));
  let seed = 7;
  const noise = () => (seed = (seed * 1103515245 + 12345) >>> 0).toString(36);
  const findings = Array.from({ length: n }, (_, i) => {
    const f = open[i % open.length]!;
    return { ...f, message: `${f.message} ${noise()}${noise()}${noise()}`, resource: { ...f.resource, arn: `${f.resource.arn}-${i}` }, fingerprint: `${i}:1` };
  });
  return { ...input, result: { ...input.result, findings } };
}

describe('SARIF result limit', () => {
  it('keeps 25,000 results, most severe first, and notes how many were left out', () => {
    const open = input.result.findings.filter((f) => f.status === 'fail');
    const critical = open.find((f) => f.severity === 'critical')!;
    const low = open.find((f) => f.severity === 'low')!;
    const findings = [...Array.from({ length: SARIF_MAX_RESULTS + 9 }, (_, i) => ({ ...low, resource: { ...low.resource, arn: `${low.resource.arn}-${i}` }, fingerprint: `${i}:1` })), critical];
    const log = buildSarif({ ...input, result: { ...input.result, findings } }) as unknown as LogShape;
    expect(log.runs[0]!.results).toHaveLength(SARIF_MAX_RESULTS);
    // the critical one came last in the input and is still kept, first
    expect(log.runs[0]!.results[0]!.ruleId).toBe(critical.ruleId);
    expect(log.runs[0]!.invocations[0]!.toolExecutionNotifications!.map((n) => n.message.text)).toContainEqual(expect.stringMatching(/^10 lower-severity results were left out \(10 low\)/));
    expect(log.runs[0]!.properties).toMatchObject({ truncatedResults: 10, truncatedForResultLimit: 10, truncatedForSizeLimit: 0, truncatedBySeverity: { low: 10 } });
    expect(validateSarifSchema(log)).toEqual([]);
  });
});

describe('SARIF size limit', () => {
  it('is GitHub\'s 10 MB compressed, and the reporter stays under it', () => {
    expect(SARIF_MAX_GZIP_BYTES).toBe(10_000_000);
    const text = sarifReporter.render(input);
    expect(gzipSync(text).length).toBeLessThan(SARIF_MAX_GZIP_BYTES);
    expect(JSON.parse(text)).toEqual(buildSarif(input));
  });

  it('first drops the copied remediation from each result, then the lowest-severity results, and says so', () => {
    const report = many(6000, (open) => open);
    const full = fitSarif(report, { maxResults: SARIF_MAX_RESULTS, maxGzipBytes: 100_000_000 });
    const fullSize = gzipSync(full.text).length;
    expect(full.truncation.slimmed).toBe(false);
    // a limit the slimmed results would still break: some must go
    const limit = Math.floor(fullSize * 0.5);
    const fit = fitSarif(report, { maxResults: SARIF_MAX_RESULTS, maxGzipBytes: limit });
    expect(gzipSync(fit.text).length).toBeLessThanOrEqual(limit);
    expect(fit.truncation.slimmed).toBe(true);
    const log = fit.log as unknown as LogShape;
    const run = log.runs[0]!;
    const kept = run.results.length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(6000);
    expect(fit.truncation.leftOutForSize).toBe(6000 - kept);
    for (const r of run.results) expect(r.properties['remediation']).toBeUndefined();
    // nothing kept is less severe than anything left out
    const rank = (s: unknown) => SEVERITIES.indexOf(s as (typeof SEVERITIES)[number]);
    const worstKept = Math.max(...run.results.map((r) => rank(r.properties['severity'])));
    const bestLeft = Math.min(...Object.keys(fit.truncation.leftOutBySeverity).map(rank));
    expect(worstKept).toBeLessThanOrEqual(bestLeft);
    expect(Object.values(fit.truncation.leftOutBySeverity).reduce((a, b) => a + b, 0)).toBe(6000 - kept);
    expect(run.properties).toMatchObject({ truncatedResults: 6000 - kept, truncatedForSizeLimit: 6000 - kept, reportedResults: 6000, resultsWithoutRemediationCopy: true });
    expect(run.invocations[0]!.toolExecutionNotifications!.map((n) => n.message.text)).toContainEqual(expect.stringContaining(`${6000 - kept} lower-severity results were left out`));
    expect(validateSarifSchema(log)).toEqual([]);
  });

  it('only slims when that is enough', () => {
    const report = many(3000, (open) => open);
    const full = fitSarif(report, { maxResults: SARIF_MAX_RESULTS, maxGzipBytes: 100_000_000 });
    const fullSize = gzipSync(full.text).length;
    const fit = fitSarif(report, { maxResults: SARIF_MAX_RESULTS, maxGzipBytes: fullSize - 1 });
    expect(fit.truncation.slimmed).toBe(true);
    expect(fit.log.runs[0]!.results).toHaveLength(3000);
    expect(fit.truncation.leftOutForSize).toBe(0);
    expect(fit.log.runs[0]!.invocations![0]!.toolExecutionNotifications!.map((n) => n.message.text)).toContainEqual(expect.stringMatching(/^Results carry no copy of their remediation text/));
  });
});

describe('SARIF tags', () => {
  it('gives every rule at most 10 distinct tags, security first', () => {
    const log = buildSarif(input) as unknown as LogShape;
    for (const rule of log.runs[0]!.tool.driver.rules) {
      expect(rule.properties.tags.length).toBeLessThanOrEqual(SARIF_MAX_TAGS);
      expect(new Set(rule.properties.tags).size).toBe(rule.properties.tags.length);
      expect(rule.properties.tags[0]).toBe('security');
    }
    expect(SARIF_MAX_TAGS).toBe(10);
  });
});

describe('summary.md', () => {
  it('says when results.sarif left results out, and says nothing when it did not', () => {
    expect(renderSummary(input)).not.toContain('results.sarif holds');
    const low = input.result.findings.find((f) => f.status === 'fail' && f.severity === 'low')!;
    const findings = Array.from({ length: SARIF_MAX_RESULTS + 3 }, (_, i) => ({ ...low, resource: { ...low.resource, arn: `${low.resource.arn}-${i}` }, fingerprint: `${i}:1` }));
    const summary = renderSummary({ ...input, result: { ...input.result, findings } });
    expect(summary).toContain('results.sarif holds 25,000 of 25,003 failing and error findings, the most severe: 3 lower-severity results (3 low) were left out to stay within GitHub\'s limit of 25,000 results per run.');
  });
});
