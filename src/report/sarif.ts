/**
 * results.sarif: SARIF 2.1.0 as GitHub code scanning accepts it. Every result has a physical location with a
 * colon-free relative pseudo path, our own primaryLocationLineHash, and the ARN as a logical location.
 * Waived, passing and not-applicable findings are left out. GitHub's upload limits
 * (github/docs data/reusables/code-scanning/sarif-limits.md, as summarised in the project's research
 * notes, ecosystem.md §1.6): 10 MB gzip-compressed file, 20 runs, 25,000 results per run, 25,000 rules
 * per run, 1,000 locations per result, 20 tags per rule of which 10 are kept. We write one run, one
 * location per result and at most 10 tags per rule; past 25,000 results or 10 MB compressed the run
 * keeps the most severe results (first slimming each result's copied remediation text, then leaving the
 * lowest-severity results out) and says so in run.properties, a notification and summary.md.
 */
import { gzipSync } from 'node:zlib';
import type { Log, Notification, ReportingDescriptor, Result } from 'sarif';
import type { Finding } from '../model/finding.ts';
import { describeEvidence, evidenceText, type EvidenceOrigin } from './evidence.ts';
import { describeWhen } from '../evaluate/remediation.ts';
import { fittedRules } from './remediation.ts';
import type { Remediation } from '../model/rule.ts';
import type { RuleDefinition, Severity } from '../model/rule.ts';
import type { Reporter, ReportInput, SourceLocation } from './reporter.ts';

export const SARIF_MAX_RESULTS = 25_000;
/** GitHub's "10 MB" for the gzip-compressed file, read as the smaller 10,000,000 bytes. */
export const SARIF_MAX_GZIP_BYTES = 10_000_000;
/** GitHub keeps 10 tags per rule (20 accepted); the troubleshooting page asks for fewer than 10. */
export const SARIF_MAX_TAGS = 10;
import { SEVERITIES } from '../model/rule.ts';
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
      tags: [...new Set(['security', 'tls', rule.category, ...Object.keys(rule.controls)])].slice(0, SARIF_MAX_TAGS),
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

/** What the run left out to stay within GitHub's limits (all zero / false when nothing was). */
export interface SarifTruncation {
  /** failing and error findings that could go into the run */
  reported: number;
  /** of those, left out: past the 25,000 results per run, then to fit 10 MB compressed */
  leftOutForCount: number;
  leftOutForSize: number;
  /** left-out results per severity */
  leftOutBySeverity: Partial<Record<Severity, number>>;
  /** results lost their copied remediation text (it stays in the rule's help) to fit the size limit */
  slimmed: boolean;
}

export interface SarifLimits { maxResults: number; maxGzipBytes: number }
const GITHUB_LIMITS: SarifLimits = { maxResults: SARIF_MAX_RESULTS, maxGzipBytes: SARIF_MAX_GZIP_BYTES };

function notifications(complete: boolean, t: SarifTruncation, limits: SarifLimits, verdict: { headline: string; unseen: { causes: string[] } }, warnings: readonly string[]) {
  const out: Notification[] = [];
  for (const text of warnings) out.push({ level: 'warning', message: { text } });
  if (!complete) out.push({ level: 'error', message: { text: [verdict.headline, ...verdict.unseen.causes].join(' ') } });
  const left = t.leftOutForCount + t.leftOutForSize;
  if (left > 0) {
    out.push({ level: 'warning', message: { text: `${left} lower-severity results were left out (${describeLeftOut(t)}): GitHub accepts ${limits.maxResults} results per run and ${limits.maxGzipBytes / 1_000_000} MB of gzip-compressed SARIF. Every finding is in findings.json and report.html.` } });
  } else if (t.slimmed) {
    out.push({ level: 'note', message: { text: `Results carry no copy of their remediation text so the file stays under ${limits.maxGzipBytes / 1_000_000} MB gzip-compressed; each rule's help has it.` } });
  }
  return out;
}

function describeLeftOut(t: SarifTruncation): string {
  return SEVERITIES.filter((s) => (t.leftOutBySeverity[s] ?? 0) > 0).map((s) => `${t.leftOutBySeverity[s]} ${s}`).join(', ');
}

/** One line saying what results.sarif left out, for summary.md; null when nothing was. */
export function sarifTruncationLine(t: SarifTruncation): string | null {
  const left = t.leftOutForCount + t.leftOutForSize;
  if (left === 0) return null;
  const why = [t.leftOutForCount > 0 ? `${SARIF_MAX_RESULTS.toLocaleString('en-US')} results per run` : null,
    t.leftOutForSize > 0 ? `${SARIF_MAX_GZIP_BYTES / 1_000_000} MB gzip-compressed` : null].filter(Boolean).join(' and ');
  return `results.sarif holds ${(t.reported - left).toLocaleString('en-US')} of ${t.reported.toLocaleString('en-US')} failing and error findings, the most severe: ${left.toLocaleString('en-US')} lower-severity results (${describeLeftOut(t)}) were left out to stay within GitHub's limit of ${why}. Every finding is in findings.json and report.html.`;
}

const render = (log: Log): string => `${JSON.stringify(log, null, 1)}\n`;

function gzipBytes(text: string, limit: number): number {
  // A file under the limit before compression is under it after.
  return Buffer.byteLength(text) <= limit ? Buffer.byteLength(text) : gzipSync(text).length;
}

/** Without the per-result copy of the rule's remediation (it stays in the rule's help). */
function slim(r: Result): Result {
  const { remediation: _r, remediationCli: _c, ...properties } = r.properties ?? {};
  return { ...r, properties };
}

interface Fitted { log: Log; text: string; truncation: SarifTruncation }

