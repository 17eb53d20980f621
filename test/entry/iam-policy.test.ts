/**
 * Least privilege, checked: the read-only policy in template.yaml (and the role policies in the docs) is
 * exactly the set of AWS operations the collectors invoke. The set is read from the source (every SDK
 * Command constructed in src/collect) and confirmed by recording the calls a collection of the seed
 * estate actually makes through the client factory against moto_server.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSnapshot, sdkClientFactory, type ClientFactory, type ServiceName } from '../../src/collect/index.ts';
import { buildSeedEstate } from '../collect/estate.ts';
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto.ts';
import { commandActions, NO_PERMISSION_NEEDED } from './iam-actions.ts';
import { loadTemplate, stateMachineDefinition } from './lambda-template.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const PREFIX_OF_SERVICE: Record<ServiceName, string> = { elb: 'elasticloadbalancing', elbv2: 'elasticloadbalancing', iam: 'iam', acm: 'acm', cloudhsmv2: 'cloudhsm', ec2: 'ec2', sts: 'sts', wafv2: 'wafv2', acmpca: 'acm-pca' };
// IAM names some operations differently from the API.
const IAM_NAME: Record<string, string> = { 's3:ListObjectsV2': 's3:ListBucket' };

const sorted = (items: Iterable<string>): string[] => [...new Set(items)].sort();
const collectorActions = (): string[] => sorted([...commandActions(resolve(ROOT, 'src/collect'))].filter((a) => !NO_PERMISSION_NEEDED.has(a)));

type Statement = { Sid?: string; Action: string | string[]; Resource?: unknown };
const actionsOf = (s: Statement | undefined): string[] => (s === undefined ? [] : sorted(typeof s.Action === 'string' ? [s.Action] : s.Action));

/** Statements of the function's inline policy; Fn::If branches count as their "true" side. */
function functionStatements(): Statement[] {
  const policies = loadTemplate()['Resources']['AuditFunction']['Properties']['Policies'] as { Statement: unknown[] }[];
  return policies.flatMap((p) => p.Statement).map((s) => {
    const branch = (s as { 'Fn::If'?: [string, Statement, unknown] })['Fn::If'];
    return branch ? branch[1] : (s as Statement);
  });
}

/** The first ```json block after a heading in a Markdown file. */
function jsonBlockAfter(file: string, heading: string): { Statement: Statement[] } {
  const text = readFileSync(resolve(ROOT, file), 'utf8');
  const at = text.indexOf(heading);
  if (at < 0) throw new Error(`${file}: no heading "${heading}"`);
  const block = /```json\n([\s\S]*?)```/.exec(text.slice(at));
  if (!block?.[1]) throw new Error(`${file}: no json block after "${heading}"`);
  return JSON.parse(block[1]) as { Statement: Statement[] };
}

let moto: MotoServer;
const recorded = new Set<string>();

type Handler = (args: unknown) => Promise<unknown>;
/** The part of the SDK middleware stack used here (the union of every client's stack type is not callable). */
interface RecordableStack {
  add(middleware: (next: Handler, context: { commandName?: string }) => Handler, options: { step: 'initialize'; name: string }): void;
}

/** The standard factory, with a middleware on every client that records `prefix:Operation` per call. */
function recordingFactory(endpoint: string): ClientFactory {
  const inner = sdkClientFactory({ endpoint, credentials: MOTO_CREDENTIALS });
  const seen = new Set<object>();
  return ((service: ServiceName, region: string) => {
    const client = inner(service, region);
    if (!seen.has(client)) {
      seen.add(client);
      (client.middlewareStack as unknown as RecordableStack).add(
        (next, context) => (args) => {
          recorded.add(`${PREFIX_OF_SERVICE[service]}:${String(context.commandName).replace(/Command$/, '')}`);
          return next(args);
        },
        { step: 'initialize', name: 'recordOperation' },
      );
    }
    return client;
  }) as ClientFactory;
}

