/**
 * The committed Action bundle in IaC mode, run as the Actions runner runs it, from a copy of dist/ and rules/
 * without node_modules (the HCL parser's WebAssembly must come from dist/wasm/): no AWS credentials needed,
 * SARIF on the .tf lines, the gate failing on the plan's weak listeners.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers.ts';

describe('Action input iac (dist/index.js)', () => {
  it('judges a Terraform plan from globs and fails the step, with results on main.tf', () => {
    const action = mkdtempSync(join(tmpdir(), 'action-iac-'));
    cpSync(join(repoRoot, 'dist'), join(action, 'dist'), { recursive: true });
    cpSync(join(repoRoot, 'rules'), join(action, 'rules'), { recursive: true });
    const out = mkdtempSync(join(tmpdir(), 'action-iac-out-'));
    const outputs = join(out, 'outputs');
    const summary = join(out, 'summary');
    writeFileSync(outputs, '');
    writeFileSync(summary, '');
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '', HOME: out, GITHUB_OUTPUT: outputs, GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: repoRoot,
      'INPUT_IAC': 'test/fixtures/iac/terraform/plan.json test/fixtures/iac/terraform/*.tf', 'INPUT_OUTPUT-DIR': join(out, 'reports'),
      'INPUT_FAIL-ON': 'high', INPUT_PROBE: 'false',
    };
    const run = spawnSync(process.execPath, [join(action, 'dist', 'index.js')], { cwd: repoRoot, env, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toMatch(/::error::FAIL: \d+ findings at high or above/);
    expect(run.status).toBe(1);
    const sarif = JSON.parse(readFileSync(join(out, 'reports', 'results.sarif'), 'utf8')) as { runs: { automationDetails: { id: string }; results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(sarif.runs[0]!.automationDetails.id).toBe('elb-tls-audit-iac/');
    expect(sarif.runs[0]!.results.every((r) => r.locations[0]!.physicalLocation.artifactLocation.uri === 'test/fixtures/iac/terraform/main.tf')).toBe(true);
    expect(readFileSync(summary, 'utf8')).toContain('# elb-tls-audit');
  });

  it('a glob that matches nothing is bad input naming the input', () => {
    const out = mkdtempSync(join(tmpdir(), 'action-iac-bad-'));
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', GITHUB_WORKSPACE: repoRoot, INPUT_IAC: 'nothing/*.tf', 'INPUT_OUTPUT-DIR': join(out, 'r') };
    const run = spawnSync(process.execPath, [join(repoRoot, 'dist', 'index.js')], { cwd: repoRoot, env, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toMatch(/input iac: "nothing\/\*\.tf" matches no file or folder/);
    expect(run.status).toBe(2);
  });
});
