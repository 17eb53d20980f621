/**
 * Baselines: a previous run's findings.json (or results.sarif) whose known failures do not fail the gate
 * again. Matched by the finding fingerprint, the identity SARIF carries as primaryLocationLineHash
 * (rule + account + region + resource), so a baseline from either file means the same thing.
 */
import { AuditError } from '../model/errors.ts';
import type { Finding, FindingStatus } from '../model/finding.ts';
import { readJsonFile } from '../io/json-file.ts';

/** The fingerprints a baseline accepts, and where they came from. */
export interface Baseline {
  path: string;
  fingerprints: ReadonlySet<string>;
}

// A known failure stays known while it is waived or errors; a baseline never hides a brand-new resource or rule.
const KNOWN_STATUSES: readonly FindingStatus[] = ['fail', 'error', 'waived'];

/** Reads a baseline: findings.json ({ findings: [{ fingerprint, status }] }) or SARIF 2.1.0 (partialFingerprints). */
export function loadBaseline(path: string): Baseline {
  const parsed = readJsonFile(path, 'baseline');
  const fingerprints = fromFindingsJson(parsed) ?? fromSarif(parsed);
  if (fingerprints === null) {
    throw new AuditError('BAD_INPUT', 'not a baseline: expected a findings.json ({"findings":[...]}) or a SARIF log ({"runs":[...]}) written by elb-tls-audit', path);
  }
  return { path, fingerprints };
}

function fromFindingsJson(parsed: unknown): Set<string> | null {
  if (!isRecord(parsed) || !Array.isArray(parsed['findings'])) return null;
  const set = new Set<string>();
  for (const f of parsed['findings']) {
    if (!isRecord(f) || typeof f['fingerprint'] !== 'string') return null;
    if (KNOWN_STATUSES.includes(f['status'] as FindingStatus)) set.add(f['fingerprint']);
  }
  return set;
}

function fromSarif(parsed: unknown): Set<string> | null {
  if (!isRecord(parsed) || !Array.isArray(parsed['runs'])) return null;
  const set = new Set<string>();
  for (const run of parsed['runs']) {
    const results = isRecord(run) && Array.isArray(run['results']) ? run['results'] : [];
    for (const r of results) {
      const hash = isRecord(r) && isRecord(r['partialFingerprints']) ? r['partialFingerprints']['primaryLocationLineHash'] : undefined;
      if (typeof hash === 'string') set.add(hash);
    }
  }
  return set;
}

/** True when the baseline already knows this finding. */
export function isBaselined(finding: Finding, baseline: Baseline | null): boolean {
  return baseline !== null && baseline.fingerprints.has(finding.fingerprint);
}

/** How many failing findings the baseline knows and how many are new. */
export function baselineCounts(findings: readonly Finding[], baseline: Baseline): { known: number; new: number } {
  let known = 0;
  let fresh = 0;
  for (const f of findings) {
    if (f.status !== 'fail') continue;
    if (baseline.fingerprints.has(f.fingerprint)) known++;
    else fresh++;
  }
  return { known, new: fresh };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
