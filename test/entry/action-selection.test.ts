/**
 * The Action's selection inputs (checks, exclude-checks, categories, severity, resources, tags) and its
 * preflight, run from the source entry (src/entry/action.ts through tsx) the way the runner runs the bundle:
 * INPUT_* variables, GITHUB_OUTPUT, moto_server behind AWS_ENDPOINT_URL. (dist/index.js is rebuilt by the lead.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkClientFactory } from '../../src/collect/index.ts';
import { readInputs } from '../../src/entry/action.ts';
import { AuditError } from '../../src/model/errors.ts';
import type { AuditResult } from '../../src/model/finding.ts';
import { buildSeedEstate, type SeedEstate } from '../collect/estate.ts';
import { freePort, MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const loader = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
let moto: MotoServer;
let estate: SeedEstate;
let scratch: string;

function runAction(inputs: Record<string, string>, endpoint = moto.endpoint): { code: number | null; log: string; result: AuditResult | null } {
  const workspace = mkdtempSync(join(scratch, 'ws-'));
  writeFileSync(join(workspace, '.out'), '');
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '', HOME: workspace, GITHUB_OUTPUT: join(workspace, '.out'), GITHUB_WORKSPACE: workspace,
    AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', NODE_NO_WARNINGS: '1',
    INPUT_REGIONS: 'us-east-1', INPUT_PROBE: 'false', 'INPUT_FAIL-ON': 'none', 'INPUT_ALLOW-PARTIAL': 'true',
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const r = spawnSync(process.execPath, ['--import', loader, join(ROOT, 'src/entry/action.ts')], { cwd: workspace, env, encoding: 'utf8', timeout: 120_000 });
  let result: AuditResult | null = null;
  try {
    result = JSON.parse(readFileSync(join(workspace, 'elb-tls-audit', 'findings.json'), 'utf8')) as AuditResult;
  } catch {
    // no reports written
  }
  return { code: r.status, log: r.stdout + r.stderr, result };
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'action-selection-'));
  moto = await startMoto();
  estate = await buildSeedEstate(sdkClientFactory({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }), 'us-east-1');
});

afterAll(async () => {
  await moto?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('Action selection inputs', () => {
  it('checks, categories and resources narrow what is judged', () => {
    const all = runAction({});
    expect(all.code, all.log).toBe(0);
    const narrowed = runAction({ checks: 'listener-*', 'exclude-checks': 'listener-no-tls13', resources: `${estate.albArn}\n` });
    expect(narrowed.code, narrowed.log).toBe(0);
    const judged = narrowed.result!.findings.filter((f) => f.category !== 'collection-incomplete' && f.category !== 'probe-failed');
    expect(judged.length).toBeGreaterThan(0);
    for (const f of judged) {
      expect(f.ruleId).toMatch(/^listener-/);
      expect(f.ruleId).not.toBe('listener-no-tls13');
      expect(f.resource.loadBalancerArn ?? f.resource.arn).toBe(estate.albArn);
    }
    expect(judged.length).toBeLessThan(all.result!.findings.length);
    expect(all.log).toMatch(/credentials of arn:aws:sts::\d{12}:/);
  });

  it('a bad selection input is named as an input; an unreachable endpoint fails the preflight with exit 3', async () => {
    const bad = runAction({ checks: 'listener-weak-protocl' });
    expect(bad.code).toBe(2);
    expect(bad.log).toContain('::error::elb-tls-audit: input checks: "listener-weak-protocl" names no rule');
    const closed = await freePort();
    const down = runAction({}, `http://127.0.0.1:${closed}`);
    expect(down.code).toBe(3);
    expect(down.log).toMatch(new RegExp(`::error::elb-tls-audit: preflight: cannot reach http://127\\.0\\.0\\.1:${closed}`));
    expect(down.result).toBeNull();
  });

  it('reads severity and tags inputs, rejecting values that are not severities or KEY=VALUE', () => {
    const env = { INPUT_REGIONS: 'us-east-1', INPUT_SEVERITY: 'high, critical', INPUT_TAGS: 'team=shop\nenv=prod*' };
    expect(readInputs(env).selection).toMatchObject({ severities: ['high', 'critical'], tags: [{ key: 'team', value: 'shop' }, { key: 'env', value: 'prod*' }] });
    expect(() => readInputs({ INPUT_REGIONS: 'us-east-1', INPUT_SEVERITY: 'urgent' })).toThrow(new AuditError('BAD_USAGE', 'not a severity: urgent (critical, high, medium, low, info)', 'input severity'));
    expect(() => readInputs({ INPUT_REGIONS: 'us-east-1', INPUT_TAGS: 'team' })).toThrow(/input tags: expected KEY=VALUE, got "team"/);
  });
});
