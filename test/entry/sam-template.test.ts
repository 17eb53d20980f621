/**
 * template.yaml as it deploys: the Step Functions definition rendered the way CloudFormation renders it
 * (DefinitionUri text, DefinitionSubstitutions from the parameters' defaults) and checked against the
 * States Language with asl-validator, for both fan-out modes; and the parts a scheduled run relies on:
 * log retention, where a failed run goes, the alarm, the external id's source and the scoped permissions.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { conditionHolds, deployedDefinition, loadTemplate, parameterValues } from './lambda-template.ts';
import { estimate, pageSizeFor, SIZING, sizingTable } from '../../src/accounts/sizing.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
type AslValidator = (definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

const template = loadTemplate();
const resources = template['Resources'] as Record<string, { Type: string; Condition?: string; Properties: Record<string, any> }>;

/** asl-validator mutates its input (adds QueryLanguage), so it gets a copy. */
const validate = (definition: unknown) => aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });

function mapStates(definition: Record<string, any>): Record<string, any>[] {
  return Object.values(definition['States'] as Record<string, Record<string, any>>).filter((s) => s['Type'] === 'Map');
}

describe('the Step Functions definition as deployed', () => {
  it('FanOut=distributed (defaults otherwise): valid States Language, every MaxConcurrency the integer MapMaxConcurrency', () => {
    const definition = deployedDefinition(template, { FanOut: 'distributed' });
    expect(definition).not.toBeNull();
    const result = validate(definition);
    expect(result.isValid, result.errorsText('\n')).toBe(true);
    const maps = mapStates(definition!);
    expect(maps.map((m) => m['Label'])).toEqual(['CollectAccounts', 'PlanRegions', 'CollectPages']);
    const fallback = Number(parameterValues(template)['MapMaxConcurrency']);
    expect(fallback).toBe(20);
    for (const map of maps) {
      expect(map['MaxConcurrency']).toBe(fallback);
      expect(Number.isInteger(map['MaxConcurrency'])).toBe(true);
      // The merge decides completeness: no failed child may fail the run before the merge names it.
      expect(map['ToleratedFailurePercentage']).toBe(100);
      expect(map['ItemProcessor']['ProcessorConfig']).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    }
    // Every Lambda task invokes this stack's function: list, account collect/resume, merge, plan, join, page collect/resume, merge.
    const text = JSON.stringify(definition);
    expect(text).not.toContain('${');
    expect(text.match(/function:elb-tls-audit-AuditFunction-EXAMPLE/g)).toHaveLength(9);
  });

  it('the fan-out unit is chosen from what list-accounts returns: page (default) or account', () => {
    const definition = deployedDefinition(template, { FanOut: 'distributed' })!;
    const states = definition['States'] as Record<string, Record<string, any>>;
    expect(definition['StartAt']).toBe('ListAccounts');
    expect(states['ListAccounts']!['Next']).toBe('ChooseFanOut');
    expect(states['ChooseFanOut']).toEqual({ Type: 'Choice', Choices: [{ Variable: '$.list.fanOut', StringEquals: 'account', Next: 'CollectAccounts' }], Default: 'PlanRegions' });
    expect(['PlanRegions', 'JoinPlans', 'CollectPages', 'MergePages'].map((n) => states[n]!['Next'] ?? 'End')).toEqual(['JoinPlans', 'CollectPages', 'MergePages', 'End']);
    expect(states['CollectAccounts']!['Next']).toBe('MergeAndReport');
    // The function learns the unit, the page size and the Map's concurrency from its environment.
    const env = resources['AuditFunction']!.Properties['Environment']['Variables'] as Record<string, unknown>;
    expect(env).toMatchObject({ FAN_OUT_UNIT: { Ref: 'FanOutUnit' }, PAGE_SIZE: { Ref: 'PageSize' }, MAP_MAX_CONCURRENCY: { Ref: 'MapMaxConcurrency' } });
    expect(parameterValues(template)).toMatchObject({ FanOutUnit: 'page', PageSize: '0', MaxResumes: '20' });
  });

  it.each([
    ['CollectAccounts', 'CollectAccount', 'AccountResumes', 'CountAccountResume', 'ResumeAccount', 'AccountResumedTooOften', 'AccountDone', 'account'],
    ['CollectPages', 'CollectPage', 'PageResumes', 'CountPageResume', 'ResumePage', 'PageResumedTooOften', 'PageDone', 'item'],
  ])('%s: a collection that returns resume: true is invoked again with its checkpointKey, a bounded number of times', (mapName, first, choice, count, resume, tooOften, done, subject) => {
    const definition = deployedDefinition(template, { FanOut: 'distributed', MaxResumes: '3' })!;
    const map = (definition['States'] as Record<string, Record<string, any>>)[mapName]!;
    const states = map['ItemProcessor']['States'] as Record<string, Record<string, any>>;
    expect(map['ItemSelector']['resumes']).toBe(0);
    expect(states[first]!['ResultSelector']).toEqual({ 'payload.$': '$.Payload' });
    expect(states[first]!['Next']).toBe(choice);
    const rules = states[choice]!['Choices'] as Record<string, any>[];
    // A missing field is tested first, so BooleanEquals never reads an absent path (treated as false).
    expect(rules[0]).toEqual({ Variable: '$.result.payload.resume', IsPresent: false, Next: done });
    expect(rules[1]).toEqual({ And: [{ Variable: '$.result.payload.resume', BooleanEquals: true }, { Variable: '$.resumes', NumericGreaterThanEquals: 3 }], Next: tooOften });
    expect(rules[2]).toEqual({ Variable: '$.result.payload.resume', BooleanEquals: true, Next: count });
    expect(states[choice]!['Default']).toBe(done);
    expect(states[count]!['Parameters']).toMatchObject({ 'checkpointKey.$': '$.result.payload.checkpointKey', 'resumes.$': 'States.MathAdd($.resumes, 1)', [`${subject}.$`]: `$.${subject}` });
    expect(states[count]!['Next']).toBe(resume);
    // The resumed call is the first call's payload plus checkpointKey, and loops back to the same choice.
    expect(states[resume]!['Parameters']['Payload']).toEqual({ ...states[first]!['Parameters']['Payload'], 'checkpointKey.$': '$.checkpointKey' });
    expect(states[resume]!['Next']).toBe(choice);
    expect(states[tooOften]!['Type']).toBe('Fail');
    expect(states[done]!['Type']).toBe('Succeed');
  });

  it('a MapMaxConcurrency given at deploy time stays an integer; the string an inline definition made is rejected', () => {
    const definition = deployedDefinition(template, { FanOut: 'distributed', MapMaxConcurrency: '7' })!;
    expect(mapStates(definition).map((m) => m['MaxConcurrency'])).toEqual([7, 7, 7]);
    expect(validate(definition).isValid).toBe(true);
    // What the inline Definition with DefinitionSubstitutions deployed before: "20", not 20.
    const asString = structuredClone(definition);
    mapStates(asString)[0]!['MaxConcurrency'] = '20';
    const refused = validate(asString);
    expect(refused.isValid).toBe(false);
    expect(refused.errorsText()).toMatch(/MaxConcurrency/);
  });

  it('FanOut=single deploys no state machine and keeps the function schedule enabled', () => {
    expect(deployedDefinition(template, {})).toBeNull();
    expect(deployedDefinition(template, { FanOut: 'single' })).toBeNull();
    const params = parameterValues(template, { FanOut: 'single' });
    expect(conditionHolds(template, 'Distributed', params)).toBe(false);
    expect(resources['AuditFunction']?.Properties['Events']['Scheduled']['Properties']['State']).toEqual({ 'Fn::If': ['Distributed', 'DISABLED', 'ENABLED'] });
    for (const name of ['AuditStateMachine', 'AuditStateMachineLogs', 'FailedExecutionRule', 'FailedRunsQueuePolicy']) expect(resources[name]?.Condition, name).toBe('Distributed');
  });
  // cfn-lint (with the SAM transform) runs in test/entry/iam-policy.test.ts.
});

