/**
 * The config file (`elb-tls-audit.config.json`, `.yaml` or `.yml` in the working directory, or `--config FILE`):
 * any long flag by its name without `--`, an inline rules profile (which may `extends` a shipped one) and inline
 * waivers. A flag given on the command line wins; the file only fills what the command line left at its default.
 * Validated with its JSON schema before anything runs: a mistake is exit 2 naming the file and the JSON path.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Command, Option } from 'commander';
import { parseDocument } from 'yaml';
import { AuditError } from '../model/errors.ts';
import { validateAgainst } from '../io/schema.ts';
import { configSchema } from './config-schema.ts';

/** Looked for in this order in the working directory when --config is not given. */
export const CONFIG_FILE_NAMES = ['elb-tls-audit.config.json', 'elb-tls-audit.config.yaml', 'elb-tls-audit.config.yml'] as const;

// Values that name files: relative to the config file's folder, not to wherever the command runs.
const PATH_KEYS = new Set(['waivers', 'baseline', 'trust-store', 'snapshot-out', 'out', 'previous', 'rules-profile', 'snapshot']);

export interface ConfigFile {
  path: string;
  values: Record<string, unknown>;
}

/** Finds the config file: --config, else the first of CONFIG_FILE_NAMES in cwd, else none. */
export function findConfigFile(given: string | undefined, cwd = process.cwd()): string | null {
  if (given !== undefined) {
    if (!existsSync(given)) throw new AuditError('BAD_USAGE', `config file "${given}" does not exist`, '--config');
    return given;
  }
  for (const name of CONFIG_FILE_NAMES) if (existsSync(resolve(cwd, name))) return resolve(cwd, name);
  return null;
}

/** Reads, parses (JSON or YAML) and validates a config file. */
export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AuditError('BAD_INPUT', `cannot read the config file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, path);
  }
  let values: unknown;
  if (path.endsWith('.json')) {
    try {
      values = JSON.parse(text);
    } catch (error) {
      throw new AuditError('BAD_INPUT', `not valid JSON: ${(error as Error).message}`, path);
    }
  } else {
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length > 0) throw new AuditError('BAD_INPUT', `not valid YAML: ${doc.errors[0]!.message}`, path);
    values = doc.toJS() ?? {};
  }
  const problems = validateAgainst(configSchema, values);
  if (problems.length > 0) throw new AuditError('BAD_INPUT', `invalid config file:\n  ${problems.join('\n  ')}`, path);
  return { path, values: values as Record<string, unknown> };
}

const camel = (key: string) => key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function asFlagValue(option: Option, key: string, value: unknown, base: string): unknown {
  const relative = (v: string) => (PATH_KEYS.has(key) && v !== '-' && !isAbsolute(v) && !(key === 'rules-profile' && !v.endsWith('.json')) ? resolve(base, v) : v);
  // Booleans: a plain flag (--probe) or its negation (--no-probe) both land on one attribute.
  if (typeof value === 'boolean') return value;
  if (key === 'tag' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.entries(value as Record<string, string>).map(([k, v]) => `${k}=${v}`);
  }
  const repeatable = Array.isArray(option.defaultValue);
  if (Array.isArray(value)) return repeatable ? value.map(String) : value.map(String).join(',');
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return repeatable ? [relative(value)] : relative(value);
  // An inline rules profile or inline waivers: kept as objects, with the file named for their errors.
  return value;
}

/**
 * Fills the command's options from the config file where the command line left the default; keys of other
 * commands (a shared file serves audit and collect alike) are ignored. Returns the file used, or null.
 */
export function applyConfigFile(command: Command, cwd = process.cwd()): ConfigFile | null {
  // Only commands that take --config read a config file (rules list, probe ... do not).
  if (!command.options.some((o) => o.long === '--config')) return null;
  const given = command.opts()['config'] as string | undefined;
  const path = findConfigFile(given, cwd);
  if (path === null) return null;
  const config = readConfigFile(path);
  used.set(command, config);
  const base = dirname(resolve(path));
  for (const [key, value] of Object.entries(config.values)) {
    if (key === '$schema') continue;
    const attribute = camel(key);
    const options = command.options.filter((o) => o.attributeName() === attribute);
    if (options.length === 0) continue;
    const source = command.getOptionValueSource(attribute);
    if (source === 'cli' || source === 'env') continue;
    command.setOptionValueWithSource(attribute, asFlagValue(options[0]!, key, value, base), 'config');
  }
  return config;
}

const used = new WeakMap<Command, ConfigFile>();

/** The config file applyConfigFile filled this command from, or null. */
export function configUsed(command: Command): ConfigFile | null {
  return used.get(command) ?? null;
}
