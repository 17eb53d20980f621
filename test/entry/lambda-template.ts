/**
 * template.yaml read as data (CloudFormation short tags such as !Ref and !Sub become their long forms,
 * via PyYAML, which the moto install brings), and the state machine's payloads resolved the way Step
 * Functions resolves `.$` paths, so tests drive the handler with exactly what the template sends.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

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

/** The Distributed Map state machine of template.yaml, with helpers that compute what each step sends. */
export function stateMachineDefinition(template = loadTemplate()) {
  const definition = template['Resources']['AuditStateMachine']['Properties']['Definition'] as { StartAt: string; States: States };
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
