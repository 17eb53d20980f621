/**
 * Facts: what enrich derives from a Snapshot, one object per subject. Rules read only these.
 * Each subject kind has a JSON Schema in src/enrich/schemas/<subject>.schema.json; rule examples
 * and enrich output are both validated against it, so neither can drift from the other.
 * A value that could not be known is null, never absent: a rule that reads an absent path errors.
 */
import type { LoadBalancerType, ListenerProtocol, Scheme, TlsProtocol, VulnerabilityCheck } from './snapshot.ts';

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
  /**
   * Facts (by name or dot path) that were not observed, with why: a call failed (`error`) or the data was
   * not looked at on purpose (`skipped`). A rule reading one is an error or not applicable, never a verdict.
   * Examples may leave it out (nothing unknown).
   */
  unknown?: UnknownFacts;
}

/** fact path -> why it is unknown. */
export type UnknownFacts = Record<string, { status: 'error' | 'skipped'; reason: string }>;

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
  /** The policy's suites under each of its protocols that can carry them (per the TLS catalogue), policy order. */
  cipherSuitesByProtocol: Partial<Record<TlsProtocol, string[]>>;
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
    /** ELBv2: the weakest health-check protocol of the forwarded target groups (Lambda excluded); null for Classic or no group. */
    healthCheckProtocol: string | null;
    /** Every forwarded target group health-checks over HTTPS; null when no group or a protocol is unknown. */
    healthCheckEncrypted: boolean | null;
  };
  policy: ResolvedPolicy | null;
  certificateArns: string[];
  sniCertificateCount: number;
  mtls: {
    mode: 'off' | 'passthrough' | 'verify';
    trustStoreArn: string | null;
    ignoreClientCertificateExpiry: boolean | null;
    trustStoreRevocationCount: number | null;
    /** The trust store's CA bundle, parsed (null when there is no trust store or the bundle was not read). */
    trustStoreCaCount: number | null;
    /** CA certificates of the bundle past notAfter or before notBefore at asOf. */
    expiredCas: WeakCertificateRef[] | null;
    /** The soonest expiry among the bundle's CAs, in whole days from asOf. */
    caMinDaysUntilExpiry: number | null;
    /** Bundle certificates with a weak key or signature (the chain baseline), or that are no CA (basicConstraints, keyCertSign). */
    weakCas: WeakCertificateRef[] | null;
    /** Revocation lists the trust store holds (DescribeTrustStoreRevocations); null when not read. */
    revocationListCount: number | null;
    /** CRLs whose nextUpdate has passed at asOf. */
    expiredRevocationLists: WeakCertificateRef[] | null;
    /** Days since the thisUpdate of the oldest CRL; null when there is none or the dates were not read. */
    oldestRevocationAgeDays: number | null;
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
  listenerCount: number | null;
  tlsListenerCount: number | null;
  deletionProtection: boolean | null;
  dropInvalidHeaderFields: boolean | null;
  desyncMitigationMode: string | null;
  accessLogs: boolean | null;
  crossZone: boolean | null;
  connectionDraining: boolean | null;
  tags: Record<string, string>;
  /** Subnet ids the load balancer sits in (Classic: paired by DescribeSubnets); empty outside a VPC. */
  subnetIds: string[];
  /** ALB: a WAFv2 web ACL is associated; null for other types or when not read. */
  webAclAttached: boolean | null;
  webAclArn: string | null;
  /** Internet-facing with security groups: how the groups let the internet in; null when no group applies. */
  exposure: LoadBalancerExposure | null;
}

/** One inbound rule open to 0.0.0.0/0 or ::/0; protocol "all" with null ports is every port. */
export interface InternetIngress {
  protocol: string;
  fromPort: number | null;
  toPort: number | null;
  source: string;
  groupId: string;
}

/** What the security groups of an internet-facing load balancer let in, judged against its listeners. */
export interface LoadBalancerExposure {
  securityGroupIds: string[];
  internetIngress: InternetIngress[];
  /** Every listener terminates TLS (HTTPS, SSL, TLS): nothing plaintext is meant to be reachable. */
  tlsOnly: boolean;
  /** "tcp 22", "tcp 8000-8100", "all traffic": internet-open ranges that reach ports no listener uses. */
  openBeyondListeners: string[];
  /** TLS listener ports no inbound rule of any source reaches. */
  unreachableTlsListenerPorts: number[];
}

export type CertificateKeyType = 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'unknown';

export interface CertificateKey {
  type: CertificateKeyType;
  /** RSA/DSA modulus size; EC field size (256, 384, 521); 255/448 for EdDSA. */
  bits: number | null;
  /** P-256, P-384, P-521 (or the OpenSSL name of another curve); null for non-EC keys. */
  curve: string | null;
}

/** A certificate's place in a chain: 0 is the leaf, then the chain in the order given or served. */
export interface CertificateRef {
  position: number;
  subject: string;
  sha256: string | null;
}

export interface WeakCertificateRef {
  position: number;
  subject: string;
  reason: string;
}

