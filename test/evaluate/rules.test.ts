// Every rule file in rules/ is loaded through the strict loader and each of its examples runs through
// the production evaluator. Adding a rule is adding one file: it is picked up here with no test code.
import { describe, expect, it } from 'vitest';
import { defaultRulesDir } from '../../src/evaluate/paths.ts';
import { loadRules } from '../../src/evaluate/rule-loader.ts';
import { EXAMPLE_KINDS, runExample } from '../../src/evaluate/rule-tester.ts';

const rules = loadRules(defaultRulesDir());

describe('rule catalogue', () => {
  it('has rules, each with pass and fail examples', () => {
    expect(rules.length).toBeGreaterThanOrEqual(10);
    for (const rule of rules) {
      expect(rule.examples.pass.length, rule.id).toBeGreaterThan(0);
      expect(rule.examples.fail.length, rule.id).toBeGreaterThan(0);
    }
  });
});

for (const rule of rules) {
  describe(`rule ${rule.id}`, () => {
    for (const [key, expected] of EXAMPLE_KINDS) {
      for (const example of rule.examples[key] ?? []) {
        it(`${key}: ${example.name}`, async () => {
          const result = await runExample(rule, example, expected);
          expect(result.problem).toBeNull();
        });
      }
    }
  });
}
