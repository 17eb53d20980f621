/**
 * IaC bench: a CloudFormation YAML template with 100 ALBs of 10 HTTPS listeners each (1,000 listeners; a third
 * without SslPolicy, so the API default applies), read and mapped, then enriched and judged with every rule of the
 * default profile. Goal: evaluation of the 1,000 listeners well under a second.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const LOAD_BALANCERS = 100;
const LISTENERS_PER_LB = 10;
const POLICIES = ['ELBSecurityPolicy-TLS13-1-2-2021-06', 'ELBSecurityPolicy-TLS-1-1-2017-01', null];

function template(): string {
  const lines = ['AWSTemplateFormatVersion: "2010-09-09"', 'Parameters:', '  Cert:', '    Type: String', '    Default: arn:aws:acm:eu-west-1:111111111111:certificate/bench', 'Resources:'];
  for (let b = 0; b < LOAD_BALANCERS; b++) {
    lines.push(`  Lb${b}:`, '    Type: AWS::ElasticLoadBalancingV2::LoadBalancer', '    Properties:', `      Name: bench-${b}`, '      Subnets: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]');
    for (let l = 0; l < LISTENERS_PER_LB; l++) {
      const policy = POLICIES[(b + l) % POLICIES.length];
      lines.push(`  Lb${b}L${l}:`, '    Type: AWS::ElasticLoadBalancingV2::Listener', '    Properties:', `      LoadBalancerArn: !Ref Lb${b}`, `      Port: ${8000 + l}`, '      Protocol: HTTPS',
        ...(policy ? [`      SslPolicy: ${policy}`] : []), '      Certificates:', '        - CertificateArn: !Ref Cert', '      DefaultActions:', '        - Type: fixed-response', '          FixedResponseConfig:', '            StatusCode: "200"');
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function run(): Promise<void> {
  const { loadInfrastructure, blankUnknownFacts } = await import('../src/iac/index.ts');
  const { enrich } = await import('../src/enrich/index.ts');
  const { evaluate } = await import('../src/evaluate/index.ts');
  const { applyProfile, loadProfile } = await import('../src/evaluate/profiles.ts');
  const { loadRules } = await import('../src/evaluate/rule-loader.ts');
  const { defaultRulesDir } = await import('../src/evaluate/paths.ts');
  const rules = applyProfile(loadRules(defaultRulesDir()), loadProfile(defaultRulesDir(), 'default'));
  const path = join(mkdtempSync(join(tmpdir(), 'bench-iac-')), 'bench.yaml');
  writeFileSync(path, template());
  const asOf = '2027-01-01T00:00:00Z';
  const start = performance.now();
  const iac = await loadInfrastructure({ paths: [path], parameters: new Map(), account: '111111111111', region: 'eu-west-1', sourceRoot: tmpdir(), capturedAt: asOf });
  const read = performance.now();
  const judge = async () => {
    const facts = blankUnknownFacts(await enrich(iac.snapshot, { asOf, trustAnchorsPem: [], hostnames: new Map() }), iac);
    return { facts, ...(await evaluate(iac.snapshot, facts, { rules, waivers: [], asOf })) };
  };
  // The first judgement also loads the trust anchors and warms the rules engine; the second is the steady cost.
  const { facts, findings } = await judge();
  const cold = performance.now();
  const cpu = process.cpuUsage();
  await judge();
  const warm = performance.now();
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  process.stdout.write(`BENCH name=iac-cloudformation listeners=${facts.listener.length} loadBalancers=${facts.loadBalancer.length} findings=${findings.length} readSeconds=${((read - start) / 1000).toFixed(3)} evaluateSeconds=${((cold - read) / 1000).toFixed(3)} evaluateWarmSeconds=${((warm - cold) / 1000).toFixed(3)} evaluateWarmCpuSeconds=${cpuSeconds.toFixed(3)} goalEvaluateSeconds=1\n`);
}
