import type { SubjectKind } from './facts.ts';
import type { Attempt } from './snapshot.ts';
import type { Category, Severity } from './rule.ts';

export type FindingStatus = 'pass' | 'fail' | 'not_applicable' | 'error' | 'waived';
export const FINDING_STATUSES: readonly FindingStatus[] = ['fail', 'error', 'waived', 'pass', 'not_applicable'];

export interface FindingResource {
  arn: string;
  kind: SubjectKind;
  name: string;
  region: string;
  account: string;
  loadBalancerArn: string | null;
  loadBalancerType: string | null;
}

export interface ConditionEvidence {
  fact: string;
  path: string | null;
  operator: string;
  expected: unknown;
  actual: unknown;
  result: boolean;
}

export interface Finding {
  ruleId: string;
  category: Category;
  severity: Severity;
  status: FindingStatus;
  resource: FindingResource;
  message: string;
  messageId: string | null;
  evidence: ConditionEvidence[];
  controls: Record<string, string[]>;
  /** Stable identity of rule + resource, also SARIF's primaryLocationLineHash. */
  fingerprint: string;
  waiver: { reason: string; expires: string; expired: boolean; pattern: string } | null;
}

export interface FindingsSummary {
  total: number;
  byStatus: Record<FindingStatus, number>;
  /** failing and error findings by severity */
  bySeverity: Record<Severity, number>;
  resources: { loadBalancers: number; listeners: number; certificates: number; hsmClusters: number; endpoints: number };
}

/** The gate's threshold: fail on findings at or above this severity, or never. */
export type FailOn = Severity | 'none';

export type VerdictKind = 'pass' | 'fail' | 'incomplete' | 'empty';

/** How the gate was set for this run. */
export interface GatePolicy {
  failOn: FailOn;
  allowPartial: boolean;
  failOnEmpty: boolean;
  /** The baseline file, when one was given. */
  baseline: string | null;
}

/**
 * The one verdict of a run (src/evaluate/verdict.ts); the exit code and every output state it as it is.
 * `incomplete` wins unless partial results are allowed; `empty` is a scope read completely that holds
 * no load balancer.
 */
export interface Verdict {
  kind: VerdictKind;
  exitCode: 0 | 1 | 3;
  gate: GatePolicy;
  /** Failing findings at or above the threshold that fail the gate (not in the baseline, or whose waiver expired). */
  gating: number;
  gatingBySeverity: Partial<Record<Severity, number>>;
  /** Failing findings at or above the threshold the baseline already knew. */
  baselined: number;
  /** Failing findings below the threshold (reported, not gating). */
  belowThreshold: number;
  /** Failing findings whose waiver has expired (they gate whatever the baseline says). */
  expiredWaivers: number;
  /** What was not seen: collection gaps, endpoints not probed, facts not observed; each cause once. */
  unseen: { collection: number; probe: number; facts: number; causes: string[] };
  /** Account and region pairs in scope, read completely, that hold no load balancer. */
  emptyScopes: { account: string; region: string }[];
  /** One line that says the verdict, the threshold and why. */
  headline: string;
}

/** findings.json */
export interface AuditResult {
  tool: { name: string; version: string };
  version: string;
  profile: string;
  startedAt: string;
  finishedAt: string;
  /** the time expiry windows were judged at (the snapshot's capture time unless overridden) */
  asOf: string;
  complete: boolean;
  verdict: Verdict;
  scope: { accounts: string[]; regions: string[] };
  summary: FindingsSummary;
  findings: Finding[];
  attempts: Attempt[];
  /** problems with the run's inputs that did not stop it, e.g. a waiver matching no rule or no resource */
  warnings?: string[];
  /** Present when a previous run was given (--previous, or the Lambda's previous run in the bucket). */
  changes?: FindingChanges;
  /** The checks and resources the run was narrowed to (--checks, --tag, ...); absent when nothing was filtered. */
  selection?: RunSelection;
}

/** A run's selection as findings.json records it: only the filters that were set. */
export interface RunSelection {
  checks?: string[];
  excludeChecks?: string[];
  categories?: string[];
  severities?: string[];
  resources?: string[];
  tags?: string[];
}

// --- Run-to-run changes (findings.json `changes`, written when a previous run is given) ---

/** One finding named in a change list: enough to say what changed where, without the evidence. */
export interface FindingChangeEntry {
  fingerprint: string;
  ruleId: string;
  severity: Severity;
  /** the status in this run, or `absent` when the finding is no longer produced (resource or rule gone) */
  status: FindingStatus | 'absent';
  resource: Pick<FindingResource, 'arn' | 'name' | 'kind' | 'account' | 'region'>;
  message: string;
}

/** What changed since the previous run. A finding "fails" when its status is `fail`. */
export interface FindingChanges {
  previous: { finishedAt: string; complete: boolean; bySeverity: Record<Severity, number> };
  /** failing now, not failing in the previous run */
  new: FindingChangeEntry[];
  /** failing then; passing, not applicable, or gone from a complete run now */
  resolved: FindingChangeEntry[];
  /** failing (or waived) then and now */
  unchanged: number;
  /** failing then and unknown now (an error, or not seen by an incomplete run): neither resolved nor failing */
  undetermined: FindingChangeEntry[];
  completeness: { before: boolean; now: boolean };
}
