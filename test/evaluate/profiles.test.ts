// Profiles are checked against the params each rule declares (paramsSchema): a misspelt or mistyped param
// is bad input naming the file and the JSON path, in process and through the real CLI (exit 2, nothing written).
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoSnapshot } from '../../src/demo/estate.ts';
import { defaultRulesDir } from '../../src/evaluate/paths.ts';
import { applyProfile, listProfiles, loadProfile } from '../../src/evaluate/profiles.ts';
import { loadRules } from '../../src/evaluate/rule-loader.ts';
import { AuditError } from '../../src/model/errors.ts';
import type { Profile } from '../../src/model/rule.ts';
import { runCli } from '../helpers/cli.ts';

const rules = loadRules(defaultRulesDir());
const dir = mkdtempSync(join(tmpdir(), 'profiles-'));
const shipped = JSON.parse(readFileSync(join(defaultRulesDir(), 'profiles', 'default.json'), 'utf8')) as Profile;
const write = (name: string, data: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof data === 'string' ? data : JSON.stringify(data));
  return path;
};
const profileFile = (name: string, change: Partial<Profile>) => write(name, { ...shipped, ...change });

function problemOf(path: string): AuditError {
  try {
    applyProfile(rules, loadProfile(defaultRulesDir(), path));
  } catch (error) {
    if (error instanceof AuditError) return error;
    throw error;
  }
  throw new Error(`profile ${path} was accepted`);
}

