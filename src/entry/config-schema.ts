/** The JSON schema of the config file (src/entry/config-file.ts): every key is a long flag without `--`. */
import { SEVERITIES } from '../model/rule.ts';

const text = { type: 'string', minLength: 1 };
const list = { oneOf: [text, { type: 'array', items: text }] };
const flag = { type: 'boolean' };
const count = { oneOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '^\\d+$' }] };

/** Validated before any command runs; additionalProperties names a misspelt key by its own path. */
export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'elb-tls-audit config file',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    // where and what
    regions: list,
    profile: text,
    accounts: list,
    organization: flag,
    'assume-role': text,
    'external-id': text,
    'account-concurrency': count,
    concurrency: count,
    'api-budget': { oneOf: [{ type: 'number', exclusiveMinimum: 0, maximum: 1 }, { type: 'string', pattern: '^\\s*[0-9.]+%?\\s*$' }] },
    'all-certificates': flag,
    // a long collection: where its checkpoint goes and when to stop (--resume is a one-off, not configuration)
    checkpoint: text,
    deadline: text,
    // probing
    probe: flag,
    'connect-to': { type: 'array', items: text },
    'include-internal': flag,
    // judging: a profile by name or file, or inline (it may extend a shipped profile and state only what changes)
    'rules-profile': { oneOf: [text, { type: 'object' }] },
    checks: list,
    'exclude-checks': list,
    categories: list,
    severity: { oneOf: [{ enum: [...SEVERITIES] }, { type: 'array', items: { enum: [...SEVERITIES] } }, { type: 'string', pattern: '^[a-z, ]+$' }] },
    resource: list,
    tag: { oneOf: [text, { type: 'array', items: { type: 'string', pattern: '^[^=]+=.*$' } }, { type: 'object', additionalProperties: { type: 'string' } }] },
    // waivers: a file, or inline {"waivers": [...]} (checked by the waivers schema, src/evaluate/waivers.ts)
    waivers: { oneOf: [text, { type: 'object' }] },
    'strict-waivers': flag,
    'trust-store': text,
    'as-of': text,
    baseline: text,
    previous: text,
    // gate
    'fail-on': { enum: [...SEVERITIES, 'none'] },
    'allow-partial': flag,
    'fail-on-empty': flag,
    // output
    format: list,
    out: text,
    'snapshot-out': text,
    'sarif-category': text,
    quiet: flag,
    color: flag,
    'security-hub': flag,
    'security-hub-region': text,
    // iac
    parameter: { type: 'array', items: text },
    account: text,
    region: text,
    'source-root': text,
    'resolve-live': flag,
  },
} as const;
