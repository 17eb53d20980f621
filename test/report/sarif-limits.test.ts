/** GitHub accepts 25,000 results per run: past that the SARIF keeps the most severe and says what it left out. */
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { demoSnapshot, demoTrustAnchors } from '../../src/demo/estate.ts';
import { buildSarif, SARIF_MAX_RESULTS } from '../../src/report/sarif.ts';
import { validateSarifSchema } from '../helpers/sarif-validator.ts';

describe('SARIF result limit', () => {
  it('keeps 25,000 results, most severe first, and notes how many were left out', async () => {
    const outcome = await audit({ source: { kind: 'snapshot', snapshot: demoSnapshot() }, probe: false, profile: 'default', failOn: 'none', allowPartial: false, trustAnchorsPem: demoTrustAnchors() });
    const open = outcome.result.findings.filter((f) => f.status === 'fail');
    const critical = open.find((f) => f.severity === 'critical')!;
    const low = open.find((f) => f.severity === 'low')!;
    const many = [critical, ...Array.from({ length: SARIF_MAX_RESULTS + 9 }, (_, i) => ({ ...low, resource: { ...low.resource, arn: `${low.resource.arn}-${i}` }, fingerprint: `${i}:1` }))];
    const log = buildSarif({ result: { ...outcome.result, findings: many }, snapshot: outcome.snapshot, facts: outcome.facts, rules: outcome.rules, options: { sarifCategory: 'test' } }) as {
      runs: { results: { ruleId: string }[]; invocations: { toolExecutionNotifications?: { message: { text: string } }[] }[] }[];
    };
    expect(log.runs[0]!.results).toHaveLength(SARIF_MAX_RESULTS);
    expect(log.runs[0]!.results[0]!.ruleId).toBe(critical.ruleId);
    expect(log.runs[0]!.invocations[0]!.toolExecutionNotifications!.map((n) => n.message.text)).toContainEqual(expect.stringMatching(/^10 lower-severity results were left out/));
    expect(validateSarifSchema(log)).toEqual([]);
  });
});
