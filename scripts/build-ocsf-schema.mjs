#!/usr/bin/env node
/**
 * Compiles one OCSF event class into a JSON Schema (draft 2020-12) for the tests to validate our OCSF
 * output with ajv. OCSF publishes its schema as definition files (dictionary, events, objects, profiles)
 * that its server compiles; this script does the same compilation for one class so the result can be
 * vendored as a test fixture.
 *
 *   node scripts/build-ocsf-schema.mjs <ocsf-schema git dir> <tag> <class name> <profile,...> > out.json
 *
 * Semantics followed (OCSF "Understanding OCSF" and the server's compiler): a class or object inherits
 * the attributes of what it `extends`, the child's entry overriding fields of the parent's; `$include`
 * adds a profile's attributes; a profile's required attributes are required only where the profile is
 * applied (the given list), otherwise optional; types come from the dictionary, `is_array` makes a list;
 * an attribute's `enum` (class and dictionary entries merged) restricts the value; objects allow no other
 * keys, except the bare `object` type (`unmapped`), which is the event's place for those.
 */
import { execFileSync } from 'node:child_process';

const [gitDir, tag, className, profilesArg = ''] = process.argv.slice(2);
if (!gitDir || !tag || !className) {
  process.stderr.write('usage: build-ocsf-schema.mjs <git dir> <tag> <class> [profiles]\n');
  process.exit(2);
}
const applied = new Set(profilesArg.split(',').filter(Boolean));
const show = (path) => JSON.parse(execFileSync('git', ['--git-dir', gitDir, 'show', `${tag}:${path}`], { encoding: 'utf8', maxBuffer: 64 << 20 }));
const list = (dir) => execFileSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', '--name-only', tag, dir], { encoding: 'utf8' }).split('\n').filter((p) => p.endsWith('.json'));
const commit = execFileSync('git', ['--git-dir', gitDir, 'rev-list', '-n', '1', tag], { encoding: 'utf8' }).trim();
const version = show('version.json').version;

const dictionary = show('dictionary.json');
const types = dictionary.types.attributes;
const byName = (dir) => Object.fromEntries(list(dir).map((p) => { const d = show(p); return [d.name, d]; }));
const objects = byName('objects');
const events = byName('events');

/** Attributes of a definition with `extends` and `$include` resolved; each entry knows its profile. */
function attributesOf(def, pool) {
  const parent = def.extends ? attributesOf(pool[def.extends] ?? (() => { throw new Error(`${def.name} extends unknown ${def.extends}`); })(), pool) : {};
  const own = {};
  for (const include of def.attributes?.$include ?? []) {
    const profile = show(include);
    for (const [name, entry] of Object.entries(profile.attributes ?? {})) own[name] = { ...entry, profile: profile.meta === 'profile' ? profile.name : entry.profile };
  }
  for (const [name, entry] of Object.entries(def.attributes ?? {})) if (name !== '$include') own[name] = { ...(own[name] ?? {}), ...entry };
  const merged = { ...parent };
  for (const [name, entry] of Object.entries(own)) merged[name] = { ...(parent[name] ?? {}), ...entry };
  return merged;
}

const defs = {};
/** JSON Schema of a primitive OCSF type (following `type` to the base type). */
function primitive(typeName) {
  const t = types[typeName];
  if (!t) return null;
  const base = t.type ?? typeName;
  const schema = { boolean_t: { type: 'boolean' }, integer_t: { type: 'integer' }, long_t: { type: 'integer' }, float_t: { type: 'number' }, string_t: { type: 'string' }, json_t: {}, object_t: { type: 'object' } }[base];
  if (!schema) throw new Error(`type ${typeName}: unknown base ${base}`);
  const out = { ...schema };
  if (t.regex && base === 'string_t') out.pattern = t.regex;
  if (t.max_len && base === 'string_t') out.maxLength = t.max_len;
  if (t.range && (base === 'integer_t' || base === 'long_t')) [out.minimum, out.maximum] = t.range;
  return out;
}

function attributeSchema(name, entry) {
  const dict = dictionary.attributes[name];
  if (!dict) throw new Error(`attribute ${name} is not in the dictionary`);
  const typeName = entry.type ?? dict.type;
  let item = primitive(typeName);
  if (item === null) {
    if (!objects[typeName]) throw new Error(`attribute ${name}: unknown type ${typeName}`);
    compileObject(typeName);
    item = { $ref: `#/$defs/${typeName}` };
  }
  // A class's enum extends the dictionary's (which holds 0 Unknown and 99 Other), as the OCSF server merges them.
  const enumeration = entry.enum || dict.enum ? { ...(dict.enum ?? {}), ...(entry.enum ?? {}) } : null;
  if (enumeration) item = { ...item, enum: Object.keys(enumeration).map((k) => (item.type === 'integer' ? Number(k) : k)) };
  return (entry.is_array ?? dict.is_array) ? { type: 'array', items: item } : item;
}

function shape(attributes) {
  const properties = {};
  const required = [];
  for (const [name, entry] of Object.entries(attributes)) {
    properties[name] = attributeSchema(name, entry);
    const profileApplies = entry.profile === undefined || entry.profile === null || applied.has(entry.profile);
    if (entry.requirement === 'required' && profileApplies) required.push(name);
  }
  return { type: 'object', properties, required: required.sort(), additionalProperties: false };
}

function withConstraints(schema, def) {
  const atLeastOne = def.constraints?.at_least_one;
  const justOne = def.constraints?.just_one;
  if (atLeastOne) schema.anyOf = atLeastOne.map((name) => ({ required: [name] }));
  if (justOne) schema.oneOf = justOne.map((name) => ({ required: [name] }));
  return schema;
}

function compileObject(name) {
  if (defs[name]) return;
  defs[name] = {}; // placeholder: objects refer to themselves (process.parent_process)
  const def = objects[name];
  const attributes = attributesOf(def, objects);
  // The bare `object` type (as in `unmapped`) is OCSF's open bag: any properties.
  if (Object.keys(attributes).length === 0) {
    defs[name] = { title: def.caption, type: 'object' };
    return;
  }
  defs[name] = withConstraints({ title: def.caption, ...shape(attributes) }, def);
}

const event = events[className];
if (!event) throw new Error(`no class ${className}`);
const root = withConstraints(shape(attributesOf(event, events)), event);
const category = show('categories.json').attributes[event.category ?? attributesOfCategory(event)];
function attributesOfCategory(def) {
  return def.category ?? (def.extends ? attributesOfCategory(events[def.extends]) : undefined);
}
const classUid = category.uid * 1000 + event.uid;
root.properties.class_uid = { type: 'integer', const: classUid };
root.properties.category_uid = { type: 'integer', const: category.uid };
// type_uid = class_uid * 100 + activity_id
root.properties.type_uid = { type: 'integer', enum: root.properties.activity_id.enum.map((id) => classUid * 100 + id) };

const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: `https://schema.ocsf.io/${version}/classes/${className}`,
  $comment: `Compiled by scripts/build-ocsf-schema.mjs from the OCSF schema definitions, github.com/ocsf/ocsf-schema tag ${tag} (commit ${commit}, version.json ${version}), Apache-2.0. Profiles applied: ${[...applied].join(', ') || 'none'}.`,
  title: `${event.caption} (class_uid ${classUid})`,
  ...root,
  $defs: Object.fromEntries(Object.entries(defs).sort(([a], [b]) => a.localeCompare(b))),
};
process.stdout.write(`${JSON.stringify(schema, null, 1)}\n`);