describe('profile params', () => {
  it('accepts every shipped profile', () => {
    for (const name of listProfiles(defaultRulesDir())) expect(applyProfile(rules, loadProfile(defaultRulesDir(), name)).length, name).toBeGreaterThan(40);
  });

  it('rejects a mistyped or misspelt param, naming the file and the JSON path', () => {
    const cases: [Partial<Profile>, RegExp][] = [
      [{ defaults: { ...shipped.defaults, minVersion: 'TLS1.3' } }, /\/defaults\/minVersion must be equal to one of the allowed values .*"TLSv1\.3".* \(rules endpoint-weak-protocol, listener-weak-protocol\)/],
      [{ defaults: { ...shipped.defaults, warnDays: 'thirty' } }, /\/defaults\/warnDays must be integer \(rules cert-expiring, endpoint-served-chain-expiring, mtls-ca-expiring\)/],
      [{ defaults: { minVersoin: 'TLSv1.3' } }, /\/defaults\/minVersoin is not a param of any rule \(params: .*minVersion/],
      [{ params: { 'listener-weak-protocol': { minVersoin: 'TLSv1.3' } } }, /\/params\/listener-weak-protocol\/minVersoin is not allowed here/],
      [{ params: { 'lb-single-az': { minAzs: 0 } } }, /\/params\/lb-single-az\/minAzs must be >= 1/],
      [{ defaults: { ...shipped.defaults, cipherBar: { minStrength: 'strong' } } }, /\/defaults\/cipherBar\/minStrength must be equal to one of the allowed values/],
      [{ params: { 'listener-weak-protocl': {} } }, /\/params\/listener-weak-protocl names no rule/],
      [{ include: ['listener-*', 'cert-expird'] }, /\/include\/1 "cert-expird" names no rule/],
      [{ exclude: ['chain-?'] }, /\/exclude\/0 "chain-\?" matches no rule/],
      [{ severity: { 'lb-single-az': 'urgent' as 'high' } }, /\/severity\/lb-single-az must be equal to one of the allowed values/],
    ];
    cases.forEach(([change, message], i) => {
      const path = profileFile(`bad-${i}.json`, change);
      const error = problemOf(path);
      expect(error.code, String(message)).toBe('BAD_INPUT');
      expect(error.message, String(message)).toContain(path);
      expect(error.message).toMatch(message);
    });
  });

  it('applies profile params within the schema to the rules that declare them', () => {
    const path = profileFile('strict.json', { defaults: { ...shipped.defaults, minVersion: 'TLSv1.3' }, params: { 'cert-expiring': { warnDays: 14 } } });
    const selected = applyProfile(rules, loadProfile(defaultRulesDir(), path));
    expect(selected.find((r) => r.rule.id === 'listener-weak-protocol')!.params.minVersion).toBe('TLSv1.3');
    expect(selected.find((r) => r.rule.id === 'cert-expiring')!.params.warnDays).toBe(14);
  });
});

describe('profile include/exclude globs', () => {
  it('select with the same glob dialect as waivers: * ? [..] {a,b}, exclude wins', () => {
    const ids = (include: string[], exclude: string[] = []) =>
      applyProfile(rules, { ...shipped, include, exclude, defaults: {}, severity: {} }).map((r) => r.rule.id);
    expect(ids(['chain-*'])).toEqual(['chain-extraneous', 'chain-incomplete', 'chain-misordered', 'chain-path-invalid', 'chain-untrusted']);
    expect(ids(['{chain,hsm}-*'], ['hsm-no-*', 'chain-[iu]*'])).toEqual(['chain-extraneous', 'chain-misordered', 'chain-path-invalid', 'hsm-degraded', 'hsm-offload-placement', 'hsm-too-few-hsms']);
    expect(ids(['*'], ['*'])).toEqual([]);
    expect(ids(['lb-single-az'])).toEqual(['lb-single-az']);
  });
});

describe('profiles through the CLI', () => {
  const snapshot = write('demo.json', demoSnapshot());

  it('exit 2 for a mistyped profile file, naming the file and every bad path, writing nothing', () => {
    const path = profileFile('cli.json', { defaults: { ...shipped.defaults, minVersion: 'TLS1.3', warnDays: 'thirty', minVersoin: 'TLSv1.3' } });
    const out = join(dir, 'out');
    const run = runCli(['evaluate', '--snapshot', snapshot, '--rules-profile', path, '--out', out]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(path);
    expect(run.stderr).toMatch(/\/defaults\/minVersion must be equal to one of the allowed values/);
    expect(run.stderr).toMatch(/\/defaults\/warnDays must be integer/);
    expect(run.stderr).toMatch(/\/defaults\/minVersoin is not a param of any rule/);
    expect(existsSync(out)).toBe(false);
  });

  it('exit 2 for a profile file that is not JSON; a schema violation is bad input too', () => {
    const garbage = runCli(['evaluate', '--snapshot', snapshot, '--rules-profile', write('garbage.json', '{"name": ')]);
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toMatch(/garbage\.json: .*not valid JSON/);
    const error = (() => { try { loadProfile(defaultRulesDir(), profileFile('shape.json', { include: 'all' as unknown as string[] })); } catch (e) { return e as AuditError; } return null; })();
    expect(error?.code).toBe('BAD_INPUT');
    expect(error?.message).toMatch(/shape\.json: invalid profile: \/include must be array/);
  });
});

describe('rule files that cannot be loaded', () => {
  const rulesDir = (name: string, edit: (files: Map<string, string>) => void) => {
    const target = join(dir, name);
    cpSync(defaultRulesDir(), target, { recursive: true });
    const files = new Map<string, string>();
    edit(files);
    for (const [file, text] of files) writeFileSync(join(target, file), text);
    return target;
  };
  const rule = (id: string) => JSON.parse(readFileSync(join(defaultRulesDir(), `${id}.json`), 'utf8')) as Record<string, unknown>;

  it('are exit 2 naming the file and the problem: bad JSON, schema violation, undeclared param, bad param default', () => {
    const undeclared = rule('listener-weak-protocol');
    ((undeclared.conditions as { all: Record<string, unknown>[] }).all[0]!).value = { $param: 'minVersoin' };
    const badDefault = rule('lb-single-az');
    badDefault.params = { minAzs: 'two' };
    const noPass = rule('lb-cross-zone');
    delete noPass.passMessage;
    const cases: [string, string, unknown, RegExp][] = [
      ['json', 'cert-expired.json', '{"id": "cert-expired",', /cert-expired\.json: not valid JSON/],
      ['schema', 'lb-cross-zone.json', noPass, /lb-cross-zone\.json: \(root\) must have required property 'passMessage'/],
      ['param', 'listener-weak-protocol.json', undeclared, /listener-weak-protocol\.json: \/conditions use \{"\$param": "minVersoin"\}, which \/paramsSchema does not declare/],
      ['default', 'lb-single-az.json', badDefault, /lb-single-az\.json: \/params\/minAzs must be integer/],
    ];
    // One folder holding all four broken files: the loader reports every problem, each with its file.
    const target = rulesDir('broken', (files) => { for (const [, file, content] of cases) files.set(file, typeof content === 'string' ? content : JSON.stringify(content)); });
    const run = runCli(['rules', 'test', target]);
    expect(run.code, run.stderr).toBe(2);
    for (const [, , , message] of cases) expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/internal error/);
  });
});

describe('profiles that extend another', () => {
  const base = loadProfile(defaultRulesDir(), 'pci-dss-4.0');
  const baseRules = applyProfile(rules, base);

  it('state only what they change: severity and params merge, exclude adds, the rest is the base', () => {
    const path = write('acme.json', {
      name: 'acme', extends: 'pci-dss-4.0',
      severity: { 'cert-expiring': 'critical' },
      params: { 'cert-expiring': { warnDays: 60 } },
      exclude: ['lb-access-logs'],
    });
    const acme = loadProfile(defaultRulesDir(), path);
    expect(acme).toMatchObject({ name: 'acme', extends: 'pci-dss-4.0', include: base.include, defaults: base.defaults, title: `${base.title} (acme)` });
    const selected = applyProfile(rules, acme);
    expect(selected.map((r) => r.rule.id)).toEqual(baseRules.map((r) => r.rule.id).filter((id) => id !== 'lb-access-logs'));
    const expiring = selected.find((r) => r.rule.id === 'cert-expiring')!;
    expect(expiring.severity).toBe('critical');
    expect(expiring.params['warnDays']).toBe(60);
    const untouched = selected.find((r) => r.rule.id === 'listener-weak-protocol')!;
    expect(untouched).toEqual(baseRules.find((r) => r.rule.id === 'listener-weak-protocol'));
  });

  it('may extend a profile file (relative to the file that names it), and chains', () => {
    write('team.json', { name: 'team', extends: 'acme.json', severity: { 'lb-single-az': 'low' } });
    const team = applyProfile(rules, loadProfile(defaultRulesDir(), join(dir, 'team.json')));
    expect(team.find((r) => r.rule.id === 'lb-single-az')?.severity).toBe('low');
    expect(team.find((r) => r.rule.id === 'cert-expiring')?.severity).toBe('critical');
  });

  it('an unknown base, a cycle, or a bad change is bad input naming the file', () => {
    const unknown = write('unknown-base.json', { name: 'x', extends: 'pci-dss-3.2' });
    expect(() => loadProfile(defaultRulesDir(), unknown)).toThrow(`${unknown}: /extends: unknown rules profile "pci-dss-3.2"`);
    write('cycle-a.json', { name: 'a', extends: 'cycle-b.json' });
    write('cycle-b.json', { name: 'b', extends: 'cycle-a.json' });
    expect(() => loadProfile(defaultRulesDir(), join(dir, 'cycle-a.json'))).toThrow(/\/extends "cycle-b\.json" makes a cycle .*\(\S*cycle-a\.json -> \S*cycle-b\.json -> \S*cycle-a\.json\)/);
    const badChange = write('bad-change.json', { name: 'x', extends: 'default', params: { 'lb-single-az': { minAzs: 0 } } });
    const error = problemOf(badChange);
    expect(error.message).toContain(badChange);
    expect(error.message).toMatch(/\/params\/lb-single-az\/minAzs must be >= 1/);
    // Without extends, every field is still required.
    const partial = write('partial.json', { name: 'x', severity: {} });
    expect(() => loadProfile(defaultRulesDir(), partial)).toThrow(/invalid profile: .*must have required property/);
  });
});
