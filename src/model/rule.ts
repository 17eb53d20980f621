/** A rule as stored in rules/<id>.json (validated by rules/rule.schema.json). */
import type { SubjectKind } from './facts.ts';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export type Category =
  | 'cleartext-listener' | 'weak-protocol' | 'weak-cipher' | 'outdated-policy' | 'backend-unencrypted'
  | 'backend-auth-missing' | 'cert-expired' | 'cert-expiring' | 'chain-misordered' | 'chain-incomplete'
  | 'chain-extraneous' | 'chain-untrusted' | 'weak-key' | 'weak-signature' | 'hostname-mismatch'
  | 'cert-source' | 'single-az' | 'hsm-placement' | 'drift' | 'mtls' | 'hardening'
  | 'collection-incomplete' | 'probe-failed';

/** A json-rules-engine condition tree; `{ "$param": "name" }` values are replaced from params at load. */
export type ConditionTree = Record<string, unknown>;

export interface RuleExample {
  name: string;
  /** Merge patch over the subject's base facts (rules/examples/<subject>.json); null is a value. */
  patch: Record<string, unknown>;
  /** fail examples: which message the failure must pick. */
  messageId?: string;
  params?: Record<string, unknown>;
}

/** How to fix a finding: prose and one snippet per channel. */
export interface Remediation { text: string; cli?: string; cloudformation?: string; terraform?: string }

/** Remediation for one kind of resource; the first whose `when` holds replaces the rule's own (src/evaluate/remediation.ts). */
export interface RemediationVariant extends Remediation {
  when: {
    certificateSource?: 'acm' | 'iam';
    acmType?: ('AMAZON_ISSUED' | 'IMPORTED' | 'PRIVATE')[];
    loadBalancerType?: ('classic' | 'application' | 'network' | 'gateway')[];
  };
}

export interface RuleDefinition {
  id: string;
  subject: SubjectKind;
  category: Category;
  severity: Severity;
  title: string;
  description: string;
  risk: string;
  remediation: Remediation & { variants?: RemediationVariant[] };
  references: string[];
  controls: Record<string, string[]>;
  /** Default params; profiles override them within paramsSchema. */
  params: Record<string, unknown>;
  /** JSON Schema of each param (name -> schema with a description); profiles are validated against it. */
  paramsSchema: Record<string, ParamSchema>;
  appliesTo: ConditionTree;
  conditions: ConditionTree;
  /** messageId -> template; {{path}} reads facts, {{params.x}} reads params. The first is the default. */
  messages: Record<string, string>;
  /** What a pass verified, e.g. "TLS 1.2+ only through {{policy.name}}" (never the failing title). */
  passMessage: string;
  /** unknown: facts with an unobserved (null) value the verdict depends on; they must give status error. */
  examples: { pass: RuleExample[]; fail: RuleExample[]; notApplicable?: RuleExample[]; unknown?: RuleExample[] };
}

/** A JSON Schema for one param; description is required so docs/rules.md can explain it. */
export type ParamSchema = Record<string, unknown> & { description: string };

/** A profile: which rules run, with which params and severities. */
export interface Profile {
  name: string;
  title: string;
  description: string;
  /** rule id globs (src/evaluate/glob.ts); exclude wins. */
  include: string[];
  exclude: string[];
  params: Record<string, Record<string, unknown>>;
  /** shared params given to every rule that declares them. */
  defaults: Record<string, unknown>;
  severity: Record<string, Severity>;
  /** Where it was read from (set by the loader, not part of the file): errors name it. */
  source?: string;
  /** The profile it extends (its name), after the merge. */
  extends?: string;
}
