// Selecting checks and resources from the command line and from a config file (JSON found in the working
// directory, YAML given with --config), with an inline profile that extends a shipped one and inline waivers;
// every mistake is exit 2 naming the flag, or the file and the JSON path. Real CLI processes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSnapshot, withDemoCollectionGap } from '../../src/demo/estate.ts';
import { GAP_CATEGORIES } from '../../src/evaluate/system-rules.ts';
import type { AuditResult, Finding } from '../../src/model/finding.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const loader = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
let dir: string;
let snapshot: string;

function run(args: string[], cwd = root): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', loader, join(root, 'src/entry/cli.ts'), ...args], {
    cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function findingsOf(out: string): Finding[] {
  return (JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as AuditResult).findings;
}
const judged = (findings: Finding[]) => findings.filter((f) => !GAP_CATEGORIES.has(f.category) && f.ruleId !== 'estate-empty');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'selection-'));
  snapshot = join(dir, 'demo.json');
  // The demo's simulated AccessDenied: a collection gap that no selection may hide.
  writeFileSync(snapshot, JSON.stringify(withDemoCollectionGap(demoSnapshot())));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const evaluate = (name: string, extra: string[]) => {
  const out = join(dir, name);
  const r = run(['evaluate', '--snapshot', snapshot, '--out', out, '--format', 'json', '--fail-on', 'none', '--allow-partial', '--quiet', ...extra]);
  return { ...r, out };
};

