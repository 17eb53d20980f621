/** docs/rules.md is generated from the rules' metadata; a rule change without `elb-tls-audit rules docs` fails here. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultRulesDir } from '../../src/evaluate/paths.ts';
import { loadRules } from '../../src/evaluate/rule-loader.ts';
import { renderRulesDoc } from '../../src/evaluate/rules-doc.ts';
import { TOOL_VERSION } from '../../src/version.ts';

describe('generated documentation', () => {
  it('docs/rules.md matches the rule files (regenerate with: npm run cli -- rules docs)', () => {
    const committed = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');
    expect(committed === renderRulesDoc(loadRules(defaultRulesDir())), 'docs/rules.md is stale: run `npm run cli -- rules docs`').toBe(true);
  });

  it('the tool version matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(TOOL_VERSION).toBe(pkg.version);
  });
});
