/** Runs IaC mode in-process the way the CLI does, and reads back what it wrote. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { audit, type AuditOutcome } from '../../src/audit.ts';
import { blankUnknownFacts, IAC_SARIF_CATEGORY, iacLocator, loadInfrastructure, type IacLoad } from '../../src/iac/index.ts';
import type { Finding } from '../../src/model/finding.ts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const fixture = (...parts: string[]) => join(repoRoot, 'test', 'fixtures', 'iac', ...parts);

export interface SarifResult {
  ruleId: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; endLine?: number } } }[];
  partialFingerprints: { primaryLocationLineHash: string };
}

export interface IacRun {
  load: IacLoad;
  outcome: AuditOutcome;
  out: string;
  sarif: { runs: { automationDetails: { id: string }; results: SarifResult[] }[] };
}

/** Loads the paths, audits them with the default profile and writes every report into a temp folder. */
export async function runIac(paths: string[], options: { parameters?: Record<string, string>; sourceRoot?: string; asOf?: string; account?: string; region?: string } = {}): Promise<IacRun> {
  const asOf = options.asOf ?? '2027-01-01T00:00:00Z';
  const load = await loadInfrastructure({
    paths, parameters: new Map(Object.entries(options.parameters ?? {})), account: options.account ?? null, region: options.region ?? null,
    sourceRoot: options.sourceRoot ?? repoRoot, capturedAt: asOf,
  });
  const out = mkdtempSync(join(tmpdir(), 'iac-'));
  const outcome = await audit({
    source: { kind: 'snapshot', snapshot: load.snapshot }, probe: false, profile: 'default', allowPartial: false, failOn: 'high',
    sarifCategory: IAC_SARIF_CATEGORY, out: { dir: out, formats: ['sarif', 'json', 'md', 'html'] },
    refineFacts: (facts) => blankUnknownFacts(facts, load), locate: iacLocator(load.origins, load.defaulted, load.unknownFacts),
  });
  const sarif = JSON.parse(readFileSync(join(out, 'results.sarif'), 'utf8')) as IacRun['sarif'];
  return { load, outcome, out, sarif };
}

/** The 1-based line of the first line of a file matching the pattern (so tests state lines by content, not by number). */
export function lineOf(file: string, pattern: RegExp, after = 0): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l, n) => n >= after && pattern.test(l));
  if (i < 0) throw new Error(`${pattern} not in ${file}`);
  return i + 1;
}

/** The finding of a rule on a resource whose name is given. */
export function findingOf(run: IacRun, ruleId: string, name: string): Finding {
  const found = run.outcome.result.findings.find((f) => f.ruleId === ruleId && f.resource.name === name);
  if (!found) throw new Error(`no ${ruleId} finding for ${name}: ${run.outcome.result.findings.filter((f) => f.resource.name === name).map((f) => `${f.ruleId}=${f.status}`).join(', ')}`);
  return found;
}

/** The SARIF result of a finding. */
export function sarifOf(run: IacRun, finding: Finding): SarifResult {
  const r = run.sarif.runs[0]!.results.find((x) => x.partialFingerprints.primaryLocationLineHash === finding.fingerprint);
  if (!r) throw new Error(`no SARIF result for ${finding.ruleId} ${finding.resource.name}`);
  return r;
}

export const regionOf = (r: SarifResult) => ({ uri: r.locations[0]!.physicalLocation.artifactLocation.uri, ...r.locations[0]!.physicalLocation.region });
