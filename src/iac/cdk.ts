/**
 * A CDK cloud assembly (cdk.out): manifest.json names every stack template and its environment; nested stacks
 * are CloudFormation::Stack resources whose template is a file asset of the assembly; nested assemblies
 * (stages) are followed. Each template is read by src/iac/cloudformation.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AuditError } from '../model/errors.ts';
import { readTemplateFile, type NestedStackRef, type TemplateOptions } from './cloudformation.ts';
import { parseSource, readSourceText } from './document.ts';
import { isRecord, type IacResource } from './values.ts';

export interface AssemblyRead {
  resources: IacResource[];
  /** Template files read, for the report. */
  templates: string[];
  notes: string[];
  /** Nested stacks whose template is not in the assembly: code that is not judged, reported as a gap. */
  unread: UnreadTemplate[];
}

/** A template the code points at that could not be read here. */
export interface UnreadTemplate { address: string; reason: string }

/** The deepest nesting of assemblies or nested stacks read (beyond it a template is bad input). */
export const MAX_NESTING = 16;

function readJson(path: string, uri: string): Record<string, unknown> {
  const value = parseSource(path, uri, readSourceText(path)).value;
  if (!isRecord(value)) throw new AuditError('BAD_INPUT', 'expected a JSON object', path);
  return value;
}

/** "aws://123456789012/eu-west-1" -> account and region, leaving CDK's unknown-account/unknown-region unknown. */
function environment(env: unknown): { account: string | null; region: string | null } {
  const m = typeof env === 'string' ? /^aws:\/\/([^/]+)\/(.+)$/.exec(env) : null;
  const account = m?.[1] && !m[1].startsWith('unknown') ? m[1] : null;
  const region = m?.[2] && !m[2].startsWith('unknown') ? m[2] : null;
  return { account, region };
}

/** Asset hash -> template path from the assembly's asset manifests. */
function assetPaths(dir: string, toUri: (p: string) => string, artifacts: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const artifact of Object.values(artifacts)) {
    if (!isRecord(artifact) || artifact.type !== 'cdk:asset-manifest' || !isRecord(artifact.properties)) continue;
    const file = artifact.properties.file;
    if (typeof file !== 'string') continue;
    const manifest = readJson(join(dir, file), toUri(join(dir, file)));
    for (const [hash, entry] of Object.entries(isRecord(manifest.files) ? manifest.files : {})) {
      const source = isRecord(entry) && isRecord(entry.source) ? entry.source : null;
      if (source && typeof source.path === 'string') out.set(hash, source.path);
    }
  }
  return out;
}

/** Reads every stack (and nested stack) of an assembly directory. */
export function readCloudAssembly(dir: string, toUri: (p: string) => string, parameters: ReadonlyMap<string, unknown>, depth = 0): AssemblyRead {
  const manifestPath = join(dir, 'manifest.json');
  if (depth > MAX_NESTING) throw new AuditError('BAD_INPUT', `cloud assemblies nested deeper than ${MAX_NESTING}`, manifestPath);
  const manifest = readJson(manifestPath, toUri(manifestPath));
  if (!isRecord(manifest.artifacts)) throw new AuditError('BAD_INPUT', 'not a CDK cloud assembly manifest: no "artifacts"', manifestPath);
  const artifacts = manifest.artifacts;
  const assets = assetPaths(dir, toUri, artifacts);
  const out: AssemblyRead = { resources: [], templates: [], notes: [], unread: [] };

  const readStack = (file: string, options: TemplateOptions, nesting: number) => {
    const path = join(dir, file);
    if (nesting > MAX_NESTING) throw new AuditError('BAD_INPUT', `nested stacks deeper than ${MAX_NESTING}`, path);
    const read = readTemplateFile(path, toUri(path), options);
    out.resources.push(...read.resources);
    out.templates.push(path);
    for (const nested of read.nestedStacks) {
      const asset = nestedTemplate(nested, assets);
      if (!asset || !existsSync(join(dir, asset))) {
        out.unread.push({ address: nested.address, reason: "the nested stack's template is not in the assembly; its resources are not judged" });
        continue;
      }
      readStack(asset, { ...options, stack: `${options.stack}/${nested.logicalId}`, parameters: nested.parameters }, nesting + 1);
    }
  };

  for (const [id, artifact] of Object.entries(artifacts)) {
    if (!isRecord(artifact) || !isRecord(artifact.properties)) continue;
    if (artifact.type === 'aws:cloudformation:stack') {
      const file = artifact.properties.templateFile;
      if (typeof file !== 'string') throw new AuditError('BAD_INPUT', `artifact ${id} has no templateFile`, manifestPath);
      const stackName = typeof artifact.properties.stackName === 'string' ? artifact.properties.stackName : id;
      readStack(file, { stack: stackName, parameters, ...environment(artifact.environment) }, 0);
    } else if (artifact.type === 'cdk:cloud-assembly' && typeof artifact.properties.directoryName === 'string') {
      const inner = readCloudAssembly(join(dir, artifact.properties.directoryName), toUri, parameters, depth + 1);
      out.resources.push(...inner.resources);
      out.templates.push(...inner.templates);
      out.notes.push(...inner.notes);
      out.unread.push(...inner.unread);
    }
  }
  return out;
}

function nestedTemplate(nested: NestedStackRef, assets: Map<string, string>): string | null {
  if (nested.metadataAssetPath) return nested.metadataAssetPath;
  const url = typeof nested.templateUrl === 'string' ? nested.templateUrl : nested.templateUrlText;
  for (const [hash, path] of assets) if (url.includes(hash)) return path;
  return null;
}
