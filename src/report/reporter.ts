import type { AuditResult } from '../model/finding.ts';
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
  options: { sarifCategory: string };
}

export type ReportFormat = 'json' | 'sarif' | 'md' | 'html' | 'asff' | 'ocsf' | 'csv';

export interface Reporter {
  format: ReportFormat;
  fileName: string;
  render(input: ReportInput): string;
}
