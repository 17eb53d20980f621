/**
 * results.sarif: SARIF 2.1.0 as GitHub code scanning accepts it. Every result has a physical location with a
 * colon-free relative pseudo path, our own primaryLocationLineHash, and the ARN as a logical location.
 * Waived, passing and not-applicable findings are left out; past GitHub's 25,000 results per run the
 * lowest-severity results are aggregated per rule and the run says so.
 */
import type { Log, Notification, ReportingDescriptor, Result } from 'sarif';
import type { Finding } from '../model/finding.ts';
import { describeEvidence, evidenceText, type EvidenceOrigin } from './evidence.ts';
import { describeWhen } from '../evaluate/remediation.ts';
import { fittedRules } from './remediation.ts';
import type { Remediation } from '../model/rule.ts';
import type { RuleDefinition, Severity } from '../model/rule.ts';
import type { Reporter, ReportInput, SourceLocation } from './reporter.ts';

export const SARIF_MAX_RESULTS = 25_000;
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '2.0', info: '0.0' };
const LEVEL: Record<Severity, NonNullable<Result['level']>> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/** A deterministic, colon-free relative path that stands for a cloud resource. */
export function pseudoPath(finding: Finding): string {
  const r = finding.resource;
  const tail = r.arn.replace(/^arn:aws[a-z-]*:[^:]*:[^:]*:[^:]*:/, '');
  const clean = (s: string) => s.replace(/[:\s]+/g, '_').replace(/[^A-Za-z0-9._/+=@-]/g, (c) => encodeURIComponent(c)).replace(/%/g, '_');
  return ['aws', clean(r.account || 'unknown'), clean(r.region || 'unknown'), r.kind, clean(tail)].join('/').replace(/\/+/g, '/');
}

function snippets(fix: Remediation): string[] {
  return [
    ...(fix.cli ? ['', '```sh', fix.cli, '```'] : []),
    ...(fix.cloudformation ? ['', '```yaml', fix.cloudformation, '```'] : []),
    ...(fix.terraform ? ['', '```hcl', fix.terraform, '```'] : []),
  ];
}

function helpMarkdown(rule: RuleDefinition): string {
  const parts = [`**${rule.title}**`, '', rule.description, '', `**Risk.** ${rule.risk}`, '', `**Remediation.** ${rule.remediation.text}`, ...snippets(rule.remediation)];
  for (const v of rule.remediation.variants ?? []) parts.push('', `**Remediation — ${describeWhen(v.when)}.** ${v.text}`, ...snippets(v));
  const controls = Object.entries(rule.controls).map(([f, ids]) => `${f}: ${ids.join(', ')}`);
  if (controls.length > 0) parts.push('', `**Controls.** ${controls.join('; ')}`);
  if (rule.references.length > 0) parts.push('', ...rule.references.map((r) => `- ${r}`));
  return parts.join('\n');
}

function reportingDescriptor(rule: RuleDefinition, severity: Severity): ReportingDescriptor {
  const text = `${rule.description}\nRisk: ${rule.risk}\nRemediation: ${rule.remediation.text}`;
  return {
    id: rule.id,
    name: rule.id.split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join(''),
    shortDescription: { text: rule.title.slice(0, 1024) },
    fullDescription: { text: rule.description.slice(0, 1024) },
    help: { text: text.slice(0, 8000), markdown: helpMarkdown(rule) },
    ...(rule.references[0] ? { helpUri: rule.references[0] } : {}),
    defaultConfiguration: { level: LEVEL[severity] },
    properties: {
      tags: ['security', 'tls', rule.category, ...Object.keys(rule.controls)].slice(0, 10),
      precision: 'very-high',
      'security-severity': SECURITY_SEVERITY[severity],
      category: rule.category,
    },
  };
}

