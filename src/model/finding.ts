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
  scope: { accounts: string[]; regions: string[] };
  summary: FindingsSummary;
  findings: Finding[];
  attempts: Attempt[];
  /** Present when a previous run was given (--previous, or the Lambda's previous run in the bucket). */
  changes?: FindingChanges;
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
