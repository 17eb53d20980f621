/** Waivers: a rule, a resource pattern, a reason and an expiry. An expired waiver stops waiving and says so. */
import { AuditError } from '../model/errors.ts';
import type { Finding } from '../model/finding.ts';
import { readJsonFile } from '../io/json-file.ts';
import { validateAgainst } from '../io/schema.ts';

export interface Waiver {
  rule: string;
  resource: string;
  reason: string;
  expires: string;
}

const waiverFileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['waivers'],
  properties: {
    $schema: { type: 'string' },
    waivers: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['rule', 'resource', 'reason', 'expires'],
        properties: {
          rule: { type: 'string', minLength: 1 },
          resource: { type: 'string', minLength: 1 },
          reason: { type: 'string', minLength: 3 },
          expires: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
        },
      },
    },
  },
};

/** Reads and validates a waivers file: {"waivers":[{"rule","resource","reason","expires":"YYYY-MM-DD"}]}. */
export function loadWaivers(path: string): Waiver[] {
  const parsed = readJsonFile(path, 'waivers');
  const problems = validateAgainst(waiverFileSchema, parsed);
  if (problems.length > 0) throw new AuditError('BAD_INPUT', `invalid waivers: ${problems.join('; ')}`, path);
  const waivers = (parsed as { waivers: Waiver[] }).waivers;
  waivers.forEach((w, i) => {
    if (Number.isNaN(Date.parse(`${w.expires}T00:00:00Z`))) throw new AuditError('BAD_INPUT', `expires "${w.expires}" is not a date`, `${path}: /waivers/${i}/expires`);
  });
  return waivers;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** Marks failing and error findings waived when a live waiver matches rule and resource (its ARN, name, or its load balancer's ARN); asOf decides expiry. */
export function applyWaivers(findings: Finding[], waivers: readonly Waiver[], asOf: string): Finding[] {
  if (waivers.length === 0) return findings;
  const compiled = waivers.map((w) => ({ w, rule: globToRegExp(w.rule), resource: globToRegExp(w.resource) }));
  const now = Date.parse(asOf);
  return findings.map((finding) => {
    if (finding.status !== 'fail' && finding.status !== 'error') return finding;
    const { arn, name, loadBalancerArn } = finding.resource;
    const match = compiled.find((c) => c.rule.test(finding.ruleId) && (c.resource.test(arn) || c.resource.test(name) || (loadBalancerArn !== null && c.resource.test(loadBalancerArn))));
    if (!match) return finding;
    // A waiver is good through the end of its expiry day (UTC).
    const expired = Date.parse(`${match.w.expires}T23:59:59.999Z`) < now;
    const waiver = { reason: match.w.reason, expires: match.w.expires, expired, pattern: match.w.resource };
    if (expired) return { ...finding, waiver, message: `${finding.message} (waiver expired on ${match.w.expires})` };
    return { ...finding, status: 'waived', waiver };
  });
}
