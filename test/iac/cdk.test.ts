/**
 * CDK: a real app synthesized in-process with aws-cdk-lib (`app.synth()`, no CLI, no account) into a temp
 * cdk.out, then judged from its manifest: every stack, the nested stack included, with findings on the lines
 * of the synthesized templates.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elb from 'aws-cdk-lib/aws-elasticloadbalancing';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { describe, expect, it } from 'vitest';
import { findingOf, lineOf, regionOf, runIac, sarifOf } from './helpers.ts';

const CERT = 'arn:aws:acm:eu-west-1:111111111111:certificate/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

function synthesize(): string {
  const root = mkdtempSync(join(tmpdir(), 'iac-cdk-'));
  const app = new App({ outdir: join(root, 'cdk.out') });
  const stack = new Stack(app, 'Web', { env: { account: '111111111111', region: 'eu-west-1' } });
  // aws-cdk-lib's types are not written for exactOptionalPropertyTypes; the cast only bridges that.
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['eu-west-1a', 'eu-west-1b'], natGateways: 0 }) as unknown as ec2.IVpc;
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
  const targets = new elbv2.ApplicationTargetGroup(stack, 'AppTargets', { vpc, port: 8443, protocol: elbv2.ApplicationProtocol.HTTPS });
  // No sslPolicy: CDK leaves SslPolicy out and the API default applies at deploy.
  alb.addListener('Https', { port: 443, certificates: [elbv2.ListenerCertificate.fromArn(CERT)], defaultTargetGroups: [targets] });
  alb.addListener('Http', { port: 80, defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }) });
  const inner = new NestedStack(stack, 'Edge');
  const nlb = new elbv2.NetworkLoadBalancer(inner, 'Nlb', { vpc });
  nlb.addListener('Tls', {
    port: 443, protocol: elbv2.Protocol.TLS, sslPolicy: elbv2.SslPolicy.TLS12, certificates: [elbv2.ListenerCertificate.fromArn(CERT)],
    defaultTargetGroups: [new elbv2.NetworkTargetGroup(inner, 'TlsTargets', { vpc, port: 443, protocol: elbv2.Protocol.TLS })],
  });
  const classic = new elb.LoadBalancer(stack, 'Classic', { vpc, internetFacing: true });
  classic.addListener({ externalPort: 443, externalProtocol: elb.LoadBalancingProtocol.HTTPS, internalPort: 80, internalProtocol: elb.LoadBalancingProtocol.HTTP, sslCertificateArn: CERT });
  app.synth();
  return root;
}

/** The logical id of the first resource of a type whose properties match. */
function logicalId(template: string, type: string, match: (p: Record<string, unknown>) => boolean): string {
  const resources = (JSON.parse(readFileSync(template, 'utf8')) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }).Resources;
  const found = Object.entries(resources).find(([, r]) => r.Type === type && match(r.Properties));
  if (!found) throw new Error(`no ${type} in ${template}`);
  return found[0];
}

describe('iac: CDK cloud assembly from real aws-cdk-lib synthesis', async () => {
  const root = synthesize();
  const assembly = join(root, 'cdk.out');
  const run = await runIac([assembly], { sourceRoot: root });
  const webTemplate = join(assembly, 'Web.template.json');

  it('reads every stack of the manifest, the nested stack included', () => {
    const names = run.outcome.facts.listener.map((l) => l.name).sort();
    expect(names.some((n) => n.endsWith(':443') && n.includes('Nlb'))).toBe(true);
    expect(run.load.sources.filter((s) => s.kind === 'cdk').length).toBe(2);
    expect(run.outcome.facts.listener.every((l) => l.account === '111111111111' && l.region === 'eu-west-1')).toBe(true);
  });

  it('judges the ALB HTTPS listener CDK synthesized without SslPolicy by the API default, on its template lines', () => {
    const id = logicalId(webTemplate, 'AWS::ElasticLoadBalancingV2::Listener', (p) => p.Port === 443);
    const template = JSON.parse(readFileSync(webTemplate, 'utf8')) as { Resources: Record<string, { Properties: Record<string, unknown> }> };
    expect(template.Resources[id]!.Properties.SslPolicy).toBeUndefined();
    const f = run.outcome.result.findings.find((x) => x.ruleId === 'listener-weak-protocol' && x.resource.name.endsWith(':443') && x.resource.loadBalancerType === 'application')!;
    expect(f.status).toBe('fail');
    expect(f.message).toContain('ELBSecurityPolicy-2016-08');
    expect(regionOf(sarifOf(run, f))).toMatchObject({ uri: 'cdk.out/Web.template.json', startLine: lineOf(webTemplate, new RegExp(`"${id}": \\{`)) });
  });

  it('passes the nested NLB listener on TLS 1.2 but says it lacks TLS 1.3, and passes the HTTP redirect', () => {
    const nlb = run.outcome.facts.listener.find((l) => l.loadBalancerType === 'network')!;
    expect(findingOf(run, 'listener-weak-protocol', nlb.name).status).toBe('pass');
    expect(findingOf(run, 'listener-no-tls13', nlb.name).status).toBe('fail');
    const redirect = run.outcome.facts.listener.find((l) => l.protocol === 'HTTP' && l.loadBalancerType === 'application')!;
    expect(findingOf(run, 'listener-http-without-redirect', redirect.name).status).toBe('pass');
    expect(regionOf(sarifOf(run, findingOf(run, 'listener-no-tls13', nlb.name))).uri).toMatch(/^cdk\.out\/.*\.nested\.template\.json$/);
  });

  it('gives the Classic HTTPS listener without a negotiation policy the default one and sees its plaintext back end', () => {
    const classic = run.outcome.facts.listener.find((l) => l.loadBalancerType === 'classic')!;
    expect(findingOf(run, 'listener-weak-protocol', classic.name).message).toContain('ELBSecurityPolicy-2016-08');
    expect(findingOf(run, 'listener-backend-unencrypted', classic.name).status).toBe('fail');
  });

  it('takes the zones of the VPC subnets CDK wrote for the environment', () => {
    const alb = run.outcome.facts.loadBalancer.find((l) => l.type === 'application')!;
    expect(alb.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(run.outcome.result.attempts.filter((a) => a.status === 'error').map((a) => a.reason)).toEqual([]);
    expect(run.outcome.result.complete).toBe(true);
  });
});
