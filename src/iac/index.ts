/**
 * IaC mode's front door: detects each path's format (CloudFormation/SAM template, CDK cloud assembly,
 * Terraform plan JSON, Terraform .tf sources), reads them, maps every resource into one Snapshot and returns
 * what the audit needs to judge it like a deployed estate and to put findings on their lines.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AuditError } from '../model/errors.ts';
import { MAX_NESTING, readCloudAssembly, type UnreadTemplate } from './cdk.ts';
import { readTemplate, readTemplateFile, type NestedStackRef } from './cloudformation.ts';
import { parseSource, readSourceText, type ParsedSource } from './document.ts';
import { IacEstate } from './estate.ts';
import { mapCloudFormationResource } from './map-cloudformation.ts';
import { mapTerraformResource } from './map-terraform.ts';
import { buildIacSnapshot, type IacSnapshot } from './snapshot-mapper.ts';
import { isTerraformPlan, moduleCalls, readTerraformPlan, type ModuleCall } from './terraform-plan.ts';
import { readTerraformSources, type TerraformSourceFile, type TerraformSources } from './terraform-source.ts';
import { isRecord, type IacResource } from './values.ts';

export { blankUnknownFacts } from './unknown-facts.ts';

/** The SARIF category of IaC results, apart from the live audit's so neither closes the other's alerts. */
export const IAC_SARIF_CATEGORY = 'elb-tls-audit-iac';
export { iacLocator } from './locator.ts';

export interface IacOptions {
  paths: string[];
  /** --parameter Name=Value overrides for CloudFormation parameters. */
  parameters: ReadonlyMap<string, string>;
  account: string | null;
  region: string | null;
  /** SARIF URIs are relative to this folder (the repository root; default the working directory). */
  sourceRoot: string;
  capturedAt: string;
}

export interface IacLoad extends IacSnapshot {
  /** Files read, by kind. */
  sources: { kind: 'cloudformation' | 'cdk' | 'terraform-plan' | 'terraform-source'; path: string }[];
  notes: string[];
}

/** Parses `--parameter Name=Value` flags. */
export function parseParameters(values: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new AuditError('BAD_USAGE', `"${v}" is not Name=Value`, '--parameter');
    out.set(v.slice(0, eq), v.slice(eq + 1));
  }
  return out;
}

const TEMPLATE_EXTENSIONS = new Set(['.yaml', '.yml', '.json', '.template', '.cfn']);

/** Reads every path and builds the snapshot. */
export async function loadInfrastructure(options: IacOptions): Promise<IacLoad> {
  if (options.paths.length === 0) throw new AuditError('BAD_USAGE', 'give at least one template, cdk.out folder, plan JSON or .tf path', 'iac');
  const root = resolve(options.sourceRoot);
  // Outside the repository root a path cannot be repository-relative: it becomes a file URI instead.
  const toUri = (p: string) => {
    const rel = relative(root, resolve(p));
    return rel.startsWith('..') || isAbsolute(rel) ? pathToFileURL(resolve(p)).href : rel.split(sep).join('/');
  };
  const sources: IacLoad['sources'] = [];
  const notes: string[] = [];
  const unread: UnreadTemplate[] = [];
  const resources: IacResource[] = [];
  const tfFiles: string[] = [];
  const plans: ParsedSource[] = [];
  const stackNames = new Map<string, number>();
  const stackName = (path: string) => {
    const base = basename(path, extname(path));
    const n = (stackNames.get(base) ?? 0) + 1;
    stackNames.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  };

  for (const path of options.paths) {
    if (!existsSync(path)) throw new AuditError('BAD_INPUT', 'no such file or folder', path);
    if (statSync(path).isDirectory()) {
      if (existsSync(join(path, 'manifest.json'))) {
        const read = readCloudAssembly(path, toUri, options.parameters);
        resources.push(...read.resources);
        notes.push(...read.notes);
        unread.push(...read.unread);
        sources.push(...read.templates.map((t) => ({ kind: 'cdk' as const, path: t })));
        continue;
      }
      const tf = tfFilesIn(path);
      if (tf.length === 0) throw new AuditError('BAD_INPUT', 'this folder has neither a CDK manifest.json nor .tf files', path);
      tfFiles.push(...tf);
      continue;
    }
    if (path.endsWith('.tf')) {
      tfFiles.push(path);
      continue;
    }
    if (basename(path) === 'manifest.json') {
      const read = readCloudAssembly(dirname(path), toUri, options.parameters);
      resources.push(...read.resources);
      notes.push(...read.notes);
      unread.push(...read.unread);
      sources.push(...read.templates.map((t) => ({ kind: 'cdk' as const, path: t })));
      continue;
    }
    const source = parseSource(path, toUri(path), readSourceText(path));
    if (isTerraformPlan(source.value)) {
      plans.push(source);
      continue;
    }
    if (!isRecord(source.value) || !('Resources' in source.value)) {
      const hint = TEMPLATE_EXTENSIONS.has(extname(path)) ? '' : ` (extension ${extname(path) || 'none'})`;
      throw new AuditError('BAD_INPUT', `neither a CloudFormation/SAM template (no Resources), a CDK manifest nor a Terraform plan (no format_version)${hint}`, path);
    }
    const stack = stackName(path);
    const read = readTemplate(source, { stack, parameters: options.parameters, account: options.account, region: options.region });
    resources.push(...read.resources);
    sources.push({ kind: 'cloudformation', path });
    followNestedStacks(path, read.nestedStacks, { stack, account: options.account, region: options.region }, toUri, resources, sources, unread, 1);
  }

  let tfSources: TerraformSources | null = null;
  if (tfFiles.length > 0) {
    // Two plans of one configuration name the same modules: each file is read once.
    const moduleFiles = new Map(plans.flatMap((plan) => moduleSourceFiles(dirname(tfFiles[0]!), moduleCalls(plan), notes)).map((f) => [`${f.modulePrefix}|${f.path}`, f]));
    const files = [...tfFiles.map((path) => ({ path, modulePrefix: '' })), ...moduleFiles.values()];
    tfSources = await readTerraformSources(files, toUri);
    sources.push(...files.map((f) => ({ kind: 'terraform-source' as const, path: f.path })));
    if (plans.length === 0) throw new AuditError('BAD_INPUT', '.tf sources give the lines of resources, their values come from a plan: run `terraform show -json plan.out > plan.json` and pass plan.json too', tfFiles[0]!);
  }
  for (const plan of plans) {
    resources.push(...readTerraformPlan(plan, tfSources, { account: options.account, region: options.region }));
    sources.push({ kind: 'terraform-plan', path: plan.path });
  }

  const estate = new IacEstate();
  for (const u of unread) estate.unknown(u.address, 'TemplateURL', u.reason);
  for (const r of resources) {
    if (r.format === 'cloudformation') mapCloudFormationResource(estate, r);
    else mapTerraformResource(estate, r);
  }
  return { ...buildIacSnapshot(estate, options.capturedAt), sources, notes };
}

