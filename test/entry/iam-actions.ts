/**
 * The IAM actions the collectors need, read from the source: every `new XxxCommand(` in src/collect
 * whose class is imported from an @aws-sdk/client-* package, and every SDK paginator `paginateXxx` used there
 * (it sends XxxCommand), named with that service's IAM prefix.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** IAM action prefix per SDK package (CloudHSM v2 keeps the `cloudhsm` prefix). */
export const IAM_PREFIX: Record<string, string> = {
  'client-elastic-load-balancing': 'elasticloadbalancing',
  'client-elastic-load-balancing-v2': 'elasticloadbalancing',
  'client-iam': 'iam',
  'client-acm': 'acm',
  'client-cloudhsm-v2': 'cloudhsm',
  'client-ec2': 'ec2',
  'client-sts': 'sts',
  'client-wafv2': 'wafv2',
  'client-acm-pca': 'acm-pca',
  'client-organizations': 'organizations',
  'client-s3': 's3',
  'client-sns': 'sns',
  'client-securityhub': 'securityhub',
  'client-secrets-manager': 'secretsmanager',
};

/** Calls every caller may make whatever its policy says (STS GetCallerIdentity cannot be denied). */
export const NO_PERMISSION_NEEDED = new Set(['sts:GetCallerIdentity']);

/** `prefix:Operation` for every SDK command constructed in the .ts files of `dir`. */
export function commandActions(dir: string): Set<string> {
  const actions = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    const imported = new Map<string, string>();
    const paginators = new Map<string, string>();
    for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/(client-[\w-]+)'/g)) {
      const prefix = IAM_PREFIX[m[2] ?? ''];
      if (prefix === undefined) throw new Error(`${file}: no IAM prefix known for @aws-sdk/${m[2]}`);
      for (const spec of (m[1] ?? '').split(',')) {
        const [name, alias] = spec.replace(/\btype\s+/, '').trim().split(/\s+as\s+/);
        if (name?.endsWith('Command')) imported.set((alias ?? name).trim(), `${prefix}:${name.slice(0, -'Command'.length)}`);
        if (name?.startsWith('paginate')) paginators.set((alias ?? name).trim(), `${prefix}:${name.slice('paginate'.length)}`);
      }
    }
    for (const [local, action] of paginators) if (new RegExp(`\\b${local}\\b`).test(text.replace(/import\s*\{[^}]*\}\s*from[^;]*;/g, ''))) actions.add(action);
    for (const m of text.matchAll(/new\s+(\w+Command)\s*\(/g)) {
      const action = imported.get(m[1] ?? '');
      if (action === undefined) throw new Error(`${file}: ${m[1]} is not imported from an @aws-sdk client`);
      actions.add(action);
    }
  }
  return actions;
}
