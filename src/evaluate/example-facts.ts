/**
 * Rule examples state only what matters to them: a patch over one base facts object per subject
 * (rules/examples/<subject>.json). Adding a fact means editing the base and the schema, not every example.
 */
import certificate from '../../rules/examples/certificate.json' with { type: 'json' };
import endpoint from '../../rules/examples/endpoint.json' with { type: 'json' };
import hsmCluster from '../../rules/examples/hsmCluster.json' with { type: 'json' };
import listener from '../../rules/examples/listener.json' with { type: 'json' };
import loadBalancer from '../../rules/examples/loadBalancer.json' with { type: 'json' };
import type { SubjectKind } from '../model/facts.ts';
import type { RuleExample } from '../model/rule.ts';

const BASES: Record<SubjectKind, { facts: object }> = { listener, loadBalancer, certificate, hsmCluster, endpoint };

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * JSON Merge Patch (RFC 7396) with one change: null is a value, not a deletion, because facts are never
 * absent (an unknown value is null). Objects merge key by key; arrays, scalars and null replace.
 */
export function mergePatch(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch) || !isPlainObject(base)) return structuredClone(patch);
  const out: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(patch)) out[key] = key in base ? mergePatch(base[key], value) : structuredClone(value);
  return out;
}

/** The base facts object of a subject kind (a fresh copy). */
export function baseFacts(subject: SubjectKind): Record<string, unknown> {
  return structuredClone(BASES[subject].facts) as Record<string, unknown>;
}

/** The full facts an example describes: the subject's base with the example's patch applied. */
export function exampleFacts(subject: SubjectKind, example: RuleExample): Record<string, unknown> {
  return mergePatch(baseFacts(subject), example.patch) as Record<string, unknown>;
}