function result(finding: Finding, ruleIndex: number, source: SourceLocation | null, origin: EvidenceOrigin, fix: Remediation | null): Result {
  const note = source?.note ? ` (${source.note})` : '';
  const evidence = describeEvidence(finding, origin).filter((e) => !e.met).map(evidenceText);
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: LEVEL[finding.severity],
    // GitHub shows only the text: the observed values and where they came from follow the message.
    message: { text: [`${finding.message}${note} [${finding.resource.arn}]`, ...evidence.map((e) => `Observed: ${e}`)].join('\n') },
    locations: [{
      physicalLocation: source
        ? { artifactLocation: { uri: source.uri, uriBaseId: '%SRCROOT%' }, region: { startLine: source.startLine, endLine: source.endLine } }
        : { artifactLocation: { uri: pseudoPath(finding), uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } },
      logicalLocations: [{ fullyQualifiedName: finding.resource.arn, kind: 'resource' }],
    }],
    partialFingerprints: { primaryLocationLineHash: finding.fingerprint },
    properties: {
      status: finding.status,
      severity: finding.severity,
      category: finding.category,
      account: finding.resource.account,
      region: finding.resource.region,
      resourceArn: finding.resource.arn,
      resourceKind: finding.resource.kind,
      ...(evidence.length > 0 ? { evidence } : {}),
      ...(fix ? { remediation: fix.text, ...(fix.cli ? { remediationCli: fix.cli } : {}) } : {}),
    },
  };
}

function notifications(complete: boolean, truncated: number, verdict: { headline: string; unseen: { causes: string[] } }, warnings: readonly string[]) {
  const out: Notification[] = [];
  for (const text of warnings) out.push({ level: 'warning', message: { text } });
  if (!complete) out.push({ level: 'error', message: { text: [verdict.headline, ...verdict.unseen.causes].join(' ') } });
  if (truncated > 0) out.push({ level: 'warning', message: { text: `${truncated} lower-severity results were left out: GitHub accepts ${SARIF_MAX_RESULTS} results per run. Every finding is in findings.json and report.html.` } });
  return out;
}

/** Builds the SARIF log object (exported for tests and the bench). */
export function buildSarif(input: ReportInput): Log {
  const { result: audit, rules } = input;
  const reported = audit.findings.filter((f) => f.status === 'fail' || f.status === 'error');
  const severityOf = new Map(audit.findings.map((f) => [f.ruleId, f.severity]));
  const usedRules = rules.filter((r) => reported.some((f) => f.ruleId === r.id) || severityOf.has(r.id));
  const index = new Map(usedRules.map((r, i) => [r.id, i]));
  const locate = input.options.locate ?? (() => null);
  const origin: EvidenceOrigin = input.options.locate ? 'template' : 'aws';
  // The remediation that fits the resource (an IAM certificate is not told to use ACM's import command).
  const ruleFor = fittedRules(rules, input.facts);
  const fixFor = (f: Finding): Remediation | null => ruleFor(f)?.remediation ?? null;
  let results = reported.filter((f) => index.has(f.ruleId)).map((f) => result(f, index.get(f.ruleId)!, locate(f), origin, fixFor(f)));
  let truncated = 0;
  if (results.length > SARIF_MAX_RESULTS) {
    truncated = results.length - SARIF_MAX_RESULTS;
    results = results.slice(0, SARIF_MAX_RESULTS); // findings are already sorted most severe first
  }
  const notes = notifications(audit.complete, truncated, audit.verdict, audit.warnings ?? []);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'elb-tls-audit',
          semanticVersion: audit.tool.version,
          informationUri: 'https://github.com/elb-tls-audit/elb-tls-audit',
          rules: usedRules.map((r) => reportingDescriptor(r, severityOf.get(r.id) ?? r.severity)),
        },
      },
      automationDetails: { id: `${input.options.sarifCategory.replace(/\/+$/, '')}/` },
      columnKind: 'unicodeCodePoints',
      results,
      invocations: [{
        executionSuccessful: audit.complete,
        ...(notes.length > 0 ? { toolExecutionNotifications: notes } : {}),
      }],
      properties: { profile: audit.profile, complete: audit.complete, asOf: audit.asOf, ...(truncated > 0 ? { truncatedResults: truncated } : {}) },
    }],
  };
}

export const sarifReporter: Reporter = {
  format: 'sarif',
  fileName: 'results.sarif',
  render: (input) => `${JSON.stringify(buildSarif(input), null, 1)}\n`,
};
