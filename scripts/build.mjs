#!/usr/bin/env node
// Bundles the three entry points into dist/ (committed: the Action runner does not npm install):
//   dist/cli.js    the package bin (shebang)
//   dist/index.js  the GitHub Action (runs.using node24; syntax kept to Node 20 so it runs there too)
//   dist/lambda.js the scheduled Lambda (nodejs24.x, export `handler`)
//   dist/probe.js  the probe alone (bin elb-tls-probe; shebang)
//   dist/THIRD_PARTY_NOTICES the licences of every package esbuild put into the bundles (scripts/third-party-notices.mjs)
// It also stages the Lambda deployment package build/lambda/ (git-ignored; template.yaml's CodeUri):
//   dist/lambda.js, dist/THIRD_PARTY_NOTICES, rules/, LICENSE and a package.json with "type": "module", laid out like the repository.
// Usage: node scripts/build.mjs [--outdir DIR] (with --outdir only the bundles are written). The output is byte-for-byte deterministic for a given
// source tree and node_modules, so CI can rebuild into a temp folder and compare (test/entry/action-dist.test.ts).
// dist/ sits beside rules/, which the code finds at run time from import.meta.url (src/evaluate/paths.ts).
import { build } from 'esbuild';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { thirdPartyNotices } from './third-party-notices.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const flag = process.argv.indexOf('--outdir');
const outdir = resolve(flag >= 0 && process.argv[flag + 1] ? process.argv[flag + 1] : join(root, 'dist'));

// CommonJS dependencies bundled into ESM still call require() for Node built-ins.
const requireShim = "import { createRequire as __elbTlsCreateRequire } from 'node:module'; const require = __elbTlsCreateRequire(import.meta.url);";

const entries = [
  { in: 'src/entry/cli.ts', out: 'cli.js', shebang: true },
  { in: 'src/entry/action.ts', out: 'index.js', shebang: false },
  { in: 'src/entry/lambda.ts', out: 'lambda.js', shebang: false },
  // The probe alone (bin elb-tls-probe): no AWS SDK, no reports, so a process starts in Node's own time.
  { in: 'src/entry/probe-cli.ts', out: 'probe.js', shebang: true },
];

mkdirSync(outdir, { recursive: true });
const metafiles = {};
for (const entry of entries) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(root, entry.in)],
    outfile: join(outdir, entry.out),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: ['node20'],
    minify: true,
    legalComments: 'none',
    sourcemap: false,
    charset: 'utf8',
    // src/entry/cli.ts starts with its own `#!/usr/bin/env node`, which esbuild keeps in front of the banner.
    banner: { js: requireShim },
    mainFields: ['module', 'main'],
    conditions: ['node', 'import'],
    logLevel: 'warning',
    metafile: true,
  });
  metafiles[entry.out] = result.metafile;
  process.stdout.write(`built ${join(outdir, entry.out)}${entry.shebang ? ' (bin)' : ''}\n`);
}

// The HCL parser's WebAssembly (tree-sitter runtime and grammar) beside the bundles: the Action runner has no
// node_modules, so src/iac/terraform-source.ts falls back to dist/wasm/.
mkdirSync(join(outdir, 'wasm'), { recursive: true });
const wasmFiles = [
  ['node_modules/web-tree-sitter', 'tree-sitter.wasm'],
  ['node_modules/@tree-sitter-grammars/tree-sitter-hcl', 'tree-sitter-hcl.wasm'],
];
for (const [from, file] of wasmFiles) cpSync(join(root, from, file), join(outdir, 'wasm', file));

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const extra = Object.fromEntries(wasmFiles.map(([from, file]) => [`wasm/${file}`, from]));
writeFileSync(join(outdir, 'THIRD_PARTY_NOTICES'), thirdPartyNotices(root, pkg, metafiles, extra));
process.stdout.write(`wrote ${join(outdir, 'THIRD_PARTY_NOTICES')}\n`);

// The Lambda package: the handler finds rules/ from its own location, exactly as in the repository.
if (flag < 0) {
  const stage = join(root, 'build', 'lambda');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'dist'), { recursive: true });
  writeFileSync(join(root, 'build', '.gitignore'), '*\n');
  cpSync(join(outdir, 'lambda.js'), join(stage, 'dist', 'lambda.js'));
  cpSync(join(outdir, 'THIRD_PARTY_NOTICES'), join(stage, 'dist', 'THIRD_PARTY_NOTICES'));
  cpSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
  cpSync(join(root, 'rules'), join(stage, 'rules'), { recursive: true });
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify({ name: pkg.name, version: pkg.version, type: 'module', private: true }, null, 2)}\n`);
  process.stdout.write(`staged ${stage} (template.yaml CodeUri; Handler dist/lambda.handler)\n`);
}