describe('selection flags', () => {
  it('--checks, --exclude-checks, --categories and --severity narrow the checks; gaps stay', () => {
    const all = evaluate('all', []);
    expect(all.code, all.stderr).toBe(0);
    const everything = judged(findingsOf(all.out));

    const certs = evaluate('certs', ['--checks', 'cert-*', '--exclude-checks', 'cert-expired']);
    const certFindings = findingsOf(certs.out);
    // A narrowed run says so in findings.json (its counts cover only the selection); an unfiltered one does not.
    const recorded = (out: string) => (JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as AuditResult).selection;
    expect(recorded(certs.out)).toEqual({ checks: ['cert-*'], excludeChecks: ['cert-expired'] });
    expect(recorded(all.out)).toBeUndefined();
    expect(judged(certFindings).length).toBeGreaterThan(0);
    expect(judged(certFindings).every((f) => f.ruleId.startsWith('cert-') && f.ruleId !== 'cert-expired')).toBe(true);
    // What could not be read is never selected away.
    expect(certFindings.some((f) => f.ruleId === 'collection-incomplete')).toBe(true);

    const weak = judged(findingsOf(evaluate('weak', ['--categories', 'weak-protocol,weak-cipher']).out));
    expect(new Set(weak.map((f) => f.category))).toEqual(new Set(['weak-protocol', 'weak-cipher']));
    expect(weak.length).toBe(everything.filter((f) => f.category === 'weak-protocol' || f.category === 'weak-cipher').length);

    const critical = judged(findingsOf(evaluate('critical', ['--severity', 'critical']).out));
    expect(critical.length).toBeGreaterThan(0);
    expect(critical.every((f) => f.severity === 'critical')).toBe(true);
  });

  it('--resource (ARN glob) and --tag KEY=VALUE judge only the matching resources and what belongs to them', () => {
    const shop = judged(findingsOf(evaluate('shop', ['--tag', 'team=shop']).out));
    expect(shop.length).toBeGreaterThan(0);
    const lbNames = new Set(shop.filter((f) => f.resource.kind === 'loadBalancer').map((f) => f.resource.name));
    expect([...lbNames]).toHaveLength(1);
    const lbArn = shop.find((f) => f.resource.kind === 'loadBalancer')!.resource.arn;
    for (const f of shop.filter((x) => x.resource.kind === 'listener')) expect(f.resource.loadBalancerArn).toBe(lbArn);

    const byArn = judged(findingsOf(evaluate('arn', ['--resource', lbArn]).out));
    expect(new Set(byArn.map((f) => f.resource.arn))).toEqual(new Set(shop.map((f) => f.resource.arn)));
    const none = judged(findingsOf(evaluate('tag-miss', ['--tag', 'team=shop', '--tag', 'env=staging']).out));
    expect(none).toEqual([]);
  });

  it('a pattern that names nothing is exit 2 naming the flag', () => {
    const checks = evaluate('bad1', ['--checks', 'cert-expird']);
    expect(checks.code).toBe(2);
    expect(checks.stderr).toContain('--checks: "cert-expird" names no rule');
    const category = evaluate('bad2', ['--categories', 'weak-protocols']);
    expect(category.code).toBe(2);
    expect(category.stderr).toMatch(/--categories: not a category: weak-protocols \(.*weak-protocol/);
    const severity = evaluate('bad3', ['--severity', 'urgent']);
    expect([severity.code, severity.stderr]).toEqual([2, expect.stringContaining('--severity: not a severity: urgent')]);
    const tag = evaluate('bad4', ['--tag', 'team']);
    expect([tag.code, tag.stderr]).toEqual([2, expect.stringContaining('--tag: expected KEY=VALUE, got "team"')]);
  });
});

describe('config file', () => {
  it('is found in the working directory; paths in it are relative to it; a flag on the command line wins', () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    writeFileSync(join(cwd, 'elb-tls-audit.config.json'), JSON.stringify({
      checks: ['cert-*'], 'fail-on': 'none', 'allow-partial': true, format: 'json', out: 'from-config', quiet: true,
    }));
    const fromFile = run(['evaluate', '--snapshot', snapshot], cwd);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.stdout).toBe('');
    expect(judged(findingsOf(join(cwd, 'from-config'))).every((f) => f.ruleId.startsWith('cert-'))).toBe(true);
    // cert-expired is critical in the demo estate: the command line's threshold gates.
    const flagWins = run(['evaluate', '--snapshot', snapshot, '--fail-on', 'critical'], cwd);
    expect(flagWins.code, flagWins.stderr).toBe(1);
  });

  it('YAML with --config: an inline profile that extends a shipped one, and inline waivers', () => {
    const file = join(dir, 'audit.yaml');
    writeFileSync(file, [
      'fail-on: none',
      'allow-partial: true',
      'rules-profile:',
      '  name: acme',
      '  extends: default',
      '  severity:',
      '    cert-expired: low',
      '  exclude: [lb-access-logs]',
      'waivers:',
      '  waivers:',
      '    - rule: cert-weak-key',
      '      resource: "*"',
      '      reason: replaced in the next release',
      '      expires: "2999-01-01"',
      '',
    ].join('\n'));
    const r = run(['evaluate', '--snapshot', snapshot, '--config', file, '--out', join(dir, 'yaml'), '--format', 'json', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(dir, 'yaml', 'findings.json'), 'utf8')) as AuditResult;
    expect(result.profile).toBe('acme');
    expect(result.findings.filter((f) => f.ruleId === 'cert-expired').map((f) => f.severity)).toContain('low');
    expect(result.findings.some((f) => f.ruleId === 'lb-access-logs')).toBe(false);
    expect(result.findings.filter((f) => f.ruleId === 'cert-weak-key').every((f) => f.status === 'waived' || f.status === 'pass')).toBe(true);
    expect(result.findings.some((f) => f.ruleId === 'cert-weak-key' && f.status === 'waived')).toBe(true);
  });

  it('a mistake is exit 2 naming the file and the JSON path, before anything runs', () => {
    const cases: [string, string, RegExp][] = [
      ['typo.json', JSON.stringify({ chekcs: 'cert-*' }), /typo\.json: invalid config file:\n {2}\/chekcs is not allowed here/],
      ['type.json', JSON.stringify({ 'fail-on': 'urgent' }), /type\.json: invalid config file:\n {2}\/fail-on must be equal to one of the allowed values/],
      ['profile.json', JSON.stringify({ 'rules-profile': { name: 'acme', extends: 'default', severity: { 'cert-expired': 'urgent' } } }), /profile\.json: \/rules-profile: invalid profile: \/severity\/cert-expired must be equal to one of the allowed values/],
      ['param.json', JSON.stringify({ 'rules-profile': { name: 'acme', extends: 'default', params: { 'lb-single-az': { minAzs: 0 } } } }), /param\.json: \/rules-profile: invalid profile "acme":\n {2}\/params\/lb-single-az\/minAzs must be >= 1/],
      ['waivers.json', JSON.stringify({ waivers: { waivers: [{ rule: 'x', resource: '*', reason: 'because', expires: 'soon' }] } }), /waivers\.json: \/waivers: invalid waivers: \/waivers\/0\/expires must match pattern/],
      ['broken.yaml', 'checks: [cert-*\nfail-on: none\n', /broken\.yaml: not valid YAML/],
    ];
    for (const [name, text, message] of cases) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const out = join(dir, `never-${name}`);
      const r = run(['evaluate', '--snapshot', snapshot, '--config', file, '--out', out]);
      expect(r.code, `${name}: ${r.stderr}`).toBe(2);
      expect(r.stderr, name).toMatch(message);
    }
    const missing = run(['evaluate', '--snapshot', snapshot, '--config', join(dir, 'absent.json')]);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('--config: config file')]);
  });
});