beforeAll(async () => {
  moto = await startMoto();
  await buildSeedEstate(sdkClientFactory({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS }), 'us-east-1');
  // `all` regions so DescribeRegions is exercised too; the estate covers Classic, ALB, NLB, IAM, ACM and CloudHSM.
  await collectSnapshot({ regions: 'all', clients: recordingFactory(moto.endpoint), homeRegion: 'us-east-1', allCertificates: true });
}, 300_000);

afterAll(async () => {
  await moto?.stop();
});

describe('least-privilege IAM policy', () => {
  it('the operations the collectors construct are the operations they call against the emulator', () => {
    const constructed = sorted(commandActions(resolve(ROOT, 'src/collect')));
    // Every call made is one the source scan knows (so the policy cannot miss a call the scan cannot see) ...
    expect(sorted(recorded).filter((a) => !constructed.includes(a))).toEqual([]);
    // ... and every constructed call is made, except what this estate or moto cannot reach: mTLS trust stores
    // (moto drops a listener's MutualAuthentication), a Private CA (the seed has no private certificate) and
    // listing web ACLs (one ALB: asking per ALB is fewer calls). test/collect/peers.moto.test.ts makes those.
    expect(constructed.filter((a) => !recorded.has(a))).toEqual([
      'acm-pca:DescribeCertificateAuthority',
      'acm-pca:GetCertificateAuthorityCertificate',
      'elasticloadbalancing:DescribeTrustStoreRevocations',
      'elasticloadbalancing:DescribeTrustStores',
      'elasticloadbalancing:GetTrustStoreCaCertificatesBundle',
      'elasticloadbalancing:GetTrustStoreRevocationContent',
      'wafv2:ListResourcesForWebACL',
      'wafv2:ListWebACLs',
    ]);
  });

  it('template.yaml grants exactly those read-only actions, nothing more, nothing missing', () => {
    const read = functionStatements().find((s) => s.Sid === 'ReadTlsConfiguration');
    expect(actionsOf(read)).toEqual(collectorActions());
    expect(read?.Resource).toBe('*');
    // Every one of them is a read: Describe*, List*, Get*.
    for (const action of actionsOf(read)) expect(action).toMatch(/^[a-z0-9-]+:(Describe|List|Get)[A-Za-z]+$/);
  });

  it('the other statements are what the handler and the account fan-out call, each scoped', () => {
    const statements = functionStatements();
    const other = sorted(statements.filter((s) => s.Sid !== 'ReadTlsConfiguration').flatMap(actionsOf));
    const called = ['src/accounts', 'src/entry', 'src/alerts', 'src/securityhub']
      .flatMap((dir) => [...commandActions(resolve(ROOT, dir))])
      .filter((a) => !NO_PERMISSION_NEEDED.has(a))
      .map((a) => IAM_NAME[a] ?? a);
    expect(other).toEqual(sorted(called));
    const assume = statements.find((s) => s.Sid === 'EnterMemberAccounts');
    expect(assume?.Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${AuditRoleName}' });
    // ... and only in the accounts given, or in the function's own organisation.
    expect((assume as Statement & { Condition?: unknown }).Condition).toEqual({
      'Fn::If': ['ListsOrganization', { StringEquals: { 'aws:ResourceOrgID': '${aws:PrincipalOrgID}' } }, { StringEquals: { 'aws:ResourceAccount': { 'Fn::Split': [',', { Ref: 'Accounts' }] } } }],
    });
    expect(statements.find((s) => s.Sid === 'ReadExternalIdSecret')?.Resource).toEqual({ Ref: 'ExternalIdSecretArn' });
    for (const sid of ['WriteAndReadReports', 'ListRunPrefix']) expect(JSON.stringify(statements.find((s) => s.Sid === sid)?.Resource)).toContain('ReportBucket');
    // Security Hub: only the account's own product and hub; the webhook secret: only the one named.
    expect(JSON.stringify(statements.find((s) => s.Sid === 'ImportToSecurityHub')?.Resource)).toMatch(/product\/\$\{AWS::AccountId\}\/default.*hub\/default/);
    expect(statements.find((s) => s.Sid === 'ReadWebhookSecret')?.Resource).toEqual({ Ref: 'WebhookSecretArn' });
  });

  it('the role policies in the docs are the same set (the Action role and the member-account role)', () => {
    const action = jsonBlockAfter('docs/github-action.md', '## Least-privilege role policy');
    expect(sorted(action.Statement.flatMap(actionsOf))).toEqual(collectorActions());
    const member = jsonBlockAfter('docs/lambda.md', '## Member-account role');
    expect(sorted(member.Statement.flatMap(actionsOf))).toEqual(collectorActions());
  });
});

describe('template.yaml', () => {
  const hasCfnLint = (() => {
    try {
      execFileSync('cfn-lint', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasCfnLint)('passes cfn-lint (with the SAM transform applied)', () => {
    execFileSync('cfn-lint', [resolve(ROOT, 'template.yaml')], { stdio: 'pipe' });
  });

  it('schedules with EventBridge Scheduler (ScheduleV2), runs nodejs24.x from the staged package', () => {
    const t = loadTemplate();
    const fn = t['Resources']['AuditFunction']['Properties'];
    expect(fn).toMatchObject({ Runtime: 'nodejs24.x', Handler: 'dist/lambda.handler', CodeUri: 'build/lambda/', Timeout: 900 });
    expect(fn['Events']['Scheduled']['Type']).toBe('ScheduleV2');
    expect(t['Resources']['AuditStateMachine']['Properties']['Events']['Scheduled']['Type']).toBe('ScheduleV2');
    const env = Object.keys(fn['Environment']['Variables']).sort();
    const source = ['src/entry/lambda.ts', 'src/entry/lambda-resume.ts', 'src/alerts/config.ts'].map((f) => readFileSync(resolve(ROOT, f), 'utf8')).join('\n');
    for (const name of env) expect(source, `${name} is set by the template but not read by the handler`).toContain(`'${name}'`);
  });

  it('the state machine is a Distributed Map whose states all connect and send modes the handler knows', () => {
    const { definition, state } = stateMachineDefinition();
    const names = new Set<string>();
    const nexts: string[] = [definition.StartAt];
    const walk = (states: Record<string, Record<string, any>>, startAt: string): void => {
      nexts.push(startAt);
      for (const [name, s] of Object.entries(states)) {
        names.add(name);
        if (typeof s['Next'] === 'string') nexts.push(s['Next']);
        else if (s['Type'] === 'Choice') nexts.push(...(s['Choices'] as { Next: string }[]).map((c) => c.Next), s['Default']);
        else if (s['Type'] !== 'Succeed' && s['Type'] !== 'Fail') expect(s['End'], `${name} neither continues nor ends`).toBe(true);
        if (s['ItemProcessor']) walk(s['ItemProcessor']['States'], s['ItemProcessor']['StartAt']);
      }
    };
    walk(definition.States, definition.StartAt);
    for (const next of nexts) expect(names.has(next), `transition to missing state ${next}`).toBe(true);
    const map = state('CollectAccounts');
    expect(map['ItemProcessor']['ProcessorConfig']['Mode']).toBe('DISTRIBUTED');
    expect(map['ItemReader']['Resource']).toBe('arn:aws:states:::s3:getObject');
    // Failures are tolerated by the map because the merge reports every missing account as an error (fail closed).
    expect(map['ToleratedFailurePercentage']).toBe(100);
    const modes = ['ListAccounts', 'CollectAccount', 'MergeAndReport', 'PlanRegion', 'JoinPlans', 'CollectPage', 'MergePages'].map((n) => state(n)['Parameters']['Payload']['mode']);
    expect(modes).toEqual(['list-accounts', 'collect-account', 'merge', 'plan-region', 'join-plans', 'collect-page', 'merge-pages']);
    const source = ['src/entry/lambda.ts', 'src/entry/lambda-pages.ts'].map((f) => readFileSync(resolve(ROOT, f), 'utf8')).join('\n');
    for (const mode of modes) expect(source).toContain(`mode: '${mode}'`);
  });
});