export type ChainRole = 'leaf' | 'intermediate' | 'root' | 'extraneous' | 'duplicate';

/** One certificate of a judged chain, with its validity judged at asOf. */
export interface ChainCertificate extends CertificateRef {
  role: ChainRole;
  issuer: string;
  notBefore: string;
  notAfter: string;
  daysUntilExpiry: number;
  expired: boolean;
  notYetValid: boolean;
  key: CertificateKey;
  signatureAlgorithm: string;
  signatureHash: string | null;
  ca: boolean;
  selfSigned: boolean;
}

/** trusted: path to an anchor; incomplete: an issuer is missing; untrusted: the path ends at an anchor nobody trusts. */
export type ChainStatus = 'trusted' | 'incomplete' | 'untrusted' | 'error';

/** The chain judgement, the same for configured certificates (body + chain) and served chains. */
/** RFC 5280 path validation of the judged path (pkijs plus a path-length check); not-checked when there is no path. */
export interface PathCheck {
  status: 'valid' | 'invalid' | 'not-checked';
  /** what is wrong (invalid) or why nothing was checked (not-checked); empty when valid */
  problems: string[];
}

export interface ChainFacts {
  status: ChainStatus;
  /** Why the chain could not be judged (status 'error'), else null. */
  error: string | null;
  certificateCount: number;
  /** The path certificates come first, each issued by the next (by signature, not by name). */
  orderOk: boolean | null;
  rootIncluded: boolean;
  /** null when no root is included; false when anything follows an included root. */
  rootLast: boolean | null;
  /** Issuer name of the last certificate on the path when its issuer is absent (incomplete). */
  missingIssuer: string | null;
  anchor: { subject: string; source: 'bundled' | 'user' | 'supplied' | 'private-ca' } | null;
  /** Positions of the certificates on the path, leaf first, in issuing order. */
  path: number[];
  extraneous: CertificateRef[];
  duplicates: CertificateRef[];
  certificates: ChainCertificate[];
  /** Path certificates (leaf, intermediates, an included root) past notAfter / before notBefore. */
  expiredCertificates: CertificateRef[];
  notYetValidCertificates: CertificateRef[];
  /** The soonest expiry on the path, in whole days from asOf; null when nothing was parsed. */
  minDaysUntilExpiry: number | null;
  /** Below the root: RSA/DSA under 2048 bits, non-NIST curves (the fixed baseline; rules add params). */
  weakKeyCertificates: WeakCertificateRef[];
  /** Below the root: MD5/SHA-1 (or unknown-hash) signatures. */
  weakSignatureCertificates: WeakCertificateRef[];
  /** Smallest RSA/DSA key below the root; null when there is none. */
  smallestRsaBits: number | null;
  /** Name constraints, path length, CA flags and key usage of the issuers on the path; null when not judged. */
  pathCheck: PathCheck | null;
}

/** What the leaf certificate says about itself. */
export interface LeafCertificateFacts {
  subject: string;
  issuer: string;
  commonName: string | null;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  dnsNames: string[];
  ipAddresses: string[];
  wildcard: boolean;
  key: CertificateKey;
  signatureAlgorithm: string;
  signatureHash: string | null;
  keyUsage: string[];
  extendedKeyUsage: string[];
  ca: boolean | null;
  pathLen: number | null;
  subjectKeyId: string | null;
  authorityKeyId: string | null;
  mustStaple: boolean;
  sctCount: number;
  sha256: string;
  selfSigned: boolean;
}

export interface CertificateFacts extends SubjectIdentity {
  subject: 'certificate';
  source: 'acm' | 'iam';
  acmType: string | null;
  status: string | null;
  inUse: boolean;
  /** Listener ARNs serving this certificate. */
  usedBy: string[];
  /** Load balancer types serving it (application, network, classic), sorted. */
  loadBalancerTypes: string[];
  keyAlgorithm: string | null;
  /** Leaf key from the PEM, else from the API's KeyAlgorithm (e.g. RSA_2048); null when neither is known. */
  key: CertificateKey | null;
  notBefore: string | null;
  notAfter: string | null;
  /** Leaf validity at asOf: from the PEM when parsed, else from the API dates. */
  daysUntilExpiry: number | null;
  expired: boolean | null;
  notYetValid: boolean | null;
  renewalEligibility: string | null;
  renewalStatus: string | null;
  transparencyLogging: 'ENABLED' | 'DISABLED' | null;
  pemAvailable: boolean;
  /** Why the body or chain could not be analysed (broken PEM, garbage, too many certificates); else null. */
  parseError: string | null;
  leaf: LeafCertificateFacts | null;
  chain: ChainFacts | null;
  /** Names it is served for (LB DNS names, SNI names, user names) and those it does not cover; null when no name or no parsed leaf. */
  hostnameCoverage: { checked: string[]; uncovered: string[] } | null;
  /** Load balancer types serving it that cannot serve its key type (e.g. ED25519 on ALB). */
  unsupportedKeyForLbTypes: string[];
  /** ACM ListTagsForCertificate / IAM GetServerCertificate tags. */
  tags: Record<string, string>;
  /** ACM PRIVATE certificates: the issuing ACM Private CA; null for other certificates. */
  privateCa: PrivateCaFacts | null;
}

