/**
 * IaC mode's front door: detects each path's format (CloudFormation/SAM template, CDK cloud assembly,
 * Terraform plan JSON, Terraform .tf sources), reads them, maps every resource into one Snapshot and returns
 * what the audit needs to judge it like a deployed estate and to put findings on their lines.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AuditError } from '../model/errors.ts';
import { readCloudAssembly } from './cdk.ts';
import { readTemplate } from './cloudformation.ts';
import { parseSource, readSourceText, type ParsedSource } from './document.ts';
import { IacEstate } from './estate.ts';
import { mapCloudFormationResource } from './map-cloudformation.ts';
import { mapTerraformResource } from './map-terraform.ts';
import { buildIacSnapshot, type IacSnapshot } from './snapshot-mapper.ts';
import { isTerraformPlan, readTerraformPlan } from './terraform-plan.ts';
import { readTerraformSources, type TerraformSources } from './terraform-source.ts';
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
        sources.push(...read.templates.map((t) => ({ kind: 'cdk' as const, path: t })));
        continue;
      }
      const tf = readdirSync(path).filter((f) => f.endsWith('.tf')).sort().map((f) => join(path, f));
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
    const read = readTemplate(source, { stack: stackName(path), parameters: options.parameters, account: options.account, region: options.region });
    resources.push(...read.resources);
    for (const nested of read.nestedStacks) notes.push(`${nested.address}: nested stack templates outside a CDK assembly are not followed; synthesize or package them and pass them as paths`);
    sources.push({ kind: 'cloudformation', path });
  }

  let tfSources: TerraformSources | null = null;
  if (tfFiles.length > 0) {
    tfSources = await readTerraformSources(tfFiles, toUri);
    sources.push(...tfFiles.map((p) => ({ kind: 'terraform-source' as const, path: p })));
    if (plans.length === 0) throw new AuditError('BAD_INPUT', '.tf sources give the lines of resources, their values come from a plan: run `terraform show -json plan.out > plan.json` and pass plan.json too', tfFiles[0]!);
  }
  for (const plan of plans) {
    resources.push(...readTerraformPlan(plan, tfSources, { account: options.account, region: options.region }));
    sources.push({ kind: 'terraform-plan', path: plan.path });
  }

  const estate = new IacEstate();
  for (const r of resources) {
    if (r.format === 'cloudformation') mapCloudFormationResource(estate, r);
    else mapTerraformResource(estate, r);
  }
  return { ...buildIacSnapshot(estate, options.capturedAt), sources, notes };
}