/** The results that may go into the run, most severe first (stable: the audit's order within a severity), so a cut takes the least severe. */
function ranked(reported: readonly Finding[], ruleIndex: ReadonlyMap<string, number>): Finding[] {
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  return reported.filter((f) => ruleIndex.has(f.ruleId)).map((f, i) => ({ f, i })).sort((a, b) => rank(a.f.severity) - rank(b.f.severity) || a.i - b.i).map((x) => x.f);
}

function countBySeverity(findings: readonly Finding[]): Partial<Record<Severity, number>> {
  const out: Partial<Record<Severity, number>> = {};
  for (const f of findings) out[f.severity] = (out[f.severity] ?? 0) + 1;
  return out;
}

/** Builds the log and fits it to GitHub's limits; see the file comment. */
export function fitSarif(input: ReportInput, limits: SarifLimits = GITHUB_LIMITS): Fitted {
  const { result: audit, rules } = input;
  const reported = audit.findings.filter((f) => f.status === 'fail' || f.status === 'error');
  const severityOf = new Map(audit.findings.map((f) => [f.ruleId, f.severity]));
  const reportedRules = new Set(reported.map((f) => f.ruleId));
  const usedRules = rules.filter((r) => reportedRules.has(r.id) || severityOf.has(r.id));
  const index = new Map(usedRules.map((r, i) => [r.id, i]));
  const locate = input.options.locate ?? (() => null);
  const origin: EvidenceOrigin = input.options.locate ? 'template' : 'aws';
  // The remediation that fits the resource (an IAM certificate is not told to use ACM's import command).
  const ruleFor = fittedRules(rules, input.facts);
  const fixFor = (f: Finding): Remediation | null => ruleFor(f)?.remediation ?? null;
  const kept = ranked(reported, index);
  const truncation: SarifTruncation = { reported: kept.length, leftOutForCount: 0, leftOutForSize: 0, leftOutBySeverity: {}, slimmed: false };
  const byCount = Math.min(kept.length, limits.maxResults);
  truncation.leftOutForCount = kept.length - byCount;
  let count = byCount;
  const keep = (n: number) => {
    count = n;
    truncation.leftOutForSize = byCount - n;
    truncation.leftOutBySeverity = countBySeverity(kept.slice(n));
  };
  keep(byCount);
  let results = kept.slice(0, count).map((f) => result(f, index.get(f.ruleId)!, locate(f), origin, fixFor(f)));
  const build = (): Log => {
    const notes = notifications(audit.complete, truncation, limits, audit.verdict, audit.warnings ?? []);
    const left = truncation.leftOutForCount + truncation.leftOutForSize;
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
        results: results.slice(0, count),
        invocations: [{
          executionSuccessful: audit.complete,
          ...(notes.length > 0 ? { toolExecutionNotifications: notes } : {}),
        }],
        properties: {
          profile: audit.profile, complete: audit.complete, asOf: audit.asOf,
          ...(left > 0 ? { truncatedResults: left, truncatedForResultLimit: truncation.leftOutForCount, truncatedForSizeLimit: truncation.leftOutForSize,
            truncatedBySeverity: truncation.leftOutBySeverity, reportedResults: truncation.reported } : {}),
          ...(truncation.slimmed ? { resultsWithoutRemediationCopy: true } : {}),
        },
      }],
    };
  };
  let log = build();
  let text = render(log);
  let size = gzipBytes(text, limits.maxGzipBytes);
  if (size > limits.maxGzipBytes) {
    truncation.slimmed = true;
    results = results.map(slim);
    log = build();
    text = render(log);
    size = gzipBytes(text, limits.maxGzipBytes);
  }
  while (size > limits.maxGzipBytes && count > 0) {
    // Shrink in proportion to the overshoot (a little more, so it usually takes one step).
    keep(Math.max(0, Math.min(count - 1, Math.floor(count * (limits.maxGzipBytes / size) * 0.97))));
    log = build();
    text = render(log);
    size = gzipBytes(text, limits.maxGzipBytes);
  }
  return { log, text, truncation };
}

const fitted = new WeakMap<ReportInput, { findings: readonly Finding[]; fit: Fitted }>();

/** fitSarif with GitHub's limits, once per report input (results.sarif and summary.md share it). */
export function sarifFor(input: ReportInput): Fitted {
  const had = fitted.get(input);
  if (had && had.findings === input.result.findings) return had.fit;
  const fit = fitSarif(input);
  fitted.set(input, { findings: input.result.findings, fit });
  return fit;
}

/**
 * What results.sarif leaves out: exact when it was rendered for this input (writeReports renders SARIF
 * before summary.md), else the count limit alone, which needs no rendering (summary.md on its own).
 */
export function sarifTruncationOf(input: ReportInput): SarifTruncation {
  const had = fitted.get(input);
  if (had && had.findings === input.result.findings) return had.fit.truncation;
  const ruleIds = new Map(input.rules.map((r, i) => [r.id, i]));
  const kept = ranked(input.result.findings.filter((f) => f.status === 'fail' || f.status === 'error'), ruleIds);
  return { reported: kept.length, leftOutForCount: Math.max(0, kept.length - SARIF_MAX_RESULTS), leftOutForSize: 0,
    leftOutBySeverity: countBySeverity(kept.slice(SARIF_MAX_RESULTS)), slimmed: false };
}

/** Builds the SARIF log object (exported for tests and the bench). */
export function buildSarif(input: ReportInput, limits: SarifLimits = GITHUB_LIMITS): Log {
  return fitSarif(input, limits).log;
}

export const sarifReporter: Reporter = {
  format: 'sarif',
  fileName: 'results.sarif',
  render: (input) => sarifFor(input).text,
};