describe('the paged fan-out is sized from one formula', () => {
  it('docs/lambda.md\'s sizing table is the formula\'s output, and the formula uses the template\'s defaults', () => {
    const doc = readFileSync(resolve(ROOT, 'docs/lambda.md'), 'utf8');
    const table = /<!-- sizing-table:start -->\n([\s\S]*?)\n<!-- sizing-table:end -->/.exec(doc)?.[1];
    expect(table).toBe(sizingTable());
    const fn = resources['AuditFunction']!.Properties;
    expect(SIZING.memoryGb).toBe(fn['MemorySize'] / 1024);
    expect(SIZING.runBudgetSeconds).toBeLessThan(fn['Timeout']);
    expect(SIZING.mapMaxConcurrency).toBe(Number(parameterValues(template)['MapMaxConcurrency']));
  });

  it('a page fits its run when the pages of one region share its ELB budget', () => {
    // 7.3 ELB calls per load balancer at 0.5 x 0.95 of 10/s: 1.54 s each, 390 in 600 s; 19 when 20 pages share it.
    expect(pageSizeFor(1)).toBe(390);
    expect(pageSizeFor(20)).toBe(19);
    for (const k of [1, 2, 5, 20, 100, 1000]) {
      const size = pageSizeFor(k);
      expect(size * SIZING.elbSecondsPerLoadBalancer * k <= SIZING.runBudgetSeconds || size === 1).toBe(true);
    }
    // One region's collection is never faster than its budget, however wide the fan-out.
    expect(estimate(1, 1, 10_000).wallSeconds).toBeGreaterThanOrEqual(10_000 * SIZING.elbSecondsPerLoadBalancer);
    expect(estimate(500, 4, 2000).mergeFits).toBe(false);
  });
});

