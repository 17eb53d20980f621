/**
 * Facts: what enrich derives from a Snapshot, one object per subject. Rules read only these.
 * Each subject kind has a JSON Schema in src/enrich/schemas/<subject>.schema.json; rule examples
 * and enrich output are both validated against it, so neither can drift from the other.
 * A value that could not be known is null, never absent: a rule that reads an absent path errors.
 */
import type { LoadBalancerType, ListenerProtocol, Scheme, TlsProtocol } from './snapshot.ts';

export type SubjectKind = 'listener' | 'loadBalancer' | 'certificate' | 'hsmCluster' | 'endpoint';
export const SUBJECT_KINDS: readonly SubjectKind[] = ['listener', 'loadBalancer', 'certificate', 'hsmCluster', 'endpoint'];

/** Identity every facts object carries; it becomes Finding.resource. */
export interface SubjectIdentity {
  subject: SubjectKind;
  arn: string;
  name: string;
  account: string;
  region: string;
  /** For listeners and endpoints: the load balancer they belong to (for grouping in reports). */
  loadBalancerArn: string | null;
  loadBalancerType: LoadBalancerType | null;
}

/** Where a listener's TLS policy came from. */
export type PolicySource =
  | 'classic-predefined'   // a Classic predefined policy, or a custom one with Reference-Security-Policy
  | 'classic-custom'       // a Classic custom policy judged by its explicit attributes
  | 'elbv2-predefined'     // an ELBv2 security policy known to the project data or DescribeSSLPolicies
  | 'unknown';             // a name nobody could resolve: never treated as safe

export interface ResolvedPolicy {
  name: string | null;
  source: PolicySource;
  known: boolean;
  referencePolicy: string | null;
  protocols: TlsProtocol[];
  minProtocol: TlsProtocol | null;
  /** IANA names in the policy's preference order; unknown OpenSSL names are kept as given. */
  cipherSuites: string[];
  /** Cipher names the project's cipher table does not know (judged as insecure). */
  unknownCipherSuites: string[];
  insecureCipherSuites: string[];
  /** ciphersuite.info "weak": CBC, SHA-1, non-forward-secret, 3DES, DHE. */
  weakCipherSuites: string[];
  nonForwardSecretCipherSuites: string[];
  cbcCipherSuites: string[];
  serverCipherOrder: boolean | null;
  fips: boolean | null;
  postQuantum: boolean | null;
}

export interface ListenerFacts extends SubjectIdentity {
  subject: 'listener';
  scheme: Scheme;
  port: number;
  protocol: ListenerProtocol;
  /** HTTPS, SSL or TLS: the load balancer terminates TLS. */
  terminatesTls: boolean;
  /** HTTP, or TCP/UDP without known pass-through TLS. */
  acceptsCleartext: boolean;
  /** HTTP listener: the default action and every rule redirect to HTTPS (or answer fixed responses). */
  redirectsToHttps: boolean;
  /** TCP listener on a TLS port with targets that serve TLS (pass-through); null when unknown. */
  tlsPassthrough: boolean | null;
  backend: {
    protocol: ListenerProtocol | null;
    port: number | null;
    /** null when the listener has no single backend (e.g. a pure redirect). */
    encrypted: boolean | null;
    /** Classic only: a BackendServerAuthenticationPolicyType policy on the instance port; null elsewhere. */
    authenticated: boolean | null;
    publicKeyCount: number;
  };
  policy: ResolvedPolicy | null;
  certificateArns: string[];
  sniCertificateCount: number;
  mtls: {
    mode: 'off' | 'passthrough' | 'verify';
    trustStoreArn: string | null;
    ignoreClientCertificateExpiry: boolean | null;
    trustStoreRevocationCount: number | null;
  } | null;
}

export interface LoadBalancerFacts extends SubjectIdentity {
  subject: 'loadBalancer';
  type: LoadBalancerType;
  scheme: Scheme;
  dnsName: string;
  availabilityZones: string[];
  availabilityZoneCount: number;
  /** AZs with at least one healthy target / InService instance; null when targets are unknown. */
  healthyTargetZones: string[] | null;
  healthyTargetZoneCount: number | null;
  listenerCount: number;
  tlsListenerCount: number;
  deletionProtection: boolean | null;
  dropInvalidHeaderFields: boolean | null;
  desyncMitigationMode: string | null;
  accessLogs: boolean | null;
  crossZone: boolean | null;
  connectionDraining: boolean | null;
  tags: Record<string, string>;
}

export interface CertificateFacts extends SubjectIdentity {
  subject: 'certificate';
  source: 'acm' | 'iam';
  acmType: string | null;
  status: string | null;
  inUse: boolean;
  usedBy: string[];
  keyAlgorithm: string | null;
  notAfter: string | null;
  daysUntilExpiry: number | null;
  expired: boolean | null;
  notYetValid: boolean | null;
  renewalStatus: string | null;
  transparencyLogging: 'ENABLED' | 'DISABLED' | null;
  /** Filled by the X.509 analyser; null when no PEM was collected. */
  x509: Record<string, unknown> | null;
}

export interface HsmClusterFacts extends SubjectIdentity {
  subject: 'hsmCluster';
  state: string;
  vpcId: string | null;
  activeHsmCount: number;
  activeHsmZones: string[];
  degraded: boolean;
  readyBackupCount: number;
  /** Instances carrying the cluster's security group (web servers using it for SSL offload). */
  clientInstanceZones: string[];
  /** AZs with client instances but no active HSM. */
  clientZonesWithoutHsm: string[];
  clientVpcMismatch: boolean;
}

export interface EndpointFacts extends SubjectIdentity {
  subject: 'endpoint';
  host: string;
  port: number;
  sni: string | null;
  probeStatus: 'ok' | 'error' | 'skipped';
  probeReason: string | null;
  servedProtocols: TlsProtocol[];
  [key: string]: unknown;
}

export type Facts = ListenerFacts | LoadBalancerFacts | CertificateFacts | HsmClusterFacts | EndpointFacts;

/** The output of enrich: facts grouped by subject kind, in a stable order. */
export interface FactsBySubject {
  listener: ListenerFacts[];
  loadBalancer: LoadBalancerFacts[];
  certificate: CertificateFacts[];
  hsmCluster: HsmClusterFacts[];
  endpoint: EndpointFacts[];
}
