/**
 * The state machine run locally: statemachine/audit.asl.yaml as template.yaml deploys it, interpreted state by
 * state (Task, Choice, Pass, Map over its ItemReader's S3 JSON, Succeed, Fail), every Task invoking the real
 * Lambda handler with the Payload the definition builds from the state input, against moto_server (S3, STS and
 * every collected API). The estate has more load balancers in one region than a page holds (PAGE_SIZE=5): the
 * paged run must merge to exactly what one whole-region collection (FanOutUnit=account) gives, and a page whose
 * child failed must make the run incomplete, never a pass.
 */
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateLoadBalancerCommand as CreateClassicCommand, ModifyLoadBalancerAttributesCommand as ModifyClassicAttributesCommand } from '@aws-sdk/client-elastic-load-balancing';
import { CreateListenerCommand, CreateLoadBalancerCommand, ModifyLoadBalancerAttributesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeSubnetsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sdkClientFactory, type ClientFactory, type ServiceClients } from '../../src/collect/index.ts';
import { handler } from '../../src/entry/lambda.ts';
import type { AuditResult } from '../../src/model/finding.ts';
import type { Snapshot } from '../../src/model/snapshot.ts';
import { buildSeedEstate, type SeedEstate } from '../collect/estate.ts';
import { startFaultProxy } from '../helpers/fault-proxy.ts';
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto.ts';
import { deployedDefinition, loadTemplate } from './lambda-template.ts';

const BUCKET = 'audit-reports';
const MEMBER = '111111111111';
const ROLE = 'ElbTlsAuditRole';
const PAGE = 5;

let moto: MotoServer;
let s3: S3Client;
let seed: SeedEstate;
const savedEnv = { ...process.env };

type State = Record<string, any>;
type Machine = { StartAt: string; States: Record<string, State> };

// ---- a small interpreter of the States Language subset the definition uses ----

function pathValue(root: unknown, path: string): unknown {
  let value = root;
  for (const part of path.split('.').filter(Boolean)) {
    if (value === null || typeof value !== 'object' || !(part in (value as object))) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A JSONPath ($.a.b or $$.Map.Item.Value) or the one intrinsic used (States.MathAdd). A missing path is a runtime error, as in Step Functions. */
function evaluate(expression: string, input: unknown, context: unknown): unknown {
  const add = /^States\.MathAdd\((.+), *(-?\d+)\)$/.exec(expression);
  if (add) return Number(evaluate(add[1]!, input, context)) + Number(add[2]);
  const [root, rest] = expression.startsWith('$$') ? [context, expression.slice(2)] : [input, expression.slice(1)];
  const value = pathValue(root, rest);
  if (value === undefined) throw new Error(`States.Runtime: ${expression} is not in ${JSON.stringify(root)}`);
  return value;
}

function resolve(template: unknown, input: unknown, context: unknown = {}): unknown {
  if (Array.isArray(template)) return template.map((t) => resolve(t, input, context));
  if (typeof template !== 'object' || template === null) return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) out[key.slice(0, -2)] = evaluate(String(value), input, context);
    else out[key] = resolve(value, input, context);
  }
  return out;
}

function withResult(input: unknown, resultPath: string | null | undefined, result: unknown): unknown {
  if (resultPath === null) return input;
  if (resultPath === undefined || resultPath === '$') return result;
  const copy = structuredClone(input) as Record<string, unknown>;
  const parts = resultPath.slice(2).split('.');
  let at = copy;
  for (const part of parts.slice(0, -1)) at = (at[part] ??= {}) as Record<string, unknown>;
  at[parts.at(-1)!] = result;
  return copy;
}

function choiceMatches(rule: State, input: unknown): boolean {
  if (rule['And']) return (rule['And'] as State[]).every((r) => choiceMatches(r, input));
  const value = pathValue(input, String(rule['Variable']).slice(1));
  if ('IsPresent' in rule) return (value !== undefined) === rule['IsPresent'];
  if (value === undefined) throw new Error(`States.Runtime: ${rule['Variable']} is not present`);
  if ('StringEquals' in rule) return value === rule['StringEquals'];
  if ('BooleanEquals' in rule) return value === rule['BooleanEquals'];
  if ('NumericGreaterThanEquals' in rule) return typeof value === 'number' && value >= rule['NumericGreaterThanEquals'];
  throw new Error(`choice rule not modelled: ${JSON.stringify(rule)}`);
}

