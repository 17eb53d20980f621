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
  /** problems with the run's inputs that did not stop it, e.g. a waiver matching no rule or no resource */
  warnings?: string[];
}
