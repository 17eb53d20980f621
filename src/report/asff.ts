/**
 * AWS Security Finding Format (ASFF, SchemaVersion 2018-10-08), the shape BatchImportFindings takes.
 * Field limits are those of the Security Hub API reference (AwsSecurityFinding); the product is the
 * account's own custom integration, `product/<account>/default`. Failing, error and waived findings are
 * written (what a team triages); passes appear only as the archive updates that close a finding imported
 * earlier (src/securityhub/sync.ts).
 */
import type { AuditResult, Finding } from '../model/finding.ts';
import type { RuleDefinition, Severity } from '../model/rule.ts';
import { fittedRules } from './remediation.ts';
import type { FactsBySubject } from '../model/facts.ts';
import type { Reporter } from './reporter.ts';

export const ASFF_SCHEMA_VERSION = '2018-10-08';
export const ASFF_GENERATOR_PREFIX = 'elb-tls-audit/';

/** The ASFF fields this tool writes (a subset of AwsSecurityFinding). */
export interface AsffFinding {
  SchemaVersion: string;
  Id: string;
  ProductArn: string;
  ProductName: string;
  CompanyName: string;
  GeneratorId: string;
  AwsAccountId: string;
  Region: string;
  Types: string[];
  FirstObservedAt: string;
  LastObservedAt: string;
  CreatedAt: string;
  UpdatedAt: string;
  Severity: { Label: AsffSeverityLabel; Normalized: number; Original: string };
  Title: string;
  Description: string;
  Remediation: { Recommendation: { Text: string; Url?: string } };
  ProductFields: Record<string, string>;
  Resources: AsffResource[];
  Compliance: { Status: AsffComplianceStatus; RelatedRequirements?: string[]; AssociatedStandards?: { StandardsId: string }[] };
  Workflow: { Status: 'NEW' | 'SUPPRESSED' | 'RESOLVED' };
  RecordState: 'ACTIVE' | 'ARCHIVED';
}

export interface AsffResource {
  Type: string;
  Id: string;
  Partition: string;
  Region: string;
  Details?: { Other: Record<string, string> };
}

export type AsffSeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export type AsffComplianceStatus = 'PASSED' | 'WARNING' | 'FAILED' | 'NOT_AVAILABLE';

/** Where the findings are imported: the account and region of the hub, whose default product they belong to. */
export interface AsffProduct {
  account: string;
  region: string;
  partition: string;
}

// Normalized is deprecated but still read by older integrations; the values are the midpoints of each label's band.
const SEVERITY: Record<Severity, { Label: AsffSeverityLabel; Normalized: number }> = {
  critical: { Label: 'CRITICAL', Normalized: 90 },
  high: { Label: 'HIGH', Normalized: 70 },
  medium: { Label: 'MEDIUM', Normalized: 40 },
  low: { Label: 'LOW', Normalized: 20 },
  info: { Label: 'INFORMATIONAL', Normalized: 0 },
};

