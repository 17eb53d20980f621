/**
 * The npm package as a user gets it: the repository is copied to a temp folder, its bundles are built
 * there (scripts/build.mjs --outdir, so the committed dist/ is neither read nor rewritten), `npm pack`
 * makes the tarball, and the tarball is installed globally into a temp prefix, offline (it has no
 * dependencies to fetch). The installed CLI then runs with no node_modules anywhere near it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOTO_CREDENTIALS, startMoto, type MotoServer } from '../helpers/moto.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, any>;
const SKIP = new Set(['node_modules', '.git', 'dist', 'build', 'coverage', '.tmp', 'out']);

let scratch: string;
let stage: string;
let packed: string[];
let tarball: string;
let prefix: string;

/** Every file under a folder of the repository, as package paths. */
function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(ROOT, join(e.parentPath, e.name)).split('\\').join('/'));
}

function installed(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(join(prefix, 'bin', 'elb-tls-audit'), args, {
    cwd: scratch,
    encoding: 'utf8',
    // Only the installed program: no NODE_PATH, no node_modules on the way up from the scratch folder.
    env: { PATH: process.env['PATH'] ?? '', HOME: scratch, ...env },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'package-'));
  stage = join(scratch, 'source');
  cpSync(ROOT, stage, { recursive: true, filter: (from) => !SKIP.has(from.split(/[\\/]/).pop() ?? '') || from === ROOT });
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--outdir', join(stage, 'dist')], { cwd: ROOT, stdio: 'pipe' });
  const dry = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: stage, encoding: 'utf8' })) as { files: { path: string }[] }[];
  packed = (dry[0]?.files ?? []).map((f) => f.path).sort();
  const made = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], { cwd: stage, encoding: 'utf8' })) as { filename: string }[];
  tarball = join(scratch, made[0]?.filename ?? '');
  prefix = join(scratch, 'prefix');
  execFileSync('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], { cwd: scratch, stdio: 'pipe' });
}, 240_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('the npm tarball', () => {
  it('holds the CLI bundle, its WebAssembly, the rules, the docs and the licences, and nothing else', () => {
    const expected = [
      'CHANGELOG.md', 'LICENSE', 'README.md', 'package.json',
      'dist/THIRD_PARTY_NOTICES', 'dist/cli.js', 'dist/probe.js', 'dist/wasm/tree-sitter-hcl.wasm', 'dist/wasm/tree-sitter.wasm',
      ...filesUnder('rules'), ...filesUnder('docs'),
    ].sort();
    expect(packed).toEqual(expected);
    // What the Action and the Lambda use comes from the repository (tag, SAM build), never from npm.
    for (const absent of ['dist/index.js', 'dist/lambda.js', 'action.yml', 'template.yaml']) expect(packed).not.toContain(absent);
    expect(packed.filter((p) => p.endsWith('.ts'))).toEqual([]);
  });

  it('declares no runtime dependency (the bundle holds them) and says where the project lives', () => {
    expect(manifest['dependencies'] ?? {}).toEqual({});
    expect(manifest['license']).toBe('Apache-2.0');
    const repo = 'https://github.com/our-org/elb-tls-audit';
    expect(manifest['repository']).toEqual({ type: 'git', url: `git+${repo}.git` });
    expect(manifest['homepage']).toBe(`${repo}#readme`);
    expect(manifest['bugs']).toEqual({ url: `${repo}/issues` });
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('our-org/elb-tls-audit@v1');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0, January 2004[\s\S]*END OF TERMS AND CONDITIONS/);
  });

  it('THIRD_PARTY_NOTICES names every package the source imports at run time, with its licence text', () => {
    const notices = readFileSync(join(stage, 'dist', 'THIRD_PARTY_NOTICES'), 'utf8');
    const imported = new Set<string>();
    for (const file of filesUnder('src').filter((f) => f.endsWith('.ts'))) {
      for (const m of readFileSync(join(ROOT, file), 'utf8').matchAll(/^import (?!type )[^'"]*from '(?!node:|\.)((?:@[\w.-]+\/)?[\w.-]+)/gm)) {
        if (m[1]) imported.add(m[1]);
      }
    }
    expect(imported.size).toBeGreaterThan(10);
    for (const name of imported) {
      const version = (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
      expect(notices, name).toContain(`\n- ${name} ${version} (`);
      expect(notices, name).toMatch(new RegExp(`Licence text \\d+ of \\d+, for: [^\\n]*${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}@${version.replace(/\./g, '\\.')}`));
    }
    expect(notices).toContain(`for elb-tls-audit ${manifest['version']}`);
  });
});

describe('installed globally from the tarball (offline, no dependencies)', () => {
  it('installs the package alone: no node_modules below it', () => {
    const home = join(prefix, 'lib', 'node_modules', 'elb-tls-audit');
    expect(existsSync(join(home, 'dist', 'cli.js'))).toBe(true);
    expect(existsSync(join(home, 'node_modules'))).toBe(false);
    expect(readdirSync(join(prefix, 'lib', 'node_modules')).filter((n) => !n.startsWith('.'))).toEqual(['elb-tls-audit']);
  });

  it('runs elb-tls-audit --version and rules list', () => {
    const version = installed(['--version']);
    expect(version, version.stderr).toMatchObject({ code: 0, stdout: `${manifest['version']}\n` });
    const rules = installed(['rules', 'list']);
    expect(rules.code, rules.stderr).toBe(0);
    const ruleFiles = readdirSync(join(ROOT, 'rules')).filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json'));
    expect(rules.stdout).toContain('listener-weak-protocol');
    expect(rules.stdout).toContain(`${ruleFiles.length} rules`);
    expect(rules.stderr).toBe('');
  });

  it('installs the standalone probe as elb-tls-probe', () => {
    const run = spawnSync(join(prefix, 'bin', 'elb-tls-probe'), ['--version'], { cwd: scratch, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', HOME: scratch } });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${manifest['version']}\n`);
  });

  it('reads Terraform sources with the WebAssembly HCL parser shipped beside the bundle', () => {
    const fixture = join(ROOT, 'test', 'fixtures', 'iac', 'terraform');
    const out = join(scratch, 'iac');
    const run = installed(['iac', join(fixture, 'plan.json'), join(fixture, 'main.tf'), '--out', out]);
    expect(run.code, run.stderr).toBe(1); // the fixture's failing findings
    const sarif = JSON.parse(readFileSync(join(out, 'results.sarif'), 'utf8')) as { runs: { results: { locations?: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[] }[] };
    const lines = sarif.runs[0]!.results.flatMap((r) => r.locations ?? []).filter((l) => l.physicalLocation.artifactLocation.uri.endsWith('/main.tf'));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => (l.physicalLocation.region?.startLine ?? 0) > 1)).toBe(true);
  });

  describe('against moto', () => {
    let moto: MotoServer;
    beforeAll(async () => {
      moto = await startMoto();
    }, 60_000);
    afterAll(async () => {
      await moto?.stop();
    });
    const awsEnv = (): NodeJS.ProcessEnv => ({
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
    });

    it('collects with the bundled SDK and prints no Node-version warning, unless the user turns it back on', () => {
      const out = join(scratch, 'snapshot.json');
      const quiet = installed(['collect', '--regions', 'us-east-1', '--quiet', '--out', out], awsEnv());
      expect(quiet.code, quiet.stderr).toBe(0);
      expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ loadBalancers: [] });
      expect(quiet.stderr).not.toMatch(/NodeVersionSupportWarning/);
      // The switch is the SDK's own: a user who sets it to anything but "true" sees the warning again (on Node < 22).
      if (Number(process.versions.node.split('.')[0]) < 22) {
        const loud = installed(['collect', '--regions', 'us-east-1', '--quiet', '--out', out], { ...awsEnv(), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' });
        expect(loud.code, loud.stderr).toBe(0);
        expect(loud.stderr).toMatch(/NodeVersionSupportWarning/);
      }
    }, 120_000);
  });
});
