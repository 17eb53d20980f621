#!/usr/bin/env node
/**
 * Extracts the AwsSecurityFinding shape tree from the Security Hub API model (botocore's
 * data/securityhub/2018-10-26/service-2.json[.gz], the model the AWS SDKs are generated from) into a test
 * fixture, so the tests can check ASFF against the API's own structure, enums and required members.
 *
 *   node scripts/build-asff-shapes.mjs <service-2.json[.gz]> <botocore version> > test/fixtures/asff/...
 *
 * Kept: every shape reachable from AwsSecurityFinding, with type, required, members, enum, pattern,
 * min/max, and the "Length Constraints"/"Maximum number of N items" limits that the model states only in
 * member documentation. ResourceDetails is cut to its `Other` member (the only one this tool writes), which
 * keeps the fixture small and makes any other Details key a validation failure.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const [path, botocoreVersion] = process.argv.slice(2);
if (!path || !botocoreVersion) {
  process.stderr.write('usage: build-asff-shapes.mjs <service-2.json[.gz]> <botocore version>\n');
  process.exit(2);
}
const raw = readFileSync(path);
const model = JSON.parse((path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
const shapes = model.shapes;

const text = (doc) => (doc ?? '').replace(/<[^>]+>/g, ' ');
function documentedLimits(doc) {
  const t = text(doc);
  const out = {};
  const max = /Maximum (?:length )?of (\d+)(?: length)?/i.exec(t) ?? /Maximum length of (\d+)/i.exec(t);
  if (max) out.maxLength = Number(max[1]);
  const items = /Maximum number of (\d+) items/i.exec(t);
  if (items) out.maxItems = Number(items[1]);
  return out;
}

const kept = {};
function keep(name) {
  if (kept[name]) return;
  const s = shapes[name];
  if (!s) throw new Error(`no shape ${name}`);
  const out = { type: s.type };
  for (const k of ['required', 'enum', 'pattern', 'min', 'max']) if (s[k] !== undefined) out[k] = s[k];
  kept[name] = out;
  if (s.type === 'structure') {
    const members = name === 'ResourceDetails' ? { Other: s.members.Other } : s.members;
    out.members = {};
    for (const [m, spec] of Object.entries(members)) {
      out.members[m] = { shape: spec.shape, ...documentedLimits(spec.documentation) };
      keep(spec.shape);
    }
  } else if (s.type === 'list') {
    out.member = s.member.shape;
    keep(s.member.shape);
  } else if (s.type === 'map') {
    out.key = s.key.shape;
    out.value = s.value.shape;
    keep(s.key.shape);
    keep(s.value.shape);
  }
}
keep('AwsSecurityFinding');
process.stdout.write(`${JSON.stringify({
  $comment: `AwsSecurityFinding shapes from the Security Hub API model (apiVersion ${model.metadata.apiVersion}) as shipped in botocore ${botocoreVersion} (github.com/boto/botocore, botocore/data/securityhub/2018-10-26/service-2.json, Apache-2.0); extracted by scripts/build-asff-shapes.mjs.`,
  root: 'AwsSecurityFinding',
  shapes: Object.fromEntries(Object.entries(kept).sort(([a], [b]) => a.localeCompare(b))),
}, null, 1)}\n`);
