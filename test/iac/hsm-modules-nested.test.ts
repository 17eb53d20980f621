/**
 * IaC beyond single files: CloudHSM clusters and HSMs declared in Terraform (and the cluster CloudFormation can
 * declare), resources inside a local Terraform module placed on the module's own lines, and nested stacks of a
 * plain CloudFormation template followed from their local TemplateURL / Location.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findingOf, fixture, lineOf, regionOf, runIac, sarifOf } from './helpers.ts';

const tfDir = fixture('terraform-modules');
const rootTf = fixture('terraform-modules', 'main.tf');
const moduleTf = fixture('terraform-modules', 'modules', 'edge', 'main.tf');
const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;

const clusterOf = (run: Awaited<ReturnType<typeof runIac>>, name: string) => {
  const c = run.outcome.facts.hsmCluster.find((x) => x.name.startsWith(`${name}-iac`));
  if (!c) throw new Error(`no cluster ${name}: ${run.outcome.facts.hsmCluster.map((x) => x.name).join(', ')}`);
  return c;
};

describe('iac: CloudHSM from Terraform, and resources of a local module', async () => {
  const run = await runIac([fixture('terraform-modules', 'plan.json'), tfDir]);

  it('fails a cluster whose two HSMs sit in one zone (one placed by subnet, one by zone), on the cluster block', () => {
    const keys = clusterOf(run, 'keys');
    expect(keys.activeHsmCount).toBe(2);
    expect(keys.activeHsmZones).toEqual(['eu-west-1a']);
    const f = findingOf(run, 'hsm-too-few-hsms', keys.name);
    expect(f.status).toBe('fail');
    const start = lineOf(rootTf, /resource "aws_cloudhsm_v2_cluster" "keys"/);
    expect(regionOf(sarifOf(run, f))).toEqual({ uri: 'test/fixtures/iac/terraform-modules/main.tf', startLine: start, endLine: lineOf(rootTf, /^}/, start) });
  });

  it('passes a cluster with an HSM in each of two zones', () => {
    const spread = clusterOf(run, 'spread');
    expect(spread.activeHsmZones).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(findingOf(run, 'hsm-too-few-hsms', spread.name).status).toBe('pass');
  });

  it('does not judge a cluster whose HSM zone is known only after apply (a subnet outside the code)', () => {
    const f = findingOf(run, 'hsm-too-few-hsms', clusterOf(run, 'shared').name);
    expect(f.status).toBe('error');
    expect(f.message).toContain('not judged before deploy');
    expect(f.message).toContain('subnet-0fedcba9876543210 is not in the code');
  });

  it('lists backups, health and client web servers as not known from code, never as a pass', () => {
    const keys = clusterOf(run, 'keys');
    for (const rule of ['hsm-no-backup', 'hsm-degraded', 'hsm-offload-placement']) {
      expect(run.outcome.result.findings.filter((f) => f.ruleId === rule && f.resource.name === keys.name && f.status === 'pass')).toEqual([]);
    }
    expect(keys.unknown?.readyBackupCount?.status).toBe('skipped');
    expect(keys.unknown?.degraded?.status).toBe('skipped');
    expect(run.outcome.result.attempts.some((a) => a.operation === 'DescribeBackups' && a.status === 'skipped')).toBe(true);
  });

  it("puts a module resource's finding on the module's own .tf line", () => {
    const f = findingOf(run, 'listener-weak-protocol', 'edge:443');
    expect(f.status).toBe('fail');
    const line = lineOf(moduleTf, /ssl_policy\s+= "ELBSecurityPolicy-TLS-1-0-2015-04"/);
    expect(regionOf(sarifOf(run, f))).toEqual({ uri: 'test/fixtures/iac/terraform-modules/modules/edge/main.tf', startLine: line, endLine: line });
    expect(run.load.sources.some((s) => s.kind === 'terraform-source' && s.path === moduleTf)).toBe(true);
  });

  it('does not judge the zones of a load balancer whose subnets arrive through a module variable', () => {
    const f = findingOf(run, 'lb-single-az', 'edge');
    expect(f.status).toBe('error');
    expect(f.message).toContain('known after apply (var.subnets)');
  });
});

describe('iac: nested stacks of a plain CloudFormation template', async () => {
  const parent = fixture('cloudformation', 'parent-nested.yaml');
  const run = await runIac([parent], { account: '111111111111', region: 'eu-west-1' });

  it.skipIf(!cfnLint)('uses templates that pass cfn-lint (cfn-lint 1.x has no AWS::CloudHSM::Cluster spec: E3006 is ignored for that one)', () => {
    expect(spawnSync('cfn-lint', [parent, fixture('cloudformation', 'nested', 'edge.yaml')], { encoding: 'utf8' }).status).toBe(0);
    expect(spawnSync('cfn-lint', ['--ignore-checks', 'E3006', '--', fixture('cloudformation', 'nested', 'keys.yaml')], { encoding: 'utf8' }).status).toBe(0);
  });

  it('follows a local TemplateURL with the parameters the parent passes, and puts the finding in the nested file', () => {
    const f = findingOf(run, 'listener-weak-protocol', 'Nlb:443');
    expect(f.status).toBe('fail');
    expect(f.message).toContain('ELBSecurityPolicy-TLS-1-1-2017-01');
    const edge = fixture('cloudformation', 'nested', 'edge.yaml');
    const line = lineOf(edge, /SslPolicy: !Ref ListenerPolicy/);
    expect(regionOf(sarifOf(run, f))).toEqual({ uri: 'test/fixtures/iac/cloudformation/nested/edge.yaml', startLine: line, endLine: line });
  });

  it("follows a SAM application's local Location; a CloudFormation cluster's HSM count is not judged before deploy", () => {
    const cluster = clusterOf(run, 'Cluster');
    expect(cluster.unknown?.activeHsmCount?.status).toBe('skipped');
    expect(run.outcome.result.findings.filter((f) => f.ruleId === 'hsm-too-few-hsms' && f.status !== 'not_applicable')).toEqual([]);
    expect(run.outcome.result.attempts.some((a) => a.operation === 'CreateHsm' && a.status === 'skipped' && (a.reason ?? '').includes('CloudFormation has no HSM resource'))).toBe(true);
  });

  it('reports a nested stack whose template is only in S3 as not judged, so the run is incomplete, not a pass', () => {
    const gap = run.outcome.result.findings.find((f) => f.category === 'collection-incomplete' && f.message.includes('example-bucket/shared.yaml'));
    expect(gap?.status).toBe('error');
    expect(run.outcome.result.verdict.kind).toBe('incomplete');
  });
});