/** Our control framework keys, named as people search for them in Security Hub. */
const FRAMEWORK: Record<string, { name: string; standardsId?: string }> = {
  'aws-fsbp': { name: 'AWS Foundational Security Best Practices', standardsId: 'standards/aws-foundational-security-best-practices/v/1.0.0' },
  'pci-dss-4.0': { name: 'PCI DSS v4.0', standardsId: 'standards/pci-dss/v/4.0.1' },
  'nist-800-52r2': { name: 'NIST SP 800-52r2' },
  'cis-aws': { name: 'CIS AWS Foundations Benchmark' },
  mozilla: { name: 'Mozilla Server Side TLS' },
  fips: { name: 'FIPS 140' },
};

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const nonEmpty = (text: string, fallback: string): string => (/\S/.test(text) ? text : fallback);

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** The hub a finding belongs to when none is given: its own account and region (global resources: the run's first region). */
function defaultProduct(f: Finding, scopeRegions: readonly string[]): AsffProduct {
  const region = REGION.test(f.resource.region) ? f.resource.region : scopeRegions.find((r) => REGION.test(r)) ?? 'us-east-1';
  return { account: f.resource.account, region, partition: partitionOf(f.resource.arn) };
}

/** The partition of an ARN (aws, aws-cn, aws-us-gov), `aws` for pseudo ARNs. */
export function partitionOf(arn: string): string {
  return /^arn:(aws[a-z-]*):/.exec(arn)?.[1] ?? 'aws';
}

/** Security Hub's resource type for a finding's resource (its list of types, else `Other`). */
export function asffResourceType(f: Pick<Finding, 'resource'>): string {
  const { arn, kind, loadBalancerType } = f.resource;
  if (kind === 'loadBalancer') return loadBalancerType === 'classic' ? 'AwsElbLoadBalancer' : /:loadbalancer\/(app|net|gwy)\//.test(arn) ? 'AwsElbv2LoadBalancer' : 'Other';
  if (kind === 'certificate') return arn.includes(':acm:') ? 'AwsCertificateManagerCertificate' : arn.includes(':iam:') ? 'AwsIamServerCertificate' : 'Other';
  return 'Other';
}

/** The stable finding Id: product-unique, from the finding's identity (the SARIF fingerprint's inputs). */
export function asffId(f: Pick<Finding, 'resource' | 'ruleId' | 'fingerprint'>): string {
  return clip(`elb-tls-audit/${f.resource.account}/${f.resource.region}/${f.ruleId}/${f.fingerprint}`, 512);
}

function resources(f: Finding): AsffResource[] {
  const partition = partitionOf(f.resource.arn);
  const region = f.resource.region;
  const own: AsffResource = { Type: asffResourceType(f), Id: f.resource.arn, Partition: partition, Region: region, Details: { Other: { kind: f.resource.kind, name: clip(f.resource.name, 1024) } } };
  const lbArn = f.resource.loadBalancerArn;
  if (lbArn === null || lbArn === f.resource.arn) return [own];
  // A listener or certificate finding also names its load balancer, so Security Hub groups it with that resource.
  const lb = { resource: { ...f.resource, arn: lbArn, kind: 'loadBalancer' as const } };
  return [own, { Type: asffResourceType(lb), Id: lbArn, Partition: partition, Region: region }];
}

function compliance(f: Finding): AsffFinding['Compliance'] {
  const status: AsffComplianceStatus = f.status === 'pass' || f.status === 'not_applicable' ? 'PASSED' : f.status === 'error' ? 'NOT_AVAILABLE' : 'FAILED';
  const requirements: string[] = [];
  const standards: { StandardsId: string }[] = [];
  for (const [key, ids] of Object.entries(f.controls)) {
    const framework = FRAMEWORK[key] ?? { name: key };
    for (const id of ids) requirements.push(clip(`${framework.name}/${id}`, 256));
    if (framework.standardsId && ids.length > 0) standards.push({ StandardsId: framework.standardsId });
  }
  return {
    Status: status,
    ...(requirements.length > 0 ? { RelatedRequirements: requirements.slice(0, 32) } : {}),
    ...(standards.length > 0 ? { AssociatedStandards: standards.slice(0, 20) } : {}),
  };
}

function types(f: Finding): string[] {
  const list = [`Software and Configuration Checks/AWS Security Best Practices/${f.category}`];
  for (const key of Object.keys(f.controls)) {
    if ((f.controls[key] ?? []).length > 0) list.push(`Software and Configuration Checks/Industry and Regulatory Standards/${FRAMEWORK[key]?.name ?? key}`);
  }
  return list.slice(0, 50);
}

/** One finding as ASFF; `observedAt` is the run's time (findings carry none). */
export function toAsffFinding(f: Finding, rule: RuleDefinition | undefined, product: AsffProduct | null, observedAt: string, scopeRegions: readonly string[] = []): AsffFinding {
  const hub = product ?? defaultProduct(f, scopeRegions);
  const url = rule?.references.find((r) => r.startsWith('https://'));
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: asffId(f),
    ProductArn: `arn:${hub.partition}:securityhub:${hub.region}:${hub.account}:product/${hub.account}/default`,
    ProductName: 'elb-tls-audit',
    CompanyName: 'elb-tls-audit',
    GeneratorId: `${ASFF_GENERATOR_PREFIX}${f.ruleId}`,
    AwsAccountId: f.resource.account,
    Region: REGION.test(f.resource.region) ? f.resource.region : hub.region,
    Types: types(f),
    FirstObservedAt: observedAt,
    LastObservedAt: observedAt,
    CreatedAt: observedAt,
    UpdatedAt: observedAt,
    Severity: { ...SEVERITY[f.severity], Original: f.severity },
    Title: clip(nonEmpty(rule?.title ?? '', f.ruleId), 256),
    Description: clip(nonEmpty(f.message, rule?.description ?? f.ruleId), 1024),
    Remediation: { Recommendation: { Text: clip(nonEmpty(rule?.remediation.text ?? '', 'See the rule documentation.'), 512), ...(url ? { Url: url } : {}) } },
    ProductFields: { 'elb-tls-audit/RuleId': f.ruleId, 'elb-tls-audit/Category': f.category, 'elb-tls-audit/Status': f.status, 'elb-tls-audit/Fingerprint': f.fingerprint },
    Resources: resources(f),
    Compliance: compliance(f),
    // A waived finding is reviewed and accepted: Security Hub's SUPPRESSED.
    Workflow: { Status: f.status === 'waived' ? 'SUPPRESSED' : 'NEW' },
    RecordState: 'ACTIVE',
  };
}

/** The findings a team triages (fail, error, waived) as ASFF, in findings.json order. */
export function toAsff(result: AuditResult, rules: readonly RuleDefinition[], product: AsffProduct | null = null, facts: FactsBySubject | null = null): AsffFinding[] {
  const ruleFor = fittedRules(rules, facts);
  return result.findings.filter((f) => f.status === 'fail' || f.status === 'error' || f.status === 'waived').map((f) => toAsffFinding(f, ruleFor(f), product, result.finishedAt, result.scope.regions));
}

export const asffReporter: Reporter = {
  format: 'asff',
  fileName: 'findings.asff.json',
  render: ({ result, rules, facts }) => `${JSON.stringify(toAsff(result, rules, null, facts), null, 2)}\n`,
};
