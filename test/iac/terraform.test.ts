/**
 * Terraform: a plan JSON (hand-written to Terraform's documented JSON output format, see
 * test/fixtures/iac/terraform/README.md: no terraform binary is installable here) with the .tf sources it
 * comes from. Findings must be the live audit's, placed on the lines of main.tf.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateSarifSchema } from '../helpers/sarif-validator.ts';
import { findingOf, fixture, lineOf, regionOf, runIac, sarifOf } from './helpers.ts';

const tf = fixture('terraform', 'main.tf');
const plan = fixture('terraform', 'plan.json');
const uri = 'test/fixtures/iac/terraform/main.tf';

describe('iac: Terraform plan + .tf sources', async () => {
  const run = await runIac([plan, fixture('terraform')]);

  it('judges an HTTPS listener without ssl_policy by the API default ELBSecurityPolicy-2016-08, on its resource block', () => {
    const f = findingOf(run, 'listener-weak-protocol', 'web:443');
    expect(f.status).toBe('fail');
    expect(f.message).toContain('ELBSecurityPolicy-2016-08');
    const r = sarifOf(run, f);
    expect(r.message.text).toContain('API default');
    expect(regionOf(r)).toEqual({ uri, startLine: lineOf(tf, /resource "aws_lb_listener" "https"/), endLine: lineOf(tf, /^}/, lineOf(tf, /resource "aws_lb_listener" "https"/)) });
  });

  it('puts a weak ssl_policy from a variable on the ssl_policy line, and passes the post-quantum TLS 1.3 listener', () => {
    const f = findingOf(run, 'listener-weak-protocol', 'web:8443');
    expect(f.status).toBe('fail');
    expect(f.message).toContain('TLSv1.1');
    const line = lineOf(tf, /ssl_policy\s+= var.legacy_policy/);
    expect(regionOf(sarifOf(run, f))).toEqual({ uri, startLine: line, endLine: line });
    expect(findingOf(run, 'listener-weak-protocol', 'web:9443').status).toBe('pass');
    expect(findingOf(run, 'listener-no-post-quantum', 'web:9443').status).toBe('pass');
  });

  it('reads a Classic custom policy from aws_load_balancer_policy attached by aws_load_balancer_listener_policy', () => {
    expect(findingOf(run, 'listener-weak-protocol', 'legacy:443').message).toContain('TLSv1.0');
    expect(findingOf(run, 'classic-server-order-off', 'legacy:443').status).toBe('fail');
    expect(findingOf(run, 'classic-backend-auth-missing', 'legacy:443').status).toBe('fail');
  });

  it('judges an IAM server certificate whose body is in the code, on the certificate_body line', () => {
    const weak = findingOf(run, 'cert-weak-key', 'legacy');
    expect(weak.status).toBe('fail');
    expect(findingOf(run, 'cert-weak-signature', 'legacy').status).toBe('fail');
    expect(findingOf(run, 'cert-source-iam', 'legacy').status).toBe('fail');
    const line = lineOf(tf, /certificate_body = file/);
    expect(regionOf(sarifOf(run, weak))).toEqual({ uri, startLine: line, endLine: line });
  });

  it('links load balancer, subnets and target groups through the configuration references (known after apply)', () => {
    expect(run.outcome.facts.loadBalancer.find((l) => l.name === 'web')!.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(run.outcome.result.findings.filter((f) => f.ruleId === 'lb-single-az' && f.resource.name === 'web')).toEqual([]);
    expect(findingOf(run, 'lb-single-az', 'legacy').status).toBe('fail');
    expect(findingOf(run, 'listener-backend-unencrypted', 'web:443').status).toBe('pass');
    expect(findingOf(run, 'lb-deletion-protection', 'web').status).toBe('pass');
  });

  it('lists what code cannot tell as skipped, never as a pass: target health, served TLS, certificates ACM issues at deploy', () => {
    const skipped = run.outcome.result.attempts.filter((a) => a.status === 'skipped').map((a) => a.reason ?? '');
    expect(skipped.some((r) => r.startsWith('target health: not known from infrastructure code'))).toBe(true);
    expect(skipped.some((r) => r.includes('issued by ACM at deploy'))).toBe(true);
    expect(skipped.some((r) => r.includes('certificate/imported is referenced by ARN'))).toBe(true);
    expect(run.outcome.result.complete).toBe(true);
    expect(run.outcome.exitCode).toBe(1);
  });

  it('writes SARIF that passes the 2.1.0 schema, in a category of its own', () => {
    expect(validateSarifSchema(run.sarif)).toEqual([]);
    expect(run.sarif.runs[0]!.automationDetails.id).toBe('elb-tls-audit-iac/');
  });

  it('refuses a plan of an unsupported format_version, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iac-tf-'));
    const bad = join(dir, 'plan.json');
    writeFileSync(bad, JSON.stringify({ ...JSON.parse(readFileSync(plan, 'utf8')), format_version: '2.0' }));
    await expect(runIac([bad])).rejects.toThrow(/plan\.json \(format_version\): plan format_version 2\.0 is not supported/);
  });
});
