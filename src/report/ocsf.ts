/**
 * findings.ocsf.jsonl: one OCSF Compliance Finding event (class 2003, schema 1.5.0, `cloud` profile) per
 * listed finding, one JSON object a line, as Security Lake and SIEM pipelines ingest them. The tests
 * validate every event against the class compiled from the OCSF 1.5.0 definitions.
 */
import type { AuditResult, Finding, FindingStatus } from '../model/finding.ts';
import type { RuleDefinition, Severity } from '../model/rule.ts';
import { asffId, asffResourceType, partitionOf } from './asff.ts';
import { fittedRules } from './remediation.ts';
import type { Reporter } from './reporter.ts';
import { TOOL_VERSION } from '../version.ts';

export const OCSF_VERSION = '1.5.0';
const CLASS_UID = 2003;
const CATEGORY_UID = 2;
const ACTIVITY_CREATE = 1;

const SEVERITY_ID: Record<Severity, { id: number; name: string }> = {
  info: { id: 1, name: 'Informational' },
  low: { id: 2, name: 'Low' },
  medium: { id: 3, name: 'Medium' },
  high: { id: 4, name: 'High' },
  critical: { id: 5, name: 'Critical' },
};

// compliance.status_id: 1 Pass, 2 Warning, 3 Fail; 0 Unknown is the honest word for a check that could not run.
const COMPLIANCE_STATUS: Record<FindingStatus, { id: number; name: string }> = {
  pass: { id: 1, name: 'Pass' },
  not_applicable: { id: 1, name: 'Pass' },
  fail: { id: 3, name: 'Fail' },
  waived: { id: 3, name: 'Fail' },
  error: { id: 0, name: 'Unknown' },
};

/** One finding as an OCSF Compliance Finding event. */
export function toOcsfEvent(f: Finding, rule: RuleDefinition | undefined, result: Pick<AuditResult, 'finishedAt' | 'profile'>): Record<string, unknown> {
  const time = Date.parse(result.finishedAt);
  const severity = SEVERITY_ID[f.severity];
  const compliance = COMPLIANCE_STATUS[f.status];
  const requirements = Object.entries(f.controls).flatMap(([framework, ids]) => ids.map((id) => `${framework}:${id}`));
  const standards = Object.entries(f.controls).filter(([, ids]) => ids.length > 0).map(([framework]) => framework);
  // finding status_id: 1 New, 3 Suppressed (a waiver is an accepted, reviewed risk).
  const status = f.status === 'waived' ? { id: 3, name: 'Suppressed' } : { id: 1, name: 'New' };
  return {
    activity_id: ACTIVITY_CREATE,
    activity_name: 'Create',
    category_uid: CATEGORY_UID,
    category_name: 'Findings',
    class_uid: CLASS_UID,
    class_name: 'Compliance Finding',
    type_uid: CLASS_UID * 100 + ACTIVITY_CREATE,
    type_name: 'Compliance Finding: Create',
    time,
    severity_id: severity.id,
    severity: severity.name,
    status_id: status.id,
    status: status.name,
    message: f.message,
    metadata: {
      version: OCSF_VERSION,
      profiles: ['cloud'],
      product: { name: 'elb-tls-audit', vendor_name: 'elb-tls-audit', version: TOOL_VERSION },
      event_code: f.ruleId,
    },
    cloud: { provider: 'AWS', region: f.resource.region, account: { uid: f.resource.account, type_id: 10, type: 'AWS Account' } },
    finding_info: {
      uid: asffId(f),
      title: rule?.title ?? f.ruleId,
      ...(rule ? { desc: rule.description } : {}),
      types: [f.category],
      created_time: time,
      product: { name: 'elb-tls-audit', version: TOOL_VERSION },
    },
    compliance: {
      control: f.ruleId,
      status_id: compliance.id,
      status: compliance.name,
      status_detail: f.message,
      ...(standards.length > 0 ? { standards } : {}),
      ...(requirements.length > 0 ? { requirements } : {}),
    },
    resources: [
      {
        uid: f.resource.arn,
        name: f.resource.name,
        type: asffResourceType(f),
        region: f.resource.region,
        cloud_partition: partitionOf(f.resource.arn),
        labels: [f.resource.kind, ...(f.resource.loadBalancerType ? [f.resource.loadBalancerType] : [])],
      },
    ],
    ...(rule ? { remediation: { desc: rule.remediation.text, ...(rule.references.length > 0 ? { references: rule.references } : {}) } } : {}),
    unmapped: {
      fingerprint: f.fingerprint,
      status: f.status,
      profile: result.profile,
      ...(f.resource.loadBalancerArn ? { load_balancer_arn: f.resource.loadBalancerArn } : {}),
      ...(f.waiver ? { waiver: f.waiver } : {}),
    },
  };
}

export const ocsfReporter: Reporter = {
  format: 'ocsf',
  fileName: 'findings.ocsf.jsonl',
  render: ({ result, rules, facts }) => {
    const ruleFor = fittedRules(rules, facts);
    return result.findings.map((f) => `${JSON.stringify(toOcsfEvent(f, ruleFor(f), result))}\n`).join('');
  },
};
