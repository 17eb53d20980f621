/** Where the project's own files are, found from this module so the CLI, the Action bundle and the Lambda agree. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the nearest ancestor holding rules/rule.schema.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'rules', 'rule.schema.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('elb-tls-audit: cannot find the rules/ folder next to the program');
    dir = parent;
  }
}

export const defaultRulesDir = (): string => join(packageRoot(), 'rules');
