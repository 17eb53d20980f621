/**
 * template.yaml read as data (CloudFormation short tags such as !Ref and !Sub become their long forms,
 * via PyYAML, which the moto install brings), the state machine definition rendered as CloudFormation
 * deploys it, and its payloads resolved the way Step Functions resolves `.$` paths, so tests drive the
 * handler with exactly what the template sends.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

const ROOT = resolve(import.meta.dirname, '..', '..');

const TO_JSON = `
import json, sys, yaml
class Loader(yaml.SafeLoader):
    pass
def tag(loader, suffix, node):
    name = 'Ref' if suffix == 'Ref' else 'Fn::' + suffix
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == 'GetAtt':
            value = value.split('.', 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}
Loader.add_multi_constructor('!', tag)
print(json.dumps(yaml.load(open(sys.argv[1]), Loader=Loader)))
`;

/** template.yaml as JSON. */
export function loadTemplate(path = resolve(ROOT, 'template.yaml')): Record<string, any> {
  return JSON.parse(execFileSync('python3', ['-c', TO_JSON, path], { encoding: 'utf8' })) as Record<string, any>;
}

function pathValue(root: unknown, path: string): unknown {
  let value = root;
  for (const part of path.split('.').filter(Boolean)) value = (value as Record<string, unknown> | undefined)?.[part];
  return value;
}

/** Resolves a Parameters/ItemSelector template: keys ending in `.$` take the value at a path of the input ($) or context ($$). */
export function resolvePayload(template: unknown, input: unknown, context: unknown = {}): unknown {
  if (Array.isArray(template)) return template.map((t) => resolvePayload(t, input, context));
  if (typeof template !== 'object' || template === null) return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string') {
      out[key.slice(0, -2)] = value.startsWith('$$.') ? pathValue(context, value.slice(3)) : pathValue(input, value.slice(2));
    } else out[key] = resolvePayload(value, input, context);
  }
  return out;
}

type States = Record<string, Record<string, any>>;

function findState(states: States, name: string): Record<string, any> | undefined {
  for (const [key, state] of Object.entries(states)) {
    if (key === name) return state;
    const nested = state['ItemProcessor']?.['States'] as States | undefined;
    const found = nested ? findState(nested, name) : undefined;
    if (found) return found;
  }
  return undefined;
}

/** What Fn::GetAtt gives in a deployed stack, for the attributes the definition uses. */
const DEPLOYED_ATTRIBUTES: Record<string, string> = { 'AuditFunction.Arn': 'arn:aws:lambda:us-east-1:123456789012:function:elb-tls-audit-AuditFunction-EXAMPLE' };

/** The template's parameters: each Default, overridden by `parameters`; every value a string, as CloudFormation's Ref gives. */
export function parameterValues(template: Record<string, any>, parameters: Record<string, string> = {}): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, p] of Object.entries(template['Parameters'] as Record<string, { Default?: unknown }>)) if (p.Default !== undefined) values[name] = String(p.Default);
  for (const [name, value] of Object.entries(parameters)) {
    if (!(name in values) && !(name in template['Parameters'])) throw new Error(`no parameter ${name}`);
    values[name] = value;
  }
  return values;
}

function scalar(value: unknown, params: Record<string, string>): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && 'Ref' in value) {
    const name = String((value as { Ref: unknown }).Ref);
    if (!(name in params)) throw new Error(`Ref to ${name}: not a parameter with a value`);
    return params[name] ?? '';
  }
  if (typeof value === 'object' && value !== null && 'Fn::GetAtt' in value) {
    const key = ((value as { 'Fn::GetAtt': string[] })['Fn::GetAtt']).join('.');
    const found = DEPLOYED_ATTRIBUTES[key];
    if (found === undefined) throw new Error(`Fn::GetAtt ${key}: not modelled`);
    return found;
  }
  throw new Error(`cannot evaluate ${JSON.stringify(value)}`);
}

/** Evaluates a template condition (Fn::Equals/Not/And/Or and Condition references) for the given parameters. */
export function conditionHolds(template: Record<string, any>, name: string, params: Record<string, string>): boolean {
  const evaluate = (c: any): boolean => {
    if (typeof c === 'object' && c !== null) {
      if ('Condition' in c) return conditionHolds(template, c['Condition'], params);
      if ('Fn::Equals' in c) return scalar(c['Fn::Equals'][0], params) === scalar(c['Fn::Equals'][1], params);
      if ('Fn::Not' in c) return !evaluate(c['Fn::Not'][0]);
      if ('Fn::And' in c) return (c['Fn::And'] as unknown[]).every(evaluate);
      if ('Fn::Or' in c) return (c['Fn::Or'] as unknown[]).some(evaluate);
    }
    throw new Error(`condition ${name}: cannot evaluate ${JSON.stringify(c)}`);
  };
  const condition = template['Conditions']?.[name];
  if (condition === undefined) throw new Error(`no condition ${name}`);
  return evaluate(condition);
}

/**
 * The state machine definition as CloudFormation deploys it for the given parameters (defaults otherwise):
 * null when the state machine's condition is false; else the DefinitionUri file's text with every
 * DefinitionSubstitutions placeholder replaced, then parsed (the AWS::StepFunctions::StateMachine handler
 * substitutes into the text before parsing, so an unquoted ${Number} becomes a number).
 */
export function deployedDefinition(template: Record<string, any>, parameters: Record<string, string> = {}, templatePath = resolve(ROOT, 'template.yaml')): Record<string, any> | null {
  const resource = template['Resources']['AuditStateMachine'] as { Condition?: string; Properties: Record<string, any> };
  const params = parameterValues(template, parameters);
  if (resource.Condition !== undefined && !conditionHolds(template, resource.Condition, params)) return null;
  const uri = resource.Properties['DefinitionUri'];
  if (typeof uri !== 'string') throw new Error('AuditStateMachine: DefinitionUri is not a local file');
  let text = readFileSync(resolve(dirname(templatePath), uri), 'utf8');
  for (const [key, value] of Object.entries(resource.Properties['DefinitionSubstitutions'] ?? {})) text = text.split(`\${${key}}`).join(scalar(value, params));
  const left = /\$\{(?!aws:)[^}]+\}/.exec(text);
  if (left) throw new Error(`${uri}: ${left[0]} has no substitution`);
  return parseYaml(text) as Record<string, any>;
}

/** The Distributed Map state machine of template.yaml, with helpers that compute what each step sends. */
export function stateMachineDefinition(template = loadTemplate()) {
  const definition = deployedDefinition(template, { FanOut: 'distributed' }) as { StartAt: string; States: States };
  const state = (name: string): Record<string, any> => {
    const found = findState(definition.States, name);
    if (!found) throw new Error(`no state ${name}`);
    return found;
  };
  const map = Object.values(definition.States).find((s) => s['Type'] === 'Map');
  return {
    definition,
    state,
    /** The Lambda event a Task state sends for a given state input. */
    payload: (name: string, input: unknown): any => resolvePayload(state(name)['Parameters']['Payload'], input),
    /** The input one map child gets for one item of the account list. */
    itemSelector: (input: unknown, item: unknown): any => resolvePayload(map?.['ItemSelector'], input, { Map: { Item: { Value: item, Index: 0 } } }),
  };
}
