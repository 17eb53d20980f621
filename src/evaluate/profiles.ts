/** Profiles select rules and override their params and severities (rules/profiles/<name>.json, or a file). */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import profileSchema from '../../rules/profile.schema.json' with { type: 'json' };
import { AuditError } from '../model/errors.ts';
import type { Profile, RuleDefinition, Severity } from '../model/rule.ts';
import { readJsonFile } from '../io/json-file.ts';
import { validateAgainst } from '../io/schema.ts';
import { globMatcher, isGlob } from './glob.ts';
import { paramProblems } from './params.ts';

/** Names of the profiles shipped in rules/profiles. */
export function listProfiles(rulesDir: string): string[] {
  const dir = join(rulesDir, 'profiles');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort() : [];
}

/** Loads a shipped profile by name, or a profile file by path; its shape is checked here, its params when applied. */
export function loadProfile(rulesDir: string, nameOrPath: string, where = '--rules-profile'): Profile {
  return loadProfileChain(rulesDir, nameOrPath, where, []);
}

// A chain of extends deeper than this is a mistake, not a design.
const MAX_EXTENDS = 8;

function loadProfileChain(rulesDir: string, nameOrPath: string, where: string, seen: readonly string[]): Profile {
  const path = nameOrPath.endsWith('.json') ? nameOrPath : join(rulesDir, 'profiles', `${nameOrPath}.json`);
  if (!existsSync(path)) {
    throw new AuditError('BAD_USAGE', `unknown rules profile "${nameOrPath}" (shipped: ${listProfiles(rulesDir).join(', ')})`, where);
  }
  return profileFromValue(rulesDir, readJsonFile(path, 'profile'), path, seen);
}

/**
 * A profile from its parsed JSON (a file, or inline in the config file): validated, and when it `extends`
 * another profile, merged over it so it states only what it changes (see rules/profile.schema.json).
 */
export function profileFromValue(rulesDir: string, parsed: unknown, source: string, seen: readonly string[] = []): Profile {
  const problems = validateAgainst(profileSchema, parsed);
  if (problems.length > 0) throw new AuditError('BAD_INPUT', `invalid profile: ${problems.join('; ')}`, source);
  const own = parsed as Partial<Profile> & { name: string; extends?: string; $schema?: string };
  if (own.extends === undefined) return { ...(own as Profile), source };
  if (seen.includes(source) || seen.length >= MAX_EXTENDS) {
    throw new AuditError('BAD_INPUT', `/extends "${own.extends}" makes a cycle or a chain deeper than ${MAX_EXTENDS} (${[...seen, source].join(' -> ')})`, source);
  }
  // A relative file path in extends is relative to the profile that names it.
  const baseRef = own.extends.endsWith('.json') && !isAbsolute(own.extends) && source.endsWith('.json') ? join(dirname(source), own.extends) : own.extends;
  const base = loadProfileChain(rulesDir, baseRef, `${source}: /extends`, [...seen, source]);
  const params: Profile['params'] = { ...base.params };
  for (const [id, p] of Object.entries(own.params ?? {})) params[id] = { ...(base.params[id] ?? {}), ...p };
  return {
    name: own.name,
    title: own.title ?? `${base.title} (${own.name})`,
    description: own.description ?? `${base.name} with the changes of ${source}`,
    include: own.include ?? base.include,
    exclude: [...new Set([...base.exclude, ...(own.exclude ?? [])])],
    params,
    defaults: { ...base.defaults, ...(own.defaults ?? {}) },
    severity: { ...base.severity, ...(own.severity ?? {}) },
    extends: base.name,
    source,
  };
}

/** A rule as one profile runs it: resolved params and severity. */
export interface ProfiledRule {
  rule: RuleDefinition;
  params: Record<string, unknown>;
  severity: Severity;
}

/** Every problem of a profile against the rule catalogue, each with its JSON path. */
export function profileProblems(rules: readonly RuleDefinition[], profile: Profile): string[] {
  const problems: string[] = [];
  const byId = new Map(rules.map((r) => [r.id, r]));
  const patterns = (key: 'include' | 'exclude') => profile[key].forEach((pattern, i) => {
    const matches = globMatcher(pattern);
    if (!rules.some((r) => matches(r.id))) problems.push(`/${key}/${i} "${pattern}" ${isGlob(pattern) ? 'matches no rule' : 'names no rule'}`);
  });
  patterns('include');
  patterns('exclude');
  for (const [id, params] of Object.entries(profile.params)) {
    const rule = byId.get(id);
    if (!rule) problems.push(`/params/${id} names no rule`);
    else problems.push(...paramProblems(rule, params, `/params/${id}`, { partial: true }));
  }
  for (const id of Object.keys(profile.severity)) if (!byId.has(id)) problems.push(`/severity/${id} names no rule`);
  // A default must be a param some rule declares (a misspelling is not), and fit every rule declaring it;
  // one the selection does not use is allowed, so a narrowed copy of a shipped profile still loads.
  for (const [key, value] of Object.entries(profile.defaults)) {
    const declaring = rules.filter((r) => key in r.paramsSchema);
    if (declaring.length === 0) {
      const known = [...new Set(rules.flatMap((r) => Object.keys(r.paramsSchema)))].sort();
      problems.push(`/defaults/${key} is not a param of any rule (params: ${known.join(', ')})`);
    }
    for (const rule of declaring) problems.push(...paramProblems(rule, { [key]: value }, '/defaults', { partial: true }));
  }
  // The same mistake against several rules declaring one param is one line naming them all.
  const byText = new Map<string, string[]>();
  for (const line of problems) {
    const [, text = line, rule] = /^(.*?)(?: \(rule (\S+)\))?$/.exec(line) ?? [];
    const list = byText.get(text) ?? [];
    if (rule && !list.includes(rule)) list.push(rule);
    byText.set(text, list);
  }
  return [...byText].map(([text, ids]) => (ids.length === 0 ? text : `${text} (${ids.length === 1 ? 'rule' : 'rules'} ${ids.join(', ')})`));
}

/** Selects and parameterises rules for a profile; any unknown rule, unknown param or mistyped value is BAD_INPUT naming the file and path. */
export function applyProfile(rules: readonly RuleDefinition[], profile: Profile): ProfiledRule[] {
  const problems = profileProblems(rules, profile);
  if (problems.length > 0) {
    throw new AuditError('BAD_INPUT', `invalid profile "${profile.name}":\n  ${problems.join('\n  ')}`, profile.source ?? `profile ${profile.name}`);
  }
  const include = profile.include.map(globMatcher);
  const exclude = profile.exclude.map(globMatcher);
  return rules
    .filter((r) => include.some((m) => m(r.id)) && !exclude.some((m) => m(r.id)))
    .map((rule) => {
      const params: Record<string, unknown> = { ...rule.params };
      for (const key of Object.keys(rule.params)) if (key in profile.defaults) params[key] = profile.defaults[key];
      Object.assign(params, profile.params[rule.id] ?? {});
      return { rule, params, severity: profile.severity[rule.id] ?? rule.severity };
    });
}