interface Run {
  /** Every Lambda event sent, in order. */
  invocations: Record<string, any>[];
  /** Throws for the events a test wants to fail (a Lambda error or timeout). */
  fail?: (payload: Record<string, any>) => boolean;
}

async function runMachine(machine: Machine, input: unknown, run: Run): Promise<unknown> {
  let name: string | undefined = machine.StartAt;
  let data = input;
  for (let steps = 0; name !== undefined; steps++) {
    if (steps > 200) throw new Error('the machine did not end');
    const state: State = machine.States[name]!;
    if (!state) throw new Error(`no state ${name}`);
    switch (state['Type']) {
      case 'Task': {
        expect(state['Resource']).toBe('arn:aws:states:::lambda:invoke');
        const payload = resolve(state['Parameters']['Payload'], data) as Record<string, any>;
        run.invocations.push(payload);
        if (run.fail?.(payload)) throw new Error('Lambda.Unknown: the invocation failed');
        const out = { Payload: await handler(payload as never, { awsRequestId: `local-${run.invocations.length}` }) };
        const selected = state['ResultSelector'] ? resolve(state['ResultSelector'], out) : out;
        data = withResult(data, state['ResultPath'], selected);
        break;
      }
      case 'Pass':
        data = withResult(data, state['ResultPath'], state['Parameters'] ? resolve(state['Parameters'], data) : data);
        break;
      case 'Choice': {
        const rule = (state['Choices'] as State[]).find((r) => choiceMatches(r, data));
        name = rule ? rule['Next'] : state['Default'];
        continue;
      }
      case 'Map': {
        const reader = resolve(state['ItemReader']['Parameters'], data) as { Bucket: string; Key: string };
        const out = await s3.send(new GetObjectCommand({ Bucket: reader.Bucket, Key: reader.Key }));
        const items = JSON.parse((await out.Body?.transformToString('utf8')) ?? 'null') as unknown[];
        expect(Array.isArray(items), `${name}: the ItemReader object is a JSON array`).toBe(true);
        let failed = 0;
        for (const [index, item] of items.entries()) {
          const childInput = resolve(state['ItemSelector'], data, { Map: { Item: { Value: item, Index: index } } });
          try {
            await runMachine(state['ItemProcessor'] as Machine, childInput, run);
          } catch {
            failed++;
          }
        }
        if (items.length > 0 && (failed * 100) / items.length > state['ToleratedFailurePercentage']) throw new Error('States.ExceedToleratedFailureThreshold');
        data = withResult(data, state['ResultPath'], null);
        break;
      }
      case 'Succeed':
        return data;
      case 'Fail':
        throw new Error(`${state['Error']}: ${state['Cause']}`);
      default:
        throw new Error(`state type not modelled: ${state['Type']}`);
    }
    if (state['End'] === true) return data;
    name = state['Next'];
  }
  return data;
}

// ---- the estate and the runs ----

async function text(key: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return (await out.Body?.transformToString('utf8')) ?? '';
}

async function keysUnder(prefix: string): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key ?? '').sort();
}

function useEnv(extra: Record<string, string>, endpoint = moto.endpoint): void {
  process.env = {
    ...savedEnv,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
    BUCKET,
    PREFIX: 'audits',
    REGIONS: 'us-east-1,eu-west-1',
    PROBE: 'false',
    ACCOUNTS: MEMBER,
    ROLE_NAME: ROLE,
    PAGE_SIZE: String(PAGE),
    // moto never throttles; paced, each page would get API_BUDGET / (pages at once) of ELB's 10/s and take minutes.
    API_BUDGET: 'none',
    ...extra,
  };
}

