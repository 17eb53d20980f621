/**
 * Findings that come from the audit itself rather than from a facts object: parts of the estate that could
 * not be read, and an estate with nothing to judge. They carry full rule metadata so every report shows them.
 */
import type { Attempt } from '../model/snapshot.ts';
import type { Finding } from '../model/finding.ts';
import type { RuleDefinition } from '../model/rule.ts';

const trivial = { all: [] };

export const collectionIncompleteRule: RuleDefinition = {
  id: 'collection-incomplete',
  subject: 'loadBalancer',
  category: 'collection-incomplete',
  severity: 'high',
  title: 'Part of the estate could not be read',
  description: 'An AWS API call family failed (access denied, throttled past every retry, or unreachable), so the resources it covers were not judged.',
  risk: 'A gate that cannot see a resource cannot vouch for it: treating the gap as a pass would hide exactly the load balancers nobody is watching.',
  remediation: {
    text: 'Grant the auditor role the read-only actions listed in the README (least-privilege policy), or rerun when the API is no longer throttling. Use --allow-partial only when the gap is understood.',
  },
  references: ['https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-permissions.html'],
  controls: {},
  params: {},
  paramsSchema: {},
  appliesTo: trivial,
  conditions: trivial,
  messages: { default: 'Could not read {{operation}} ({{service}}, {{region}}): {{reason}}' },
  passMessage: 'Every API call family covering this resource was read',
  examples: { pass: [], fail: [] },
};

export const estateEmptyRule: RuleDefinition = {
  id: 'estate-empty',
  subject: 'loadBalancer',
  category: 'collection-incomplete',
  severity: 'info',
  title: 'No load balancers in scope',
  description: 'The audited accounts and regions hold no load balancers, so no TLS rule applied. This is reported as not applicable, never as a pass.',
  risk: 'An empty result can also mean the wrong account, region or credentials were used.',
  remediation: { text: 'Check --regions and the credentials in use if load balancers were expected.' },
  references: [],
  controls: {},
  params: {},
  paramsSchema: {},
  appliesTo: trivial,
  conditions: trivial,
  messages: { default: 'No load balancers were found in {{scope}}.' },
  passMessage: 'The scope holds load balancers to judge',
  examples: { pass: [], fail: [] },
};

/** The categories of findings that record a gap itself (could not collect, could not probe), not a judged check. */
export const GAP_CATEGORIES: ReadonlySet<string> = new Set(['collection-incomplete', 'probe-failed']);

export const systemRules: readonly RuleDefinition[] = [collectionIncompleteRule, estateEmptyRule];

type Draft = Omit<Finding, 'fingerprint'>;

/** A readable name for an ARN a failed attempt covers: the load balancer's name, else the last segment. */
function coveredResource(arn: string): { name: string; loadBalancerArn: string | null } {
  // Classic: …:loadbalancer/NAME; ELBv2: …:loadbalancer/app|net|gwy/NAME/ID. Group 0 is the load balancer's own ARN.
  const lb = /^.*:loadbalancer\/(?:(?:app|net|gwy)\/([^/]+)\/[^/]+|([^/]+))/.exec(arn);
  if (lb) return { name: (lb[1] ?? lb[2])!, loadBalancerArn: lb[0] };
  return { name: arn.split(/[:/]/).pop() ?? arn, loadBalancerArn: null };
}

/** One error finding per resource a failed collection attempt would have covered (or one per attempt when unknown). */
export function collectionFindings(attempts: readonly Attempt[]): Draft[] {
  const rule = collectionIncompleteRule;
  return attempts
    .filter((a) => a.status === 'error' && a.service !== 'probe')
    .flatMap((a) => {
      const message = `Could not read ${a.operation} (${a.service}, ${a.region}): ${a.reason ?? 'unknown error'}`;
      const targets = a.covers.length > 0 ? a.covers : [`aws/${a.account}/${a.region}/${a.service}/${a.operation}`];
      return targets.map((arn) => ({
        ruleId: rule.id,
        category: rule.category,
        severity: rule.severity,
        status: 'error' as const,
        resource: { arn, kind: 'loadBalancer' as const, ...coveredResource(arn), region: a.region, account: a.account, loadBalancerType: null },
        message,
        messageId: 'default',
        evidence: [{ fact: 'attempt', path: null, operator: 'status', expected: 'ok', actual: { service: a.service, operation: a.operation, reason: a.reason }, result: false }],
        controls: rule.controls,
        waiver: null,
      }));
    });
}

/** A not_applicable finding when there is nothing to judge, so an empty account never reads as a pass. */
export function emptyEstateFindings(scope: { accounts: string[]; regions: string[] }, loadBalancerCount: number): Draft[] {
  if (loadBalancerCount > 0) return [];
  const where = `accounts ${scope.accounts.join(', ') || 'unknown'}, regions ${scope.regions.join(', ') || 'unknown'}`;
  return [{
    ruleId: estateEmptyRule.id,
    category: estateEmptyRule.category,
    severity: estateEmptyRule.severity,
    status: 'not_applicable',
    resource: { arn: `aws/${scope.accounts.join('+') || 'unknown'}/${scope.regions.join('+') || 'unknown'}`, kind: 'loadBalancer', name: 'estate', region: scope.regions.join(',') || 'unknown', account: scope.accounts.join(',') || 'unknown', loadBalancerArn: null, loadBalancerType: null },
    message: `No load balancers were found in ${where}.`,
    messageId: 'default',
    evidence: [],
    controls: {},
    waiver: null,
  }];
}
