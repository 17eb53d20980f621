/**
 * The one verdict of a run. Every output states it: the exit code, the terminal summary, summary.md,
 * the HTML verdict box, the Action's outputs and annotation, the Lambda's return and its SNS message.
 * Nothing else decides pass / fail / incomplete / empty.
 */
import type { FailOn, Finding, GatePolicy, Verdict, VerdictKind } from '../model/finding.ts';
import { SEVERITIES, type Severity } from '../model/rule.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { isBaselined, type Baseline } from './baseline.ts';
import { GAP_CATEGORIES } from './system-rules.ts';
import { plural } from '../text/plural.ts';

const RANK = Object.fromEntries(SEVERITIES.map((s, i) => [s, i])) as Record<Severity, number>;
const MAX_CAUSES = 5;

/** True when a severity is at or above the threshold. */
export function atOrAbove(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'none' && RANK[severity] <= RANK[failOn];
}

/** The threshold in words. */
export function thresholdText(failOn: FailOn): string {
  return failOn === 'none' ? 'no threshold (fail-on none)' : failOn === 'info' ? 'any severity' : `${failOn} or above`;
}


/** What was not seen, from the findings that say so: collection gaps, endpoints not probed, rules that could not judge. */
function unseenOf(findings: readonly Finding[]): Verdict['unseen'] {
  let collection = 0;
  let probe = 0;
  let facts = 0;
  const causes = new Map<string, number>();
  for (const f of findings) {
    if (f.status !== 'error') continue;
    let cause: string;
    if (f.category === 'collection-incomplete') {
      collection++;
      cause = `not collected: ${f.message}`;
    } else if (f.category === 'probe-failed') {
      probe++;
      cause = `not probed: ${f.resource.name}: ${f.message}`;
    } else {
      facts++;
      cause = `not judged: ${f.message}`;
    }
    causes.set(cause, (causes.get(cause) ?? 0) + 1);
  }
  const ordered = [...causes.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([c, n]) => (n > 1 ? `${c} (×${n})` : c));
  return { collection, probe, facts, causes: ordered.slice(0, MAX_CAUSES) };
}

/** Account × region pairs in scope with no load balancer; only meaningful when the scope was read completely. */
export function emptyScopesOf(snapshot: Pick<Snapshot, 'scope' | 'loadBalancers'>): Verdict['emptyScopes'] {
  const held = new Set(snapshot.loadBalancers.map((lb) => `${lb.account}|${lb.region}`));
  return snapshot.scope.accounts.flatMap((account) =>
    snapshot.scope.regions.filter((region) => !held.has(`${account}|${region}`)).map((region) => ({ account, region })));
}

function headlineOf(kind: VerdictKind, v: Omit<Verdict, 'headline' | 'kind' | 'exitCode'>, complete: boolean, undecided: boolean): string {
  const threshold = thresholdText(v.gate.failOn);
  const severities = SEVERITIES.filter((s) => (v.gatingBySeverity[s] ?? 0) > 0).map((s) => `${v.gatingBySeverity[s]} ${s}`).join(', ');
  const notes: string[] = [];
  if (v.baselined > 0) notes.push(`${v.baselined} known to the baseline`);
  if (v.expiredWaivers > 0) notes.push(`${plural(v.expiredWaivers, 'waiver')} expired`);
  if (v.belowThreshold > 0) notes.push(`${v.belowThreshold} below the threshold`);
  const note = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  const gaps = [
    v.unseen.collection > 0 ? plural(v.unseen.collection, 'collection gap') : '',
    v.unseen.probe > 0 ? plural(v.unseen.probe, 'endpoint', 'endpoints') + ' not probed' : '',
    v.unseen.facts > 0 ? plural(v.unseen.facts, 'check') + ' that could not judge unseen data' : '',
  ].filter(Boolean).join(', ');
  const partial = !complete ? ` Partial results allowed: ${gaps || 'part of the estate'} not seen.` : '';
  switch (kind) {
    case 'incomplete':
      return `INCOMPLETE: part of the estate could not be seen (${gaps || 'nothing was seen'}); the gate cannot vouch for it${v.gate.allowPartial && undecided ? `, even with partial results allowed: a check at ${threshold} could not be judged` : ''}.`;
    case 'fail':
      return `FAIL: ${plural(v.gating, 'finding')} at ${threshold}${v.gate.baseline ? ' not in the baseline' : ''} (${severities})${note}.${partial}`;
    case 'empty':
      return `EMPTY: the scope was read completely and holds no load balancer${v.gate.failOnEmpty ? ' (fail-on-empty)' : ''}.`;
    default:
      return `PASS: no failing finding at ${threshold}${note}.${partial}`;
  }
}

/** Decides the verdict from the findings, the completeness, the gate settings and the baseline. */
export function decideVerdict(input: {
  findings: readonly Finding[];
  complete: boolean;
  loadBalancerCount: number;
  emptyScopes: Verdict['emptyScopes'];
  gate: Omit<GatePolicy, 'baseline'>;
  baseline: Baseline | null;
}): Verdict {
  const gate: GatePolicy = { ...input.gate, baseline: input.baseline?.path ?? null };
  let gating = 0;
  let baselined = 0;
  let belowThreshold = 0;
  let expiredWaivers = 0;
  const gatingBySeverity: Partial<Record<Severity, number>> = {};
  for (const f of input.findings) {
    if (f.status !== 'fail') continue;
    const expired = f.waiver?.expired === true;
    if (expired) expiredWaivers++;
    if (!atOrAbove(f.severity, gate.failOn)) {
      belowThreshold++;
      continue;
    }
    // A baseline taken while a waiver was live must not outlive the waiver: an expired waiver always gates.
    if (!expired && isBaselined(f, input.baseline)) {
      baselined++;
      continue;
    }
    gating++;
    gatingBySeverity[f.severity] = (gatingBySeverity[f.severity] ?? 0) + 1;
  }
  const unseen = unseenOf(input.findings);
  const empty = input.loadBalancerCount === 0;
  // --allow-partial accepts the gap findings themselves, not a check at the threshold that a gap left undecided: that one could be failing.
  const undecidedAtThreshold = input.findings.some((f) => f.status === 'error' && !GAP_CATEGORIES.has(f.category) && atOrAbove(f.severity, gate.failOn));
  let kind: VerdictKind;
  let exitCode: Verdict['exitCode'];
  if (!input.complete && (!gate.allowPartial || empty || undecidedAtThreshold)) {
    kind = 'incomplete';
    exitCode = 3;
  } else if (gating > 0) {
    kind = 'fail';
    exitCode = 1;
  } else if (empty) {
    kind = 'empty';
    exitCode = gate.failOnEmpty ? 1 : 0;
  } else {
    kind = 'pass';
    exitCode = 0;
  }
  const parts = { gate, gating, gatingBySeverity, baselined, belowThreshold, expiredWaivers, unseen, emptyScopes: input.complete ? input.emptyScopes : [] };
  return { kind, exitCode, ...parts, headline: headlineOf(kind, parts, input.complete, undecidedAtThreshold) };
}
