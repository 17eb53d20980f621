/** The demo's own results.sarif, as `npm run demo` writes it, against the official schema and GitHub's rules. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { demoSnapshot, demoTrustAnchors } from '../../src/demo/estate.ts';
import { validateSarifSchema, validateSarifWithMultitool } from '../helpers/sarif-validator.ts';

describe('demo SARIF', () => {
  it('passes the official 2.1.0 schema and sarif-multitool with the GitHub rules, one result per open finding', async () => {
    const out = mkdtempSync(join(tmpdir(), 'demo-sarif-'));
    const outcome = await audit({
      source: { kind: 'snapshot', snapshot: demoSnapshot() }, probe: false, profile: 'default', failOn: 'high', allowPartial: false,
      trustAnchorsPem: demoTrustAnchors(), out: { dir: out, formats: ['sarif'] },
    });
    const log = JSON.parse(readFileSync(join(out, 'results.sarif'), 'utf8'));
    expect(validateSarifSchema(log)).toEqual([]);
    expect(validateSarifWithMultitool(log).errors).toEqual([]);
    const open = outcome.result.findings.filter((f) => f.status === 'fail' || f.status === 'error');
    const results = log.runs[0].results as { partialFingerprints: { primaryLocationLineHash: string }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
    expect(results).toHaveLength(open.length);
    for (const r of results) expect(r.locations[0]!.physicalLocation.artifactLocation.uri).not.toContain(':');
    expect(new Set(results.map((r) => r.partialFingerprints.primaryLocationLineHash)).size).toBe(results.length);
  });
});
