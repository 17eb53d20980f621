/** Parsing of the inputs every entry point shares (flags, Action inputs, Lambda environment); each names its input. */
import { AuditError } from '../model/errors.ts';
import type { FailOn } from '../model/finding.ts';
import { SEVERITIES } from '../model/rule.ts';

const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Parses a region list (`a,b`, commas or white space) or `all`. Only an input that was not given at all falls
 * back to AWS_REGION / AWS_DEFAULT_REGION; a list that names no region (",") is bad usage, never an empty scope.
 */
export function parseRegions(value: string | undefined, where = '--regions', env: NodeJS.ProcessEnv = process.env): string[] | 'all' {
  const given = value !== undefined && value.trim() !== '';
  const raw = given ? value : (env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION']);
  if (raw === undefined || raw.trim() === '') {
    throw new AuditError('BAD_USAGE', 'no region given: pass regions (e.g. eu-west-1,us-east-1, or all), or set AWS_REGION', where);
  }
  if (raw.trim() === 'all') return 'all';
  const regions = raw.split(/[\s,]+/).map((r) => r.trim()).filter((r) => r !== '');
  if (regions.length === 0) throw new AuditError('BAD_USAGE', `"${raw}" names no region: an audit of nothing would prove nothing`, where);
  const bad = regions.filter((r) => !REGION_NAME.test(r));
  if (bad.length > 0) throw new AuditError('BAD_USAGE', `not a region name: ${bad.map((b) => JSON.stringify(b)).join(', ')}`, where);
  return [...new Set(regions)].sort();
}

/** Parses a --fail-on severity. */
export function parseFailOn(value: string, where = '--fail-on'): FailOn {
  if (value === 'none' || (SEVERITIES as readonly string[]).includes(value)) return value as FailOn;
  throw new AuditError('BAD_USAGE', `"${value}" is not a severity (${[...SEVERITIES, 'none'].join(', ')})`, where);
}

const DURATION_UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Parses a duration (90, 90s, 10m, 1h30m, 1500ms; a bare number is seconds) into milliseconds, more than 0. */
export function parseDuration(value: string, where: string): number {
  const text = value.trim();
  let ms = 0;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else {
    const parts = [...text.matchAll(/(\d+)(ms|h|m|s)/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
      throw new AuditError('BAD_USAGE', `"${value}" is not a duration (e.g. 90s, 10m, 1h30m, or seconds)`, where);
    }
    for (const p of parts) ms += Number(p[1]) * DURATION_UNITS[p[2]!]!;
  }
  if (!(ms > 0) || !Number.isFinite(ms)) throw new AuditError('BAD_USAGE', `"${value}" must be longer than 0`, where);
  return Math.round(ms);
}
