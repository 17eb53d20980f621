/**
 * Remediation that fits the resource: a rule's `remediation.variants` (rules/rule.schema.json) say how to
 * fix it for one kind of resource (an IAM instead of an ACM certificate, a Classic instead of an ELBv2
 * listener). The first variant whose `when` matches the subject's facts wins; otherwise the rule's own
 * remediation applies. Shared by the loader (is each key meaningful for the subject?), the rule tester
 * (does some fail example choose each variant?) and every report.
 */
import type { SubjectKind } from '../model/facts.ts';
import type { Remediation, RemediationVariant, RuleDefinition } from '../model/rule.ts';

type VariantKey = keyof RemediationVariant['when'];

/** Which subject kinds each `when` key can be decided for. */
const KEY_SUBJECTS: Record<VariantKey, readonly SubjectKind[]> = {
  certificateSource: ['certificate'],
  acmType: ['certificate'],
  loadBalancerType: ['certificate', 'listener', 'loadBalancer', 'endpoint'],
};

/** The load-balancer types a subject belongs to: its own, or for a certificate every type that serves it. */
function loadBalancerTypes(facts: Record<string, unknown>): string[] {
  if (facts['subject'] === 'certificate') return Array.isArray(facts['loadBalancerTypes']) ? facts['loadBalancerTypes'].map(String) : [];
  const own = facts['loadBalancerType'];
  return typeof own === 'string' ? [own] : [];
}

/** True when every condition of the variant holds for these facts (a certificate's LB types must all be listed). */
export function variantMatches(variant: RemediationVariant, facts: Record<string, unknown>): boolean {
  const w = variant.when;
  if (w.certificateSource !== undefined && facts['source'] !== w.certificateSource) return false;
  if (w.acmType !== undefined && !(w.acmType as readonly string[]).includes(String(facts['acmType']))) return false;
  if (w.loadBalancerType !== undefined) {
    const types = loadBalancerTypes(facts);
    if (types.length === 0 || !types.every((t) => (w.loadBalancerType as readonly string[]).includes(t))) return false;
  }
  return true;
}

/** The index of the variant that fits these facts, or -1 for the rule's own remediation. */
export function remediationVariantIndex(rule: Pick<RuleDefinition, 'remediation'>, facts: Record<string, unknown> | null): number {
  if (!facts) return -1;
  return (rule.remediation.variants ?? []).findIndex((v) => variantMatches(v, facts));
}

/** The remediation that fits these facts (the rule's own when no variant does or the facts are unknown). */
export function remediationFor(rule: Pick<RuleDefinition, 'remediation'>, facts: Record<string, unknown> | null): Remediation {
  const i = remediationVariantIndex(rule, facts);
  return i < 0 ? rule.remediation : rule.remediation.variants![i]!;
}

/** Loader check: each `when` key must be one the rule's subject can be told apart by. */
export function variantProblems(rule: RuleDefinition): string[] {
  const problems: string[] = [];
  (rule.remediation.variants ?? []).forEach((v, i) => {
    for (const key of Object.keys(v.when) as VariantKey[]) {
      if (!KEY_SUBJECTS[key].includes(rule.subject)) problems.push(`/remediation/variants/${i}/when/${key} cannot be decided for a ${rule.subject} rule`);
    }
  });
  return problems;
}

/** How a variant's condition reads in docs and help text, e.g. "IAM certificate on Classic". */
export function describeWhen(when: RemediationVariant['when']): string {
  const parts: string[] = [];
  if (when.certificateSource) parts.push(`${when.certificateSource.toUpperCase()} certificate`);
  if (when.acmType) parts.push(`ACM type ${when.acmType.join(' or ')}`);
  if (when.loadBalancerType) parts.push(`on ${when.loadBalancerType.map((t) => (t === 'classic' ? 'Classic' : t === 'application' ? 'ALB' : t === 'network' ? 'NLB' : 'GWLB')).join(' / ')}`);
  return parts.join(', ');
}
