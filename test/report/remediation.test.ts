/** Remediation that fits the resource: rule variants chosen by certificate store, ACM type and load-balancer type. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { demoSnapshot, demoTrustAnchors } from '../../src/demo/estate.ts';
import { remediationFor } from '../../src/evaluate/remediation.ts';
import { ruleProblems } from '../../src/evaluate/rule-loader.ts';
import { checkRemediationVariants } from '../../src/evaluate/rule-tester.ts';
import type { RuleDefinition } from '../../src/model/rule.ts';
import { buildReportData } from '../../src/report/html/model.ts';
import { buildSarif } from '../../src/report/sarif.ts';
import { csvReporter } from '../../src/report/csv.ts';
import { ocsfReporter } from '../../src/report/ocsf.ts';
import type { ReportInput } from '../../src/report/reporter.ts';

const rule = (id: string) => JSON.parse(readFileSync(new URL(`../../rules/${id}.json`, import.meta.url), 'utf8')) as RuleDefinition;

async function demoInput(): Promise<ReportInput> {
  const o = await audit({ source: { kind: 'snapshot', snapshot: demoSnapshot() }, probe: false, profile: 'default', allowPartial: true, failOn: 'none', trustAnchorsPem: demoTrustAnchors() });
  return { result: o.result, snapshot: o.snapshot, facts: o.facts, rules: o.rules, options: { sarifCategory: 'elb-tls-audit/' } };
}

describe('remediation variants', () => {
  it('tells an IAM certificate on a Classic LB to upload to IAM and set the Classic listener, an imported ACM one to re-import', async () => {
    const input = await demoInput();
    const results = buildSarif(input).runs[0]!.results!;
    const iam = results.find((r) => r.ruleId === 'cert-expired' && r.properties?.['resourceArn'].includes(':iam:'))!;
    expect(iam.properties?.['remediationCli']).toContain('aws iam upload-server-certificate');
    expect(iam.properties?.['remediationCli']).toContain('aws elb set-load-balancer-listener-ssl-certificate');
    expect(iam.properties?.['remediationCli']).not.toContain('acm import-certificate');
    const imported = results.find((r) => r.ruleId === 'cert-imported-no-renewal')!;
    expect(imported.properties?.['remediation']).toBeDefined();
    const classic = results.find((r) => r.ruleId === 'listener-weak-protocol' && r.properties?.['resourceArn'].includes(':loadbalancer/legacy-web'))!;
    expect(classic.properties?.['remediationCli']).toMatch(/^aws elb create-load-balancer-policy/);
    const alb = results.find((r) => r.ruleId === 'listener-weak-protocol' && r.properties?.['resourceArn'].includes('/app/'))!;
    expect(alb.properties?.['remediationCli']).toContain('aws elbv2 modify-listener');
  });

  it('gives CSV and OCSF the remediation that fits', async () => {
    const input = await demoInput();
    const iamArn = input.result.findings.find((f) => f.ruleId === 'cert-expired' && f.resource.arn.includes(':iam:'))!.resource.arn;
    const csvLine = csvReporter.render(input).split('\r\n').find((l) => l.includes('cert-expired') && l.includes(iamArn))!;
    expect(csvLine).toContain('Upload the new certificate to IAM');
    const ocsf = ocsfReporter.render(input).trim().split('\n').map((l) => JSON.parse(l) as { resources: { uid: string }[]; remediation?: { desc: string }; unmapped: { fingerprint: string } });
    const event = ocsf.find((e) => e.resources[0]!.uid === iamArn && e.remediation?.desc.includes('IAM'));
    expect(event?.remediation?.desc).toContain('Upload the new certificate to IAM');
  });

  it('carries the chosen variant into the HTML data island', async () => {
    const input = await demoInput();
    const data = buildReportData(input);
    const ruleIdx = data.rules.findIndex((r) => r.id === 'cert-expired');
    const arnOf = (res: number) => data.arnPrefixes[data.resources[res]![0]]! + data.resources[res]![1];
    const row = data.findings.find((f) => f[0] === ruleIdx && arnOf(f[1]).startsWith('arn:aws:iam:'))!;
    const fix = data.details[row[5]]!.fix;
    expect(fix).toBeGreaterThanOrEqual(0);
    expect(data.rules[ruleIdx]!.remediation.variants![fix]!.cli).toContain('aws iam upload-server-certificate');
  });

  it('picks the first variant whose conditions all hold, and the rule text when none does', () => {
    const r = rule('cert-expired');
    expect(remediationFor(r, { subject: 'certificate', source: 'iam', loadBalancerTypes: ['classic'] }).cli).toContain('aws elb set-load-balancer-listener-ssl-certificate');
    expect(remediationFor(r, { subject: 'certificate', source: 'iam', loadBalancerTypes: ['classic', 'application'] }).cli).toContain('aws elbv2 modify-listener');
    expect(remediationFor(r, { subject: 'certificate', source: 'acm', acmType: 'IMPORTED', loadBalancerTypes: ['application'] })).toBe(r.remediation);
    expect(remediationFor(r, null)).toBe(r.remediation);
  });

  it('the tester fails a variant no fail example reaches, and the loader a condition the subject cannot have', () => {
    const r = rule('cert-expired');
    const dead = { ...r, examples: { ...r.examples, fail: r.examples.fail!.filter((e) => !e.name.startsWith('iam-on-classic')) } };
    expect(checkRemediationVariants(dead).filter((x) => !x.ok).map((x) => x.example)).toEqual([expect.stringMatching(/^remediation variant 0 /)]);
    expect(checkRemediationVariants(r).every((x) => x.ok)).toBe(true);
    const listener = rule('listener-weak-protocol');
    listener.remediation.variants = [{ when: { acmType: ['IMPORTED'] }, text: 'not for listeners' }];
    expect(ruleProblems(listener, 'listener-weak-protocol.json')).toEqual(['/remediation/variants/0/when/acmType cannot be decided for a listener rule']);
    const shape = rule('listener-weak-protocol');
    (shape.remediation as unknown as { variants: unknown }).variants = [{ when: {}, text: 'empty condition' }];
    expect(ruleProblems(shape, 'listener-weak-protocol.json').join('\n')).toMatch(/variants\/0\/when/);
  });
});
