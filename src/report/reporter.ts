import type { AuditResult, Finding } from '../model/finding.ts';
import type { FactsBySubject } from '../model/facts.ts';
import type { RuleDefinition } from '../model/rule.ts';
import type { Snapshot } from '../model/snapshot.ts';

/** Everything a reporter may show. Reporters format; they never compute findings or facts. */
export interface ReportInput {
  result: AuditResult;
  snapshot: Snapshot;
  facts: FactsBySubject;
  /** the rules that ran, for help text, remediation and references */
  rules: RuleDefinition[];
  /** options the reporters honour */
  options: { sarifCategory: string; locate?: SourceLocator };
}

/** Where a finding sits in a source file (IaC mode): a repository-relative path and a line range. */
export interface SourceLocation {
  uri: string;
  startLine: number;
  endLine: number;
  /** Appended to the message, e.g. that the judged value is the service default. */
  note: string | null;
}

/** Finds the source location of a finding; null keeps the resource's pseudo path. */
export type SourceLocator = (finding: Finding) => SourceLocation | null;

export type ReportFormat = 'json' | 'sarif' | 'md' | 'html' | 'asff' | 'ocsf' | 'csv';

export interface Reporter {
  format: ReportFormat;
  fileName: string;
  render(input: ReportInput): string;
}
