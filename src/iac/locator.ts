/**
 * Puts a finding on the file and lines that cause it: the property the failing condition reads when the code
 * writes it, else the whole resource. A gap finding (a value not known before deploy) points at the property
 * that holds the unknown value.
 */
import type { Finding } from '../model/finding.ts';
import type { SourceLocator } from '../report/reporter.ts';
import type { Origin } from './estate.ts';
import type { SourceSpan } from './values.ts';

/** Fact -> the properties (CloudFormation and Terraform names) that set it, most specific first. */
const PROPERTIES_OF_FACT: Record<string, string[]> = {
  policy: ['SslPolicy', 'ssl_policy', 'Policies', 'policy_names', 'policy_attribute', 'PolicyNames', 'Listeners', 'listener'],
  protocol: ['Protocol', 'protocol', 'Listeners', 'listener'],
  terminatesTls: ['Protocol', 'protocol', 'Listeners', 'listener'],
  acceptsCleartext: ['Protocol', 'protocol', 'Listeners', 'listener'],
  redirectsToHttps: ['DefaultActions', 'default_action', 'Protocol', 'protocol'],
  tlsPassthrough: ['Protocol', 'protocol', 'Listeners', 'listener'],
  backend: ['InstanceProtocol', 'DefaultActions', 'default_action', 'Listeners', 'listener', 'Policies'],
  certificateArns: ['Certificates', 'certificate_arn', 'SSLCertificateId', 'Listeners', 'listener'],
  sniCertificateCount: ['Certificates', 'certificate_arn'],
  mtls: ['MutualAuthentication', 'mutual_authentication'],
  deletionProtection: ['LoadBalancerAttributes', 'enable_deletion_protection'],
  dropInvalidHeaderFields: ['LoadBalancerAttributes', 'drop_invalid_header_fields'],
  desyncMitigationMode: ['LoadBalancerAttributes', 'desync_mitigation_mode'],
  accessLogs: ['LoadBalancerAttributes', 'AccessLoggingPolicy', 'access_logs'],
  crossZone: ['LoadBalancerAttributes', 'CrossZone', 'enable_cross_zone_load_balancing', 'cross_zone_load_balancing'],
  connectionDraining: ['ConnectionDrainingPolicy', 'connection_draining'],
  scheme: ['Scheme', 'internal'],
  availabilityZoneCount: ['Subnets', 'SubnetMappings', 'AvailabilityZones', 'subnets', 'subnet_mapping', 'availability_zones'],
  chain: ['CertificateChain', 'certificate_chain', 'CertificateBody', 'certificate_body'],
};
const CERTIFICATE_BODY = ['CertificateBody', 'certificate_body'];

function propertyOf(finding: Finding, unknown: ReadonlyMap<string, { reason: string; property: string }> | undefined): string[] {
  // A rule that could not judge names the unknown value in its message: point at the property holding it.
  if (finding.status === 'error' && unknown) {
    for (const u of unknown.values()) if (finding.message.includes(u.reason)) return [u.property.split('.')[0]!];
  }
  if (finding.category === 'collection-incomplete') {
    const actual = finding.evidence[0]?.actual as { operation?: unknown } | undefined;
    return typeof actual?.operation === 'string' ? [actual.operation.split('.')[0]!] : [];
  }
  const failed = finding.evidence.find((e) => !e.result)?.fact;
  if (failed && PROPERTIES_OF_FACT[failed]) return PROPERTIES_OF_FACT[failed]!;
  return finding.resource.kind === 'certificate' ? CERTIFICATE_BODY : [];
}

/** A locator over the origins of an IaC snapshot. */
export function iacLocator(
  origins: ReadonlyMap<string, Origin>,
  defaulted: ReadonlyMap<string, string>,
  unknownFacts: ReadonlyMap<string, ReadonlyMap<string, { reason: string; property: string }>> = new Map(),
): SourceLocator {
  const at = (span: SourceSpan, note: string | null) => ({ uri: span.file, startLine: span.startLine, endLine: span.endLine, note });
  return (finding) => {
    const origin = origins.get(finding.resource.arn);
    if (!origin?.span) return null;
    const note = defaulted.get(finding.resource.arn) ?? null;
    for (const property of propertyOf(finding, unknownFacts.get(finding.resource.arn))) {
      const span = origin.propertySpans[property];
      if (span) return at(span, note);
    }
    return at(origin.span, note);
  };
}
