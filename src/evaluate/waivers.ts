/** Waivers: a rule, a resource pattern, a reason and an expiry. An expired waiver stops waiving and says so. */
import { AuditError } from '../model/errors.ts';
import type { Finding } from '../model/finding.ts';
import { readJsonFile } from '../io/json-file.ts';
import { validateAgainst } from '../io/schema.ts';
import { globMatcher } from './glob.ts';
import { parseIsoDate } from './iso-date.ts';

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

/** Reads and validates a waivers file: {"waivers":[{"rule","resource","reason","expires":"YYYY-MM-DD"}]}; rule and resource are globs (glob.ts). */
export function loadWaivers(path: string): Waiver[] {
  return parseWaivers(readJsonFile(path, 'waivers'), path);
}

/** Validates parsed waivers ({"waivers": [...]}, from a file or the config file); errors name source and JSON path. */
export function parseWaivers(parsed: unknown, source: string, prefix = ''): Waiver[] {
  const problems = validateAgainst(waiverFileSchema, parsed, prefix);
  if (problems.length > 0) throw new AuditError('BAD_INPUT', `invalid waivers: ${problems.join('; ')}`, source);
  const waivers = (parsed as { waivers: Waiver[] }).waivers;
  waivers.forEach((w, i) => parseIsoDate(w.expires, `${source}: ${prefix}/waivers/${i}/expires`));
  return waivers;
}

/** Waivers that cannot waive anything: their rule pattern names no rule that ran, or their resource pattern no judged resource. */
export function waiverWarnings(waivers: readonly Waiver[], ruleIds: readonly string[], findings: readonly Finding[]): string[] {
  return waivers.flatMap((w, i) => {
    const waiver = compileWaiver(w);
    const label = `waiver ${i + 1} (rule "${w.rule}", resource "${w.resource}")`;
    if (!ruleIds.some((id) => waiver.rule(id))) return [`${label} matches no rule of this run`];
    return findings.some((f) => waiver.covers(f)) ? [] : [`${label} matches no resource of this run`];
  });
}

/** A waiver's patterns, compiled once: its rule glob, and whether it covers a finding (rule, and the resource's ARN, name or load balancer ARN). */
function compileWaiver(w: Waiver): { rule: (id: string) => boolean; covers: (f: Finding) => boolean } {
  const rule = globMatcher(w.rule);
  const resource = globMatcher(w.resource);
  return {
    rule,
    covers: (f) => rule(f.ruleId) && (resource(f.resource.arn) || resource(f.resource.name) || (f.resource.loadBalancerArn !== null && resource(f.resource.loadBalancerArn))),
  };
}

/** Marks failing and error findings waived when a live waiver matches rule and resource (its ARN, name, or its load balancer's ARN); asOf decides expiry. */
export function applyWaivers(findings: Finding[], waivers: readonly Waiver[], asOf: string): Finding[] {
  if (waivers.length === 0) return findings;
  const compiled = waivers.map((w) => ({ w, ...compileWaiver(w) }));
  const now = Date.parse(asOf);
  return findings.map((finding) => {
    if (finding.status !== 'fail' && finding.status !== 'error') return finding;
    const match = compiled.find((c) => c.covers(finding));
    if (!match) return finding;
    // A waiver is good through the end of its expiry day (UTC).
    const expired = Date.parse(`${match.w.expires}T23:59:59.999Z`) < now;
    const waiver = { reason: match.w.reason, expires: match.w.expires, expired, pattern: match.w.resource };
    if (expired) return { ...finding, waiver, message: `${finding.message} (waiver expired on ${match.w.expires})` };
    return { ...finding, status: 'waived', waiver };
  });
}