/** The .tf files of a folder, in name order. */
const tfFilesIn = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.tf')).sort().map((f) => join(dir, f));

/** `terraform init`'s record of where each module call's files are (.terraform/modules/modules.json): key -> folder. */
function installedModules(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const file = join(root, '.terraform', 'modules', 'modules.json');
  if (!existsSync(file)) return out;
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    const list = isRecord(doc) && Array.isArray(doc.Modules) ? doc.Modules : [];
    for (const m of list) if (isRecord(m) && typeof m.Key === 'string' && typeof m.Dir === 'string' && m.Key !== '') out.set(m.Key, resolve(root, m.Dir));
  } catch {
    // An unreadable record only costs the lines of module resources; their findings stay on the plan.
  }
  return out;
}

/**
 * The .tf files of each module call, so module resources get their own lines: a local `source` (./, ../) is a folder
 * beside its caller; any other source is found where `terraform init` installed it. A module whose files are not
 * here keeps its findings on the plan's lines, with a note.
 */
function moduleSourceFiles(root: string, calls: readonly ModuleCall[], notes: string[]): TerraformSourceFile[] {
  const installed = installedModules(root);
  const out: TerraformSourceFile[] = [];
  const walk = (list: readonly ModuleCall[], callerDir: string, depth: number) => {
    for (const call of list) {
      if (depth > 32) return;
      const local = call.source.startsWith('./') || call.source.startsWith('../') ? resolve(callerDir, call.source) : null;
      const dir = installed.get(call.key) ?? local;
      const files = dir !== null && existsSync(dir) && statSync(dir).isDirectory() ? tfFilesIn(dir) : [];
      if (files.length === 0) {
        notes.push(`${call.prefix.slice(0, -1)}: the module's .tf files (source ${call.source || 'unknown'}) are not here; its findings point at the plan`);
        continue;
      }
      out.push(...files.map((path) => ({ path, modulePrefix: call.prefix })));
      walk(call.calls, dir!, depth + 1);
    }
  };
  walk(calls, root, 0);
  return out;
}

/**
 * Nested stacks of a plain template (AWS::CloudFormation::Stack TemplateURL, AWS::Serverless::Application
 * Location) whose template is a local file, as written before `aws cloudformation package` / `sam package`:
 * read with the parameters the parent passes. A template only in S3 or the Serverless Application Repository
 * is not here: it is recorded as unread, a gap in the report ("not judged before deploy").
 */
function followNestedStacks(
  parentPath: string, nested: readonly NestedStackRef[], scope: { stack: string; account: string | null; region: string | null },
  toUri: (p: string) => string, resources: IacResource[], sources: IacLoad['sources'], unread: UnreadTemplate[], depth: number,
): void {
  for (const n of nested) {
    const url = n.templateUrl;
    const local = typeof url === 'string' && url !== '' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? resolve(dirname(parentPath), url) : null;
    if (local === null || !existsSync(local) || statSync(local).isDirectory()) {
      const where = typeof url === 'string' ? url : 'a value known only at deploy';
      unread.push({ address: n.address, reason: `the nested stack's template (${where}) is not a local file; its resources are not judged (pass the template as a path, or synthesize/package it)` });
      continue;
    }
    if (depth > MAX_NESTING) throw new AuditError('BAD_INPUT', `nested stacks deeper than ${MAX_NESTING}`, local);
    const stack = `${scope.stack}/${n.logicalId}`;
    const read = readTemplateFile(local, toUri(local), { stack, parameters: n.parameters, account: scope.account, region: scope.region });
    resources.push(...read.resources);
    sources.push({ kind: 'cloudformation', path: local });
    followNestedStacks(local, read.nestedStacks, { ...scope, stack }, toUri, resources, sources, unread, depth + 1);
  }
}
