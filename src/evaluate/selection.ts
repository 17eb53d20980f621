/**
 * Selection from the command line, the Action or the config file: which checks run (--checks,
 * --exclude-checks, --categories, --severity, applied after the profile) and which resources are judged
 * (--resource ARN globs, --tag KEY=VALUE). Gap findings (what could not be read) are never selected
 * away: what was not seen has no ARN or tags to match, and hiding it would turn "could not see" into a pass.
 */
import { AuditError } from '../model/errors.ts';
import type { FactsBySubject, SubjectIdentity } from '../model/facts.ts';
import type { RunSelection } from '../model/finding.ts';
import { SEVERITIES, type RuleDefinition, type Severity } from '../model/rule.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { globMatcher, isGlob } from './glob.ts';
import type { ProfiledRule } from './profiles.ts';

export interface Selection {
  /** Rule id globs to run (only these). */
  checks?: readonly string[];
  /** Rule id globs not to run. */
  excludeChecks?: readonly string[];
  categories?: readonly string[];
  /** Severities to run (after the profile's overrides). */
  severities?: readonly Severity[];
  /** ARN globs: a subject is judged when its ARN, or its load balancer's ARN, matches one. */
  resources?: readonly string[];
  /** Every tag must be on the subject or its load balancer (the value is a glob). */
  tags?: readonly { key: string; value: string }[];
  /** How errors name each input (default: the CLI flags; the Action says `input checks`). */
  labels?: Partial<Record<'checks' | 'excludeChecks' | 'categories', string>>;
}

/** Splits a comma list (flags, Action inputs and config strings alike). */
export function splitList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const parts = typeof value === 'string' ? [value] : value;
  return parts.flatMap((p) => p.split(/[\s,]+/)).map((s) => s.trim()).filter(Boolean);
}

/** Parses one KEY=VALUE tag filter. */
export function parseTagFilter(value: string, where = '--tag'): { key: string; value: string } {
  const at = value.indexOf('=');
  if (at <= 0) throw new AuditError('BAD_USAGE', `expected KEY=VALUE, got "${value}"`, where);
  return { key: value.slice(0, at), value: value.slice(at + 1) };
}

/** Parses a --severity list. */
export function parseSeverities(value: string | readonly string[], where = '--severity'): Severity[] {
  const list = splitList(value);
  const bad = list.filter((s) => !(SEVERITIES as readonly string[]).includes(s));
  if (bad.length > 0) throw new AuditError('BAD_USAGE', `not a severity: ${bad.join(', ')} (${SEVERITIES.join(', ')})`, where);
  return list as Severity[];
}

/** The filters that were set, for findings.json and the summary (null: the run was not narrowed). */
export function describeSelection(selection: Selection): RunSelection | null {
  const out: RunSelection = {};
  const put = (key: keyof RunSelection, list: readonly string[] | undefined) => {
    if (list && list.length > 0) out[key] = [...list];
  };
  put('checks', selection.checks);
  put('excludeChecks', selection.excludeChecks);
  put('categories', selection.categories);
  put('severities', selection.severities);
  put('resources', selection.resources);
  put('tags', selection.tags?.map((t) => `${t.key}=${t.value}`));
  return Object.keys(out).length > 0 ? out : null;
}

/** Narrows the profiled rules; a pattern that names no rule, or a selection that leaves none, is bad usage. */
export function selectRules(profiled: readonly ProfiledRule[], all: readonly RuleDefinition[], selection: Selection): ProfiledRule[] {
  const name = (key: 'checks' | 'excludeChecks' | 'categories', flag: string) => selection.labels?.[key] ?? flag;
  const matchers = (key: 'checks' | 'excludeChecks', flag: string) => (selection[key] ?? []).map((pattern) => {
    const m = globMatcher(pattern);
    if (!all.some((r) => m(r.id))) throw new AuditError('BAD_USAGE', `"${pattern}" ${isGlob(pattern) ? 'matches no rule' : 'names no rule'} (see: elb-tls-audit rules list)`, name(key, flag));
    return m;
  });
  const include = matchers('checks', '--checks');
  const exclude = matchers('excludeChecks', '--exclude-checks');
  const known = [...new Set(all.map((r) => r.category))].sort();
  const categories = selection.categories ?? [];
  const badCategory = categories.filter((c) => !known.includes(c as RuleDefinition['category']));
  if (badCategory.length > 0) throw new AuditError('BAD_USAGE', `not a category: ${badCategory.join(', ')} (${known.join(', ')})`, name('categories', '--categories'));
  const severities = selection.severities ?? [];
  const kept = profiled.filter(({ rule, severity }) =>
    (include.length === 0 || include.some((m) => m(rule.id)))
    && !exclude.some((m) => m(rule.id))
    && (categories.length === 0 || categories.includes(rule.category))
    && (severities.length === 0 || severities.includes(severity)));
  if (kept.length === 0 && profiled.length > 0) {
    throw new AuditError('BAD_USAGE', 'the check selection (--checks, --exclude-checks, --categories, --severity) leaves no check of the profile to run', name('checks', 'selection'));
  }
  return kept;
}

/** Keeps the subjects the resource and tag filters select; everything else is not judged (and not counted). */
export function selectSubjects(facts: FactsBySubject, snapshot: Snapshot, selection: Selection): FactsBySubject {
  const resources = (selection.resources ?? []).map(globMatcher);
  const tags = (selection.tags ?? []).map((t) => ({ key: t.key, value: globMatcher(t.value) }));
  if (resources.length === 0 && tags.length === 0) return facts;
  const tagsOf = new Map<string, Record<string, string>>();
  for (const lb of snapshot.loadBalancers) tagsOf.set(lb.arn, lb.tags);
  for (const c of snapshot.certificates) tagsOf.set(c.arn, c.tags);
  const lbOfListener = new Map(facts.listener.map((l) => [l.arn, l.loadBalancerArn]));
  // A certificate belongs to every load balancer that serves it.
  const owners = (s: SubjectIdentity): string[] => {
    const usedBy = (s as { usedBy?: string[] }).usedBy ?? [];
    const lbs = usedBy.map((arn) => lbOfListener.get(arn) ?? null);
    return [s.arn, s.loadBalancerArn, ...lbs].filter((a): a is string => typeof a === 'string');
  };
  const keep = (s: SubjectIdentity): boolean => {
    const arns = owners(s);
    if (resources.length > 0 && !arns.some((arn) => resources.some((m) => m(arn)))) return false;
    return tags.every((t) => arns.some((arn) => {
      const value = tagsOf.get(arn)?.[t.key];
      return value !== undefined && t.value(value);
    }));
  };
  return Object.fromEntries(Object.entries(facts).map(([kind, list]) => [kind, (list as SubjectIdentity[]).filter(keep)])) as unknown as FactsBySubject;
}