async function memberClients(): Promise<ClientFactory> {
  const sts = new STSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  const c = (await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MEMBER}:role/${ROLE}`, RoleSessionName: 'seed' }))).Credentials;
  return sdkClientFactory({ endpoint: moto.endpoint, credentials: { accessKeyId: c?.AccessKeyId ?? '', secretAccessKey: c?.SecretAccessKey ?? '', sessionToken: c?.SessionToken ?? '' } });
}

async function subnetsOf(clients: ClientFactory, region: string): Promise<string[]> {
  const ec2 = clients('ec2', region);
  const vpc = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs?.find((v) => v.IsDefault)?.VpcId ?? '';
  const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }] }))).Subnets ?? [];
  return subnets.map((s) => s.SubnetId ?? '').sort().slice(0, 2);
}

/** moto reports only the attributes that were set; AWS reports every one with its default. */
async function albAttributes(elbv2: ServiceClients['elbv2'], arn: string): Promise<void> {
  await elbv2.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: arn, Attributes: [
    { Key: 'access_logs.s3.enabled', Value: 'false' },
    { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
    { Key: 'routing.http.desync_mitigation_mode', Value: 'defensive' },
  ] }));
}

beforeAll(async () => {
  moto = await startMoto();
  const clients = await memberClients();
  // us-east-1: the seed estate (a Classic LB, an ALB, an NLB, an IAM and an ACM certificate, a CloudHSM cluster)
  // plus 12 ALBs serving the seed's ACM certificate and 6 Classic LBs serving its IAM one: 14 ELBv2 and 7 Classic
  // load balancers, three and two pages of 5, the shared certificates used from several pages.
  seed = await buildSeedEstate(clients, 'us-east-1');
  const subnets = await subnetsOf(clients, 'us-east-1');
  const elbv2 = clients('elbv2', 'us-east-1');
  for (let i = 0; i < 12; i++) {
    const lb = await elbv2.send(new CreateLoadBalancerCommand({ Name: `web-${String(i).padStart(2, '0')}`, Type: 'application', Subnets: subnets }));
    const arn = lb.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    await albAttributes(elbv2, arn);
    await elbv2.send(new CreateListenerCommand({
      LoadBalancerArn: arn, Protocol: 'HTTPS', Port: 443, SslPolicy: i % 2 === 0 ? 'ELBSecurityPolicy-2016-08' : 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      Certificates: [{ CertificateArn: seed.acmCertArn }],
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain', MessageBody: 'ok' } }],
    }));
  }
  const elb = clients('elb', 'us-east-1');
  for (let i = 0; i < 6; i++) {
    await elb.send(new CreateClassicCommand({
      LoadBalancerName: `old-${i}`, AvailabilityZones: ['us-east-1a'],
      Listeners: [{ Protocol: 'SSL', LoadBalancerPort: 443, InstanceProtocol: 'TCP', InstancePort: 80, SSLCertificateId: seed.iamCertArn }],
    }));
    await elb.send(new ModifyClassicAttributesCommand({ LoadBalancerName: `old-${i}`, LoadBalancerAttributes: {
      CrossZoneLoadBalancing: { Enabled: true }, ConnectionDraining: { Enabled: true, Timeout: 60 }, AccessLog: { Enabled: false },
      AdditionalAttributes: [{ Key: 'elb.http.desyncmitigationmode', Value: 'defensive' }],
    } }));
  }
  // eu-west-1: two ALBs, one page; no Classic load balancer (an empty first page).
  const euSubnets = await subnetsOf(clients, 'eu-west-1');
  for (const name of ['eu-a', 'eu-b']) {
    const lb = await clients('elbv2', 'eu-west-1').send(new CreateLoadBalancerCommand({ Name: name, Type: 'application', Subnets: euSubnets }));
    await albAttributes(clients('elbv2', 'eu-west-1'), lb.LoadBalancers?.[0]?.LoadBalancerArn ?? '');
  }

  s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
}, 120_000);

afterEach(() => {
  process.env = { ...savedEnv };
});

afterAll(async () => {
  await moto?.stop();
});

const machine = (): Machine => deployedDefinition(loadTemplate(), { FanOut: 'distributed' }) as Machine;

async function audited(prefix: string): Promise<{ snapshot: Snapshot; findings: AuditResult }> {
  return {
    snapshot: JSON.parse(await text(`${prefix}/snapshot.json`)) as Snapshot,
    findings: JSON.parse(await text(`${prefix}/findings.json`)) as AuditResult,
  };
}

/** The parts of a snapshot two collections of the same estate must agree on (capturedAt and attempts aside). */
function estateOf(s: Snapshot) {
  const { capturedAt, generator, attempts, observations, ...records } = s;
  return records;
}

const judged = (r: AuditResult) => r.findings.map((f) => `${f.ruleId} ${f.status} ${f.resource.arn}`).sort();

describe('the state machine run locally against moto (template payloads, real handler)', () => {
  let whole: { snapshot: Snapshot; findings: AuditResult };
  let paged: { snapshot: Snapshot; findings: AuditResult; runPrefix: string; invocations: Record<string, any>[]; output: { complete: boolean; verdict: string } };

  beforeAll(async () => {
    useEnv({ FAN_OUT_UNIT: 'account' });
    const accountRun: Run = { invocations: [] };
    // The last state's result is the machine's output: the merge's verdict, completeness and run prefix.
    const wholeOut = (await runMachine(machine(), {}, accountRun)) as { prefix: string };
    expect(accountRun.invocations.map((p) => p['mode'])).toEqual(['list-accounts', 'collect-account', 'merge']);
    whole = await audited(wholeOut.prefix);

    useEnv({});
    const pageRun: Run = { invocations: [] };
    const out = (await runMachine(machine(), {}, pageRun)) as { prefix: string; complete: boolean; verdict: string };
    paged = { ...(await audited(out.prefix)), runPrefix: out.prefix, invocations: pageRun.invocations, output: out };
  }, 300_000);

  it('plans every account × region, then one Map item per page of 5 and one region item per target', async () => {
    const modes = paged.invocations.map((p) => p['mode']);
    expect(modes.filter((m) => m === 'plan-region')).toHaveLength(2);
    const pages = paged.invocations.filter((p) => p['mode'] === 'collect-page').map((p) => `${p['item'].region} ${p['item'].id} ${p['item'].marker ?? '-'}`);
    // us-east-1: 7 Classic (2 pages), 14 ELBv2 (3 pages), its region item; eu-west-1: an empty Classic page, 1 ELBv2 page, its region item.
    expect(pages.sort()).toEqual([
      'eu-west-1 elb-0 -', 'eu-west-1 elbv2-0 -', 'eu-west-1 region -',
      'us-east-1 elb-0 -', 'us-east-1 elb-1 old-3', 'us-east-1 elbv2-0 -', 'us-east-1 elbv2-1 web-02', 'us-east-1 elbv2-2 web-07', 'us-east-1 region -',
    ]);
    expect(modes[0]).toBe('list-accounts');
    expect(modes.slice(-1)).toEqual(['merge-pages']);
    // The join interleaves targets, so the Map's first children come from different regions.
    const items = JSON.parse(await text(`${paged.runPrefix}/items.json`)) as { region: string }[];
    expect(items.slice(0, 2).map((i) => i.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
    // Each page holds at most 5 load balancers; region-wide data is read by the region item alone.
    for (const key of (await keysUnder(`${paged.runPrefix}/pages/`))) {
      const page = JSON.parse(await text(key)) as Snapshot;
      expect(page.loadBalancers.length, key).toBeLessThanOrEqual(PAGE);
      if (key.endsWith('/region.json')) {
        expect(page.loadBalancers, key).toEqual([]);
        expect(page.sslPolicies.length, key).toBeGreaterThan(0);
      } else {
        expect(page.sslPolicies, key).toEqual([]);
        expect(page.hsmClusters, key).toEqual([]);
      }
    }
  });

  it('the merged pages equal one whole-region collection: same load balancers, listeners, certificates, region-wide records once, attempts ok', () => {
    expect(paged.snapshot.loadBalancers).toHaveLength(23);
    expect(paged.snapshot.loadBalancers.map((lb) => lb.arn)).toEqual(whole.snapshot.loadBalancers.map((lb) => lb.arn));
    expect(estateOf(paged.snapshot)).toEqual(estateOf(whole.snapshot));
    // The shared ACM certificate was fetched by several pages: one record, used by all 13 ALBs with HTTPS.
    const acm = paged.snapshot.certificates.find((c) => c.arn === seed.acmCertArn)!;
    expect(acm.inUseBy).toEqual(whole.snapshot.certificates.find((c) => c.arn === seed.acmCertArn)!.inUseBy);
    expect(acm.inUseBy.filter((arn) => arn.includes(':loadbalancer/app/'))).toHaveLength(13);
    expect(acm.bodyPem).not.toBeNull();
    const iam = paged.snapshot.certificates.find((c) => c.arn === seed.iamCertArn)!;
    expect(iam.inUseBy).toEqual(whole.snapshot.certificates.find((c) => c.arn === seed.iamCertArn)!.inUseBy);
    expect(iam.inUseBy.filter((arn) => /loadbalancer\/old-\d$/.test(arn))).toHaveLength(6);
    const key = (r: { name: string; region: string }) => `${r.region} ${r.name}`;
    expect(new Set(paged.snapshot.sslPolicies.map(key)).size).toBe(paged.snapshot.sslPolicies.length);
    expect(paged.snapshot.hsmClusters).toHaveLength(whole.snapshot.hsmClusters.length);
    expect(paged.snapshot.attempts.filter((a) => a.status === 'error')).toEqual([]);
    expect(whole.snapshot.attempts.filter((a) => a.status === 'error')).toEqual([]);
    const family = (a: { service: string; account: string; region: string; operation: string }) => `${a.service}|${a.account}|${a.region}|${a.operation}`;
    expect(new Set(paged.snapshot.attempts.map(family)).size).toBe(paged.snapshot.attempts.length);
    expect(paged.snapshot.scope).toEqual(whole.snapshot.scope);
  });

  it('and are judged the same: the same findings, complete', () => {
    expect([...new Map(paged.findings.findings.filter((f) => f.status === 'error').map((f) => [`${f.ruleId} ${f.resource.arn}`, f.message])).entries()]).toEqual([]);
    expect(paged.output.complete).toBe(true);
    expect(paged.findings.complete).toBe(true);
    expect(whole.findings.complete).toBe(true);
    expect(judged(paged.findings)).toEqual(judged(whole.findings));
    expect(paged.findings.verdict.kind).toBe(whole.findings.verdict.kind);
  });

  it('a page whose child failed makes the run incomplete and is named; its load balancers are not judged as passing', async () => {
    useEnv({});
    const run: Run = { invocations: [], fail: (p) => p['mode'] === 'collect-page' && p['item'].region === 'us-east-1' && p['item'].id === 'elbv2-1' };
    const out = (await runMachine(machine(), {}, run)) as { prefix: string; complete: boolean };
    expect(out.complete).toBe(false);
    const { snapshot, findings } = await audited(out.prefix);
    expect(findings.complete).toBe(false);
    expect(findings.verdict.kind).toBe('incomplete');
    const gaps = findings.findings.filter((f) => f.ruleId === 'collection-incomplete');
    expect(gaps.map((f) => f.resource.arn)).toEqual([`aws/${MEMBER}/us-east-1/stepfunctions/CollectPage`]);
    expect(gaps[0]?.message).toMatch(/elbv2-1 \(from marker web-02\)/);
    expect(snapshot.loadBalancers).toHaveLength(23 - PAGE);
  }, 120_000);

  it('a target whose planning child failed is named as not read at all, and the run is incomplete', async () => {
    useEnv({});
    const run: Run = { invocations: [], fail: (p) => p['mode'] === 'plan-region' && p['target'].region === 'eu-west-1' };
    const out = (await runMachine(machine(), {}, run)) as { prefix: string; complete: boolean };
    expect(out.complete).toBe(false);
    expect(run.invocations.filter((p) => p['mode'] === 'collect-page').every((p) => p['item'].region === 'us-east-1')).toBe(true);
    const { snapshot, findings } = await audited(out.prefix);
    expect(findings.findings.filter((f) => f.ruleId === 'collection-incomplete').map((f) => f.resource.arn)).toEqual([`aws/${MEMBER}/eu-west-1/stepfunctions/PlanRegion`]);
    expect(snapshot.scope.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(snapshot.loadBalancers.filter((lb) => lb.region === 'eu-west-1')).toEqual([]);
  }, 120_000);

  it('a listing the plan could not walk is an error of that account, region and API, not an empty region', async () => {
    const deny = await startFaultProxy({ upstream: moto.endpoint, deny: (req) => req.service === 'elb' && req.region === 'eu-west-1' && req.operation === 'DescribeLoadBalancers' });
    try {
      useEnv({}, deny.endpoint);
      const run: Run = { invocations: [] };
      const out = (await runMachine(machine(), {}, run)) as { prefix: string; complete: boolean };
      expect(out.complete).toBe(false);
      const items = run.invocations.filter((p) => p['mode'] === 'collect-page').map((p) => `${p['item'].region} ${p['item'].id}`);
      expect(items).not.toContain('eu-west-1 elb-0');
      expect(items).toContain('eu-west-1 elbv2-0');
      const { snapshot, findings } = await audited(out.prefix);
      expect(findings.findings.filter((f) => f.ruleId === 'collection-incomplete').map((f) => f.resource.arn)).toEqual([`aws/${MEMBER}/eu-west-1/elb/DescribeLoadBalancers(plan)`]);
      expect(snapshot.loadBalancers.filter((lb) => lb.region === 'eu-west-1').map((lb) => lb.name)).toEqual(['eu-a', 'eu-b']);
    } finally {
      await deny.stop();
    }
  }, 120_000);
});
