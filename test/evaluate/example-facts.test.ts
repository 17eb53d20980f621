// Rule examples are patches over one base facts object per subject; the patch semantics are RFC 7396
// except that null is a value (facts are never absent).
import { describe, expect, it } from 'vitest';
import { baseFacts, exampleFacts, mergePatch } from '../../src/evaluate/example-facts.ts';
import { defaultRulesDir } from '../../src/evaluate/paths.ts';
import { loadRules } from '../../src/evaluate/rule-loader.ts';
import { runExample } from '../../src/evaluate/rule-tester.ts';

describe('mergePatch', () => {
  it('merges objects key by key, replaces arrays and scalars, and keeps null as a value', () => {
    const base = { a: 1, nested: { x: 1, y: [1, 2] }, list: [1, 2, 3], gone: { k: 1 } };
    expect(mergePatch(base, { nested: { y: [9] }, list: [], gone: null, added: { z: 1 } }))
      .toEqual({ a: 1, nested: { x: 1, y: [9] }, list: [], gone: null, added: { z: 1 } });
    expect(mergePatch({ policy: null }, { policy: { name: 'p' } })).toEqual({ policy: { name: 'p' } });
    expect(base.nested.y).toEqual([1, 2]);
  });

  it('leaves the base untouched between examples', () => {
    const before = JSON.stringify(baseFacts('listener'));
    exampleFacts('listener', { name: 'x', patch: { port: 80, backend: { encrypted: null } } });
    expect(JSON.stringify(baseFacts('listener'))).toBe(before);
  });
});

describe('unknown examples', () => {
  const rules = loadRules(defaultRulesDir());
  it('exist for every rule that used to pass or fail on an unobserved value', () => {
    const expected = ['alb-drop-invalid-headers', 'cert-expired', 'cert-expiring', 'cert-imported-no-renewal', 'cert-status-invalid', 'cert-transparency-logging',
      'cert-unsupported-key', 'cert-weak-key', 'cert-weak-signature', 'cert-wildcard', 'chain-extraneous', 'chain-incomplete', 'chain-misordered', 'chain-untrusted',
      'classic-backend-auth-missing', 'classic-connection-draining', 'endpoint-certificate-drift', 'endpoint-chain-drift', 'lb-access-logs', 'lb-cross-zone',
      'lb-deletion-protection', 'lb-desync-mitigation', 'lb-single-az', 'listener-backend-unencrypted', 'listener-health-check-unencrypted',
      'mtls-ignores-client-expiry', 'mtls-no-revocation'];
    const withUnknown = rules.filter((r) => (r.examples.unknown ?? []).length > 0).map((r) => r.id);
    expect(withUnknown).toEqual(expect.arrayContaining(expected));
  });

  it('catch a rule that would pass on the unobserved value', async () => {
    const rule = structuredClone(rules.find((r) => r.id === 'cert-imported-no-renewal')!);
    // the pre-fix shape: notEqual "IMPORTED" with the value given a meaning of null -> true
    (rule.conditions.all as Record<string, unknown>[])[0] = { any: [{ fact: 'acmType', operator: 'equal', value: null }, { fact: 'acmType', operator: 'notEqual', value: 'IMPORTED' }], name: 'imported' };
    const result = await runExample(rule, rule.examples.unknown![0]!, 'error');
    expect(result.problem).toMatch(/expected error, got pass/);
  });
});
