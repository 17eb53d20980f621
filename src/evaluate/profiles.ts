/** Profiles select rules and override their params and severities (rules/profiles/<name>.json). */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AuditError } from '../model/errors.ts';
import type { Profile, RuleDefinition, Severity } from '../model/rule.ts';
import { readJsonFile } from '../io/json-file.ts';
import { validateAgainst } from '../io/schema.ts';

const profileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'title', 'description', 'include', 'exclude', 'params', 'defaults', 'severity'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', pattern: '^[a-z0-9.-]+$' },
    title: { type: 'string' },
    description: { type: 'string' },
    include: { type: 'array', items: { type: 'string' } },
    exclude: { type: 'array', items: { type: 'string' } },
    params: { type: 'object', additionalProperties: { type: 'object' } },
    defaults: { type: 'object' },
    severity: { type: 'object', additionalProperties: { enum: ['critical', 'high', 'medium', 'low', 'info'] } },
  },
};

/** Names of the profiles shipped in rules/profiles. */
export function listProfiles(rulesDir: string): string[] {
  const dir = join(rulesDir, 'profiles');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort() : [];
}

/** Loads a shipped profile by name, or a profile file by path. */
export function loadProfile(rulesDir: string, nameOrPath: string): Profile {
  const path = nameOrPath.endsWith('.json') ? nameOrPath : join(rulesDir, 'profiles', `${nameOrPath}.json`);
  if (!existsSync(path)) {
    throw new AuditError('BAD_USAGE', `unknown rules profile "${nameOrPath}" (shipped: ${listProfiles(rulesDir).join(', ')})`, '--rules-profile');
  }
  const parsed = readJsonFile(path, 'profile');
  const problems = validateAgainst(profileSchema, parsed);
  if (problems.length > 0) throw new AuditError('BAD_INPUT', `invalid profile: ${problems.join('; ')}`, path);
  return parsed as Profile;
}

/** A rule as one profile runs it: resolved params and severity. */
export interface ProfiledRule {
  rule: RuleDefinition;
  params: Record<string, unknown>;
  severity: Severity;
}

/** Selects and parameterises rules for a profile; a profile naming a rule that does not exist is an error. */
export function applyProfile(rules: readonly RuleDefinition[], profile: Profile): ProfiledRule[] {
  const ids = new Set(rules.map((r) => r.id));
  for (const id of [...profile.include, ...profile.exclude, ...Object.keys(profile.params), ...Object.keys(profile.severity)]) {
    if (id !== '*' && !ids.has(id)) throw new AuditError('BAD_INPUT', `profile "${profile.name}" names unknown rule "${id}"`, `profile ${profile.name}`);
  }
  const all = profile.include.includes('*');
  return rules
    .filter((r) => (all || profile.include.includes(r.id)) && !profile.exclude.includes(r.id))
    .map((rule) => {
      const params: Record<string, unknown> = { ...rule.params };
      for (const key of Object.keys(rule.params)) if (key in profile.defaults) params[key] = profile.defaults[key];
      Object.assign(params, profile.params[rule.id] ?? {});
      return { rule, params, severity: profile.severity[rule.id] ?? rule.severity };
    });
}
