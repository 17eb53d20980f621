/** An empty scope is bad usage, never an audit of nothing; a scope read completely that holds nothing says "empty" in the terminal. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoSnapshot } from '../../src/demo/estate.ts';
import { readInputs } from '../../src/entry/action.ts';
import { readConfig } from '../../src/entry/lambda.ts';
import { parseRegions } from '../../src/entry/parse.ts';
import { buildSnapshot } from '../../src/snapshot/builder.ts';
import { runCli } from '../helpers/cli.ts';

describe('a scope that names nothing', () => {
  it('is exit 2 naming the flag, before any AWS call', () => {
    for (const regions of [',', ' , ', ',,']) {
      const run = runCli(['audit', '--regions', regions, '--no-probe', '--out', join(tmpdir(), 'never-written')], { env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/--regions: ".*" names no region/);
    }
    expect(runCli(['audit', '--accounts', ',', '--assume-role', 'Audit', '--regions', 'eu-west-1']).stderr).toMatch(/--accounts: no account id given/);
    expect(runCli(['collect', '--regions', ',', '--out', join(tmpdir(), 'never.json')]).code).toBe(2);
  });

  it('the Lambda and the Action name their input', () => {
    expect(() => readConfig({ BUCKET: 'b', REGIONS: ',' })).toThrow(/^REGIONS: "," names no region/);
    expect(() => readConfig({ BUCKET: 'b', REGIONS: ' , ', AWS_REGION: 'eu-west-1' })).toThrow(/^REGIONS: /);
    expect(readConfig({ BUCKET: 'b', AWS_REGION: 'eu-west-1' }).regions).toEqual(['eu-west-1']);
    expect(() => readInputs({ INPUT_REGIONS: ',', AWS_REGION: 'eu-west-1' })).toThrow(/^input regions: "," names no region/);
    expect(parseRegions('us-east-1 eu-west-1,us-east-1')).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('the Action paces its collection to the api-budget input, default half of each budget (ADR 0016)', () => {
    expect(readInputs({ INPUT_REGIONS: 'us-east-1' }).apiBudget).toBe(0.5);
    expect(readInputs({ INPUT_REGIONS: 'us-east-1', 'INPUT_API-BUDGET': '25%' }).apiBudget).toBe(0.25);
    // Multi-account audits carry it into every account's collection.
    const source = readInputs({ INPUT_REGIONS: 'us-east-1', INPUT_ACCOUNTS: '123456789012', 'INPUT_ASSUME-ROLE': 'Audit', 'INPUT_API-BUDGET': '1' }).source;
    expect(source).toMatchObject({ kind: 'accounts', accounts: { collect: { apiBudget: 1 } } });
    expect(() => readInputs({ INPUT_REGIONS: 'us-east-1', 'INPUT_API-BUDGET': '1.5' })).toThrow(/^input api-budget: expected a fraction greater than 0 and at most 1/);
  });
});

describe('an account with no load balancers', () => {
  it('shows the empty verdict in the terminal; --fail-on-empty exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'empty-'));
    const demo = demoSnapshot();
    const path = join(dir, 'empty.json');
    writeFileSync(path, JSON.stringify(buildSnapshot({ capturedAt: demo.capturedAt, generator: demo.generator, scope: demo.scope }, { attempts: demo.attempts })));
    const run = runCli(['evaluate', '--snapshot', path, '--out', join(dir, 'out'), '--format', 'json']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/EMPTY: the scope was read completely and holds no load balancer/);
    expect(run.stdout).toMatch(/held nothing: 123456789012\/eu-west-1/);
    expect(run.stdout).not.toMatch(/PASS/);
    const strict = runCli(['evaluate', '--snapshot', path, '--out', join(dir, 'out2'), '--format', 'json', '--fail-on-empty']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/EMPTY: .*\(fail-on-empty\)/);
  });
});
