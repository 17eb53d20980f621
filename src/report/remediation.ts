/** Each finding's rule with the remediation that fits its resource (src/evaluate/remediation.ts), for every reporter. */
import { remediationFor } from '../evaluate/remediation.ts';
import type { FactsBySubject } from '../model/facts.ts';
import type { Finding } from '../model/finding.ts';
import type { RuleDefinition } from '../model/rule.ts';

/** Returns the finding's rule, its remediation replaced by the variant that fits the resource's facts. */
export function fittedRules(rules: readonly RuleDefinition[], facts: FactsBySubject | null): (finding: Finding) => RuleDefinition | undefined {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const factsByArn = new Map<string, Record<string, unknown>>();
  if (facts) for (const list of Object.values(facts)) for (const x of list as { arn: string }[]) factsByArn.set(x.arn, x as unknown as Record<string, unknown>);
  return (finding) => {
    const rule = byId.get(finding.ruleId);
    if (!rule) return undefined;
    const fix = remediationFor(rule, factsByArn.get(finding.resource.arn) ?? null);
    return fix === rule.remediation ? rule : { ...rule, remediation: { ...fix } };
  };
}