/** The ACM Private CA that issued a private certificate, as DescribeCertificateAuthority and its certificate say. */
export interface PrivateCaFacts {
  arn: string;
  status: string | null;
  type: string | null;
  keyAlgorithm: string | null;
  signingAlgorithm: string | null;
  notAfter: string | null;
  daysUntilExpiry: number | null;
  expired: boolean | null;
  /** From the CA certificate when parsed, else from KeyAlgorithm. */
  key: CertificateKey | null;
  /** The hash of SigningAlgorithm (SHA256WITHRSA -> SHA-256); null when unknown. */
  signingHash: string | null;
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

/** One served certificate deployment compared with what the listener is configured with. */
export interface EndpointCertificateDrift {
  sni: string | null;
  protocol: TlsProtocol | null;
  keyType: string | null;
  servedSha256: string | null;
  servedSubject: string | null;
  /** The configured certificate that should answer this name (default certificate for no SNI). */
  configuredArn: string | null;
  configuredSha256: string | null;
  /** Served leaf is one of the listener's certificates covering the name; null when nothing is configured or PEMs are missing. */
  matches: boolean | null;
  /** SHA-256 of each certificate as served, in served order. */
  servedChain: string[];
  /** Leaf then chain PEM as stored in ACM/IAM; null when not collected. */
  configuredChain: string[] | null;
  chainMatches: boolean | null;
}

export interface EndpointFacts extends SubjectIdentity {
  subject: 'endpoint';
  host: string;
  port: number;
  sni: string | null;
  connectedTo: string | null;
  listenerArn: string | null;
  probeStatus: 'ok' | 'error' | 'skipped';
  probeReason: string | null;
  /** What the probe could not determine, "field: reason" (endpoint-probe-incomplete turns each into an error). */
  probeIncomplete: string[];
  /** The served chain of every name probed was read (false: the chain rules cannot judge; see probeIncomplete). */
  chainsComplete: boolean;
  /** Smallest DH modulus served to a client without ffdhe groups (Logjam exposure); null when no DHE suite. */
  dhBits: number | null;
  /** The same for a client listing the RFC 7919 ffdhe groups. */
  dhBitsWithFfdhe: number | null;
  /** Named groups seen in key exchange, IANA names. */
  servedGroups: string[];
  /** The served groups that are post-quantum key exchanges: ML-KEM hybrids and ML-KEM alone (catalogue kinds hybrid-pq, pq). */
  servedPostQuantumGroups: string[];
  /** The probed name's served chain came with a stapled OCSP response; null when no chain was read. */
  ocspStapled: boolean | null;
  /** The served leaf carries the TLS Feature status_request (must-staple, RFC 7633); null when no leaf was parsed. */
  servedLeafMustStaple: boolean | null;
  serverCipherOrder: boolean | null;
  chachaPriority: boolean | null;
  /** The chain served for the probed name, judged as configured chains are (pass-through endpoints included); null when not read or unparseable. */
  servedChain: ChainFacts | null;
  /** The probed name (SNI, else the host name) against the served leaf; null when there is no parsed leaf. */
  servedHostnameCoverage: { checked: string[]; uncovered: string[] } | null;
  /** The probe ran its vulnerability checks (false: turned off, or a snapshot from before them); the endpoint-vuln-* rules apply only then. */
  vulnerabilityChecksRun: boolean;
  /** Per check: true vulnerable, false not vulnerable, null could not be determined (the rule gives error). */
  vulnerabilities: Record<VulnerabilityCheck, boolean | null>;
  /** Per check, what the server did (the probe's sentence), for messages and evidence. */
  vulnerabilityDetails: Record<VulnerabilityCheck, string>;
  /** Who answers TLS on this endpoint: the load balancer (HTTPS/TLS/SSL listener), the target (TCP pass-through), or null (no listener known). */
  tlsTerminatedBy: 'load-balancer' | 'target' | null;
  servedProtocols: TlsProtocol[];
  /** IANA names, union over protocols. */
  servedCipherSuites: string[];
  /** IANA names per served protocol, in the order the server chose them (what the HTML matrix draws). */
  servedCipherSuitesByProtocol: Partial<Record<TlsProtocol, string[]>>;
  configuredPolicy: string | null;
  /** null when the listener has no known policy (TCP pass-through, unknown policy). */
  configuredProtocols: TlsProtocol[] | null;
  configuredCipherSuites: string[] | null;
  drift: {
    extraProtocols: TlsProtocol[] | null;
    missingProtocols: TlsProtocol[] | null;
    extraCipherSuites: string[] | null;
    /** Configured suites the endpoint never chose (only those its certificates' key types can serve). */
    missingCipherSuites: string[] | null;
    certificates: EndpointCertificateDrift[];
    /** Human-readable "served X, configured Y" lines for messages; empty when everything matches. */
    certificateMismatches: string[];
    chainMismatches: string[];
  };
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
