/**
 * Terraform .tf sources, parsed with tree-sitter's HCL grammar (WebAssembly, no native build), for one thing:
 * the lines of each `resource "TYPE" "NAME"` block and of its attributes and nested blocks, by address.
 * Values come from the plan JSON; HCL that does not parse is bad input naming the file and line.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Language, Parser, type Node } from 'web-tree-sitter';
import { AuditError } from '../model/errors.ts';
import { readSourceText } from './document.ts';
import type { SourceSpan } from './values.ts';

export interface ResourceLines {
  span: SourceSpan;
  /** Attribute or nested block name -> its first occurrence. */
  properties: Record<string, SourceSpan>;
}

export type TerraformSources = Map<string, ResourceLines>;

/** In the repository the grammars come from node_modules; in the bundles from dist/wasm/ beside them. */
function wasm(specifier: string, bundled: string): string {
  try {
    return createRequire(import.meta.url).resolve(specifier);
  } catch {
    const path = fileURLToPath(new URL(`./wasm/${bundled}`, import.meta.url));
    if (existsSync(path)) return path;
    throw new AuditError('INTERNAL', `the HCL parser (${bundled}) is missing from this installation`);
  }
}

let parser: Promise<Parser> | null = null;
function hclParser(): Promise<Parser> {
  parser ??= (async () => {
    const runtime = wasm('web-tree-sitter/tree-sitter.wasm', 'tree-sitter.wasm');
    await Parser.init({ locateFile: () => runtime });
    const language = await Language.load(wasm('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm', 'tree-sitter-hcl.wasm'));
    const p = new Parser();
    p.setLanguage(language);
    return p;
  })();
  return parser;
}

function firstError(node: Node): Node | null {
  if (node.type === 'ERROR' || node.isMissing) return node;
  for (const child of node.children) {
    if (child && (child.hasError || child.isMissing || child.type === 'ERROR')) {
      const found = firstError(child);
      if (found) return found;
    }
  }
  return node.hasError ? node : null;
}

const labelText = (node: Node) => node.text.replace(/^"|"$/g, '');

/** A .tf file and the module address its resources sit under ('' for the root module, `module.edge.` inside one). */
export interface TerraformSourceFile { path: string; modulePrefix: string }

/** Reads the resource blocks of every file, keyed by their configuration address (module prefix + TYPE.NAME). */
export async function readTerraformSources(files: readonly (string | TerraformSourceFile)[], toUri: (p: string) => string): Promise<TerraformSources> {
  const p = await hclParser();
  const out: TerraformSources = new Map();
  for (const entry of files) {
    const file = typeof entry === 'string' ? entry : entry.path;
    const prefix = typeof entry === 'string' ? '' : entry.modulePrefix;
    const text = readSourceText(file);
    const tree = p.parse(text);
    if (!tree) throw new AuditError('BAD_INPUT', 'the HCL parser gave no tree', file);
    const uri = toUri(file);
    const span = (n: Node): SourceSpan => ({ file: uri, startLine: n.startPosition.row + 1, endLine: n.endPosition.row + 1 });
    if (tree.rootNode.hasError) {
      const bad = firstError(tree.rootNode) ?? tree.rootNode;
      throw new AuditError('BAD_INPUT', `not valid HCL near "${bad.text.slice(0, 40).replace(/\s+/g, ' ')}"`, `${file}:${bad.startPosition.row + 1}`);
    }
    const body = tree.rootNode.children.find((c) => c?.type === 'body');
    for (const block of body?.children ?? []) {
      if (block?.type !== 'block') continue;
      const kind = block.children.find((c) => c?.type === 'identifier')?.text;
      const labels = block.children.filter((c): c is Node => c?.type === 'string_lit').map(labelText);
      if (kind !== 'resource' || labels.length !== 2) continue;
      const properties: Record<string, SourceSpan> = {};
      const inner = block.children.find((c) => c?.type === 'body');
      for (const item of inner?.children ?? []) {
        const name = item?.children.find((c) => c?.type === 'identifier')?.text;
        if (item && name && (item.type === 'attribute' || item.type === 'block') && !(name in properties)) properties[name] = span(item);
      }
      out.set(`${prefix}${labels[0]}.${labels[1]}`, { span: span(block), properties });
    }
    tree.delete();
  }
  return out;
}