describe('a scheduled run that fails is seen', () => {
  const queueArn = { 'Fn::GetAtt': ['FailedRunsQueue', 'Arn'] };

  it('the function logs to its own group with retention, as does the state machine', () => {
    const fn = resources['AuditFunction']!.Properties;
    expect(fn['LoggingConfig']).toEqual({ LogFormat: 'JSON', LogGroup: { Ref: 'AuditFunctionLogs' } });
    expect(resources['AuditFunctionLogs']).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: { Ref: 'LogRetentionDays' } } });
    expect(resources['AuditStateMachineLogs']?.Properties).toEqual({ RetentionInDays: { Ref: 'LogRetentionDays' } });
    expect(parameterValues(template)['LogRetentionDays']).toBe('90');
  });

  it('failed invocations, undelivered schedules and failed executions go to one queue, which an alarm watches', () => {
    const fn = resources['AuditFunction']!.Properties;
    expect(fn['EventInvokeConfig']).toEqual({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 3600, DestinationConfig: { OnFailure: { Type: 'SQS', Destination: queueArn } } });
    expect(fn['Events']['Scheduled']['Properties']['DeadLetterConfig']).toEqual({ Arn: queueArn });
    expect(resources['AuditStateMachine']!.Properties['Events']['Scheduled']['Properties']['DeadLetterConfig']).toEqual({ Arn: queueArn });
    const rule = resources['FailedExecutionRule']!.Properties;
    expect(rule['EventPattern']).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [{ Ref: 'AuditStateMachine' }] },
    });
    expect(rule['Targets']).toEqual([{ Id: 'failed-runs', Arn: queueArn }]);
    // Only that rule may send to the queue through the queue policy (the other senders are granted by their roles).
    const [allow] = resources['FailedRunsQueuePolicy']!.Properties['PolicyDocument']['Statement'] as Record<string, any>[];
    expect(allow).toMatchObject({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['FailedExecutionRule', 'Arn'] } } } });
    const alarm = resources['FailedRunsAlarm']!.Properties;
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['FailedRunsQueue', 'QueueName'] } }],
    });
    expect(resources['FailedRunsAlarm']?.Condition).toBeUndefined();
  });
});

describe('secrets and least privilege', () => {
  it('no NoEcho parameter reaches the environment; the external id comes from a secret the function reads', () => {
    const parameters = template['Parameters'] as Record<string, { NoEcho?: boolean }>;
    const env = resources['AuditFunction']!.Properties['Environment']['Variables'] as Record<string, unknown>;
    const secretParams = Object.entries(parameters).filter(([, p]) => p.NoEcho).map(([n]) => n);
    for (const value of Object.values(env)) expect(secretParams).not.toContain((value as { Ref?: string }).Ref);
    expect(env['EXTERNAL_ID_SECRET_ID']).toEqual({ Ref: 'ExternalIdSecretArn' });
    expect(env).not.toHaveProperty('EXTERNAL_ID');
    expect(readFileSync(resolve(ROOT, 'src/entry/lambda.ts'), 'utf8')).toContain('externalIdFromSecret');
  });

  it('the state machine starts, watches and stops only its own executions', () => {
    const machine = resources['AuditStateMachine']!.Properties;
    expect(machine['Name']).toEqual({ 'Fn::Sub': '${AWS::StackName}-audit' });
    const statements = (machine['Policies'] as Record<string, any>[]).flatMap((p) => (p['Statement'] ?? []) as Record<string, any>[]);
    const states = statements.filter((s) => JSON.stringify(s['Action']).includes('states:'));
    expect(states.map((s) => s['Sid'])).toEqual(['StartMapChildren', 'WatchMapChildren']);
    const arn = 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}';
    expect(states[0]).toMatchObject({ Action: 'states:StartExecution', Resource: { 'Fn::Sub': `${arn}:stateMachine:\${AWS::StackName}-audit` } });
    expect(states[1]).toMatchObject({
      Action: ['states:DescribeExecution', 'states:StopExecution'],
      Resource: [{ 'Fn::Sub': `${arn}:execution:\${AWS::StackName}-audit:*` }, { 'Fn::Sub': `${arn}:execution:\${AWS::StackName}-audit/*` }],
    });
  });

  it('the member-role template in docs/lambda.md trusts the function role named in the stack outputs, not an account root', () => {
    expect(template['Outputs']['AuditFunctionRoleArn']['Value']).toEqual({ 'Fn::GetAtt': ['AuditFunctionRole', 'Arn'] });
    const doc = readFileSync(resolve(ROOT, 'docs/lambda.md'), 'utf8');
    const at = doc.indexOf('## Member-account role');
    const block = /```yaml\n([\s\S]*?)```/.exec(doc.slice(at))?.[1] ?? '';
    const tagged = block.replace(/!(Sub|Ref) /g, '');
    const member = parseYaml(tagged) as Record<string, any>;
    expect(member['Parameters']['AuditorRoleArn']).toBeDefined();
    const trust = member['Resources']['ElbTlsAuditRole']['Properties']['AssumeRolePolicyDocument']['Statement'][0];
    expect(trust['Principal']).toEqual({ AWS: 'AuditorRoleArn' });
    expect(JSON.stringify(member)).not.toMatch(/:root/);
    expect(trust['Condition']).toEqual({ StringEquals: { 'sts:ExternalId': 'ExternalId' } });
  });
});
