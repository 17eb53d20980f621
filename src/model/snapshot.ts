/**
 * The Snapshot: everything collect and probe saw, as plain versioned JSON.
 * It is the only input of enrich/evaluate, so it can be saved, diffed and re-evaluated offline.
 * Its JSON Schema is src/snapshot/snapshot.schema.json; keep the two in step.
 */

export const SNAPSHOT_SCHEMA_VERSION = 2 as const;

export type LoadBalancerType = 'classic' | 'application' | 'network' | 'gateway';
export type Scheme = 'internet-facing' | 'internal';

/** Protocol names as the probe and enrich speak them. */
export type TlsProtocol = 'SSLv2' | 'SSLv3' | 'TLSv1.0' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
export const TLS_PROTOCOLS: readonly TlsProtocol[] = ['SSLv2', 'SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/**
 * Whether one collected list or attribute set was seen: `ok` (the answer is the data, an empty list means
 * none), `error` (the call failed: the data is unknown), `skipped` (not looked at, on purpose, with why).
 * It travels with the record, so enrich can tell "none" from "unseen" without re-reading the attempts.
 */
export interface Observation {
  status: AttemptStatus;
  reason: string | null;
}

/** The one observation every record starts from when its data came in the answer that listed it. */
export const OBSERVED: Observation = Object.freeze({ status: 'ok', reason: null }) as Observation;

/** What was seen of a load balancer: the lists and attribute sets read by calls of their own. */
export interface LoadBalancerObserved {
  /** ELBv2 DescribeListeners; Classic listeners come with DescribeLoadBalancers. */
  listeners: Observation;
  /** DescribeLoadBalancerAttributes. */
  attributes: Observation;
  tags: Observation;
  /** Classic DescribeLoadBalancerPolicies (custom SSL negotiation and back-end authentication policies). */
  classicPolicies: Observation;
  /** Classic DescribeInstanceHealth. */
  registeredInstances: Observation;
  /** ELBv2 DescribeTargetGroups. */
  targetGroups: Observation;
  /** ALB: WAFv2 GetWebACLForResource / ListResourcesForWebACL. Absent in snapshots that did not look. */
  webAcl?: Observation;
  /** Classic in a VPC: EC2 DescribeSubnets (which subnet serves each AZ). Absent in snapshots that did not look. */
  subnets?: Observation;
}

export interface Snapshot {
  schemaVersion: typeof SNAPSHOT_SCHEMA_VERSION;
  generator: { name: string; version: string };
  capturedAt: string;
  scope: { accounts: string[]; regions: string[] };
  loadBalancers: LoadBalancer[];
  certificates: CertificateRecord[];
  hsmClusters: HsmCluster[];
  instances: InstanceRecord[];
  /** ELBv2 DescribeSSLPolicies answers per region, when the API gave them (they win over rules/data). */
  sslPolicies: SslPolicyRecord[];
  /** Classic predefined policies read from the API (DescribeLoadBalancerPolicies with no LB name). */
  classicPredefinedPolicies: ClassicPolicy[];
  trustStores: TrustStoreRecord[];
  /** Security groups the load balancers name (EC2 DescribeSecurityGroups); absent in snapshots that did not read them. */
  securityGroups?: SecurityGroupRecord[];
  /** ACM Private CAs that issued certificates in the snapshot (acm-pca); absent in snapshots that did not read them. */
  privateCas?: PrivateCaRecord[];
  observations: ProbeObservation[];
  attempts: Attempt[];
}

export interface LoadBalancer {
  /** ELBv2 ARN; Classic load balancers get arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/<name>. */
  arn: string;
  name: string;
  type: LoadBalancerType;
  account: string;
  region: string;
  scheme: Scheme;
  dnsName: string;
  vpcId: string | null;
  availabilityZones: { zoneName: string; subnetId: string | null }[];
  securityGroups: string[];
  /**
   * ELBv2 attribute keys as the API gives them. Classic attributes are flattened (src/collect/classic.ts):
   * access_log.enabled, access_log.s3_bucket_name, access_log.s3_bucket_prefix, access_log.emit_interval,
   * connection_draining.enabled, connection_draining.timeout, connection_settings.idle_timeout,
   * cross_zone_load_balancing.enabled, desync_mitigation_mode (alias of elb.http.desyncmitigationmode);
   * other AdditionalAttributes keep their API key. Values are strings ("true", "120").
   */
  attributes: Record<string, string>;
  tags: Record<string, string>;
  listeners: Listener[];
  /** Classic only: every policy defined on the load balancer (DescribeLoadBalancerPolicies). */
  classicPolicies: ClassicPolicy[];
  /** Classic only: BackendServerDescriptions. */
  backendServers: { instancePort: number; policyNames: string[] }[];
  /** Classic only: registered instances and their health. */
  registeredInstances: { instanceId: string; state: TargetHealthState }[];
  /** ELBv2 only. */
  targetGroups: TargetGroup[];
  createdAt: string | null;
  /**
   * ALB only: the WAFv2 web ACL associated with it, null when none; absent when not looked at
   * (then observed.webAcl says why, or the snapshot predates the check).
   */
  webAclArn?: string | null;
  observed: LoadBalancerObserved;
}

export type ListenerProtocol =
  | 'HTTP' | 'HTTPS' | 'TCP' | 'SSL' | 'TLS' | 'UDP' | 'TCP_UDP' | 'QUIC' | 'TCP_QUIC' | 'GENEVE';

export interface Listener {
  /** ELBv2 listener ARN; Classic: `<lb arn>/listener/<port>`. */
  arn: string;
  port: number;
  protocol: ListenerProtocol;
  /** Classic only: InstanceProtocol / InstancePort. */
  instanceProtocol: ListenerProtocol | null;
  instancePort: number | null;
  /** Classic only: PolicyNames of the listener (the SSL negotiation policy is among them). */
  policyNames: string[];
  /** ELBv2 only: SslPolicy. */
  sslPolicy: string | null;
  /** Default certificate first (isDefault), then the SNI certificate list. */
  certificates: { arn: string; isDefault: boolean }[];
  defaultActions: ListenerAction[];
  /** ELBv2 non-default listener rules (DescribeRules). */
  rules: ListenerRule[];
  alpnPolicy: string[];
  mutualAuthentication: MutualAuthentication | null;
  observed: {
    /** ELBv2 DescribeListenerCertificates (the SNI list). */
    certificates: Observation;
    /** ELBv2 DescribeRules. */
    rules: Observation;
  };
}

export interface ListenerAction {
  type: 'forward' | 'redirect' | 'fixed-response' | 'authenticate-oidc' | 'authenticate-cognito';
  targetGroupArns: string[];
  redirect: { protocol: string | null; port: string | null; host: string | null; statusCode: string } | null;
}

export interface ListenerRule {
  arn: string;
  priority: string;
  conditions: unknown[];
  actions: ListenerAction[];
}

export interface MutualAuthentication {
  mode: 'off' | 'passthrough' | 'verify';
  trustStoreArn: string | null;
  ignoreClientCertificateExpiry: boolean | null;
  advertiseTrustStoreCaNames: 'on' | 'off' | null;
}

export interface TrustStoreRecord {
  arn: string;
  name: string;
  account: string;
  region: string;
  status: string;
  numberOfCaCertificates: number | null;
  /** CA bundle PEM when it could be read (GetTrustStoreCaCertificatesBundle, then the pre-signed S3 URL). */
  caBundlePem: string | null;
  revocationCount: number;
  /** The revocation lists (DescribeTrustStoreRevocations) with the dates of each CRL as downloaded. */
  revocations?: TrustStoreRevocation[];
  /** Absent in snapshots that did not read the bundle or the revocation lists. */
  observed?: {
    /** GetTrustStoreCaCertificatesBundle and its download. */
    caBundle: Observation;
    /** DescribeTrustStoreRevocations, GetTrustStoreRevocationContent and the downloads. */
    revocations: Observation;
  };
}

/** One revocation list of a trust store; the dates come from the CRL itself (null when it could not be read). */
export interface TrustStoreRevocation {
  revocationId: number;
  revocationType: string;
  numberOfRevokedEntries: number | null;
  issuer: string | null;
  thisUpdate: string | null;
  nextUpdate: string | null;
  /** Why the CRL content could not be read or parsed; null when it was. */
  error: string | null;
}

/** One inbound rule of a security group, as EC2 gives it (protocol "-1" is every protocol, ports then null). */
export interface SecurityGroupIngress {
  protocol: string;
  fromPort: number | null;
  toPort: number | null;
  ipv4Ranges: string[];
  ipv6Ranges: string[];
  prefixListIds: string[];
  /** Other security groups allowed in (group ids). */
  groupIds: string[];
}

export interface SecurityGroupRecord {
  groupId: string;
  account: string;
  region: string;
  name: string;
  vpcId: string | null;
  inbound: SecurityGroupIngress[];
}

/** An ACM Private CA (DescribeCertificateAuthority + GetCertificateAuthorityCertificate). */
export interface PrivateCaRecord {
  arn: string;
  account: string;
  region: string;
  /** ACTIVE, DISABLED, EXPIRED, PENDING_CERTIFICATE, CREATING, DELETED, FAILED; null when not described. */
  status: string | null;
  /** ROOT or SUBORDINATE. */
  type: string | null;
  keyAlgorithm: string | null;
  signingAlgorithm: string | null;
  notBefore: string | null;
  notAfter: string | null;
  /** The CA certificate and the chain above it (subordinate CAs); null when not read. */
  certificatePem: string | null;
  chainPem: string | null;
  observed: {
    /** DescribeCertificateAuthority. */
    metadata: Observation;
    /** GetCertificateAuthorityCertificate. */
    certificate: Observation;
  };
}

export interface ClassicPolicy {
  name: string;
  type: string;
  attributes: { name: string; value: string }[];
}

export type TargetHealthState =
  | 'healthy' | 'unhealthy' | 'initial' | 'draining' | 'unused' | 'unavailable' | 'unknown';

export interface TargetGroup {
  arn: string;
  name: string;
  protocol: ListenerProtocol | null;
  port: number | null;
  targetType: 'instance' | 'ip' | 'lambda' | 'alb';
  healthCheckProtocol: string | null;
  vpcId: string | null;
  targets: { id: string; port: number | null; availabilityZone: string | null; health: TargetHealthState }[];
  attributes: Record<string, string>;
  observed: {
    /** DescribeTargetHealth. */
    targets: Observation;
    /** DescribeTargetGroupAttributes. */
    attributes: Observation;
  };
}

export interface CertificateRecord {
  arn: string;
  source: 'acm' | 'iam';
  account: string;
  /** 'global' for IAM. */
  region: string;
  /** IAM server certificate name, ACM domain name. */
  name: string;
  domainName: string | null;
  subjectAlternativeNames: string[];
  /** ACM Type: AMAZON_ISSUED | IMPORTED | PRIVATE; IAM certificates: null. */
  acmType: string | null;
  status: string | null;
  keyAlgorithm: string | null;
  notBefore: string | null;
  notAfter: string | null;
  renewalEligibility: string | null;
  renewalStatus: string | null;
  transparencyLogging: 'ENABLED' | 'DISABLED' | null;
  inUseBy: string[];
  /** Leaf PEM and chain PEM as stored (GetCertificate / GetServerCertificate); null when not fetched. */
  bodyPem: string | null;
  chainPem: string | null;
  tags: Record<string, string>;
  /** ACM PRIVATE certificates: the Private CA that issued it (DescribeCertificate CertificateAuthorityArn). */
  certificateAuthorityArn?: string | null;
  observed: {
    /** ACM DescribeCertificate; IAM ListServerCertificates (metadata) and the body's own fields. */
    metadata: Observation;
    /** ACM GetCertificate / IAM GetServerCertificate: leaf and chain PEM. */
    body: Observation;
    /** ACM ListTagsForCertificate (IAM tags come with GetServerCertificate); absent in snapshots that did not read them. */
    tags?: Observation;
  };
}

export interface HsmCluster {
  clusterId: string;
  account: string;
  region: string;
  state: string;
  hsmType: string | null;
  vpcId: string | null;
  securityGroup: string | null;
  /** AZ -> subnet id. */
  subnetMapping: Record<string, string>;
  hsms: { hsmId: string; availabilityZone: string; subnetId: string | null; state: string; eniIp: string | null }[];
  backups: { backupId: string; state: string; createTimestamp: string | null }[];
  observed: {
    /** DescribeBackups. */
    backups: Observation;
  };
}

export interface InstanceRecord {
  instanceId: string;
  account: string;
  region: string;
  availabilityZone: string | null;
  subnetId: string | null;
  vpcId: string | null;
  securityGroups: string[];
  state: string | null;
}

export interface SslPolicyRecord {
  region: string;
  name: string;
  protocols: string[];
  /** OpenSSL or IANA names (TLS 1.3), in priority order. */
  ciphers: string[];
  supportedLoadBalancerTypes: string[];
}

/** sslyze-style envelope: whether something was looked at, and why not. */
export type AttemptStatus = 'ok' | 'error' | 'skipped';

export interface Attempt {
  /** e.g. elb, elbv2, iam, acm, cloudhsmv2, ec2, sts, probe */
  service: string;
  account: string;
  region: string;
  /** the call family, e.g. DescribeLoadBalancers, DescribeListenerCertificates */
  operation: string;
  status: AttemptStatus;
  reason: string | null;
  /** ARNs (or ids) of the resources this attempt would have covered, when known. */
  covers: string[];
}

export interface ServedCertificate {
  subject: string;
  issuer: string;
  sha256: string;
  pem: string;
}

/** One certificate deployment as served to one SNI name (RSA and ECDSA deployments are separate entries). */
export interface ServedChain {
  sni: string | null;
  chain: ServedCertificate[];
  ocspStapled: boolean | null;
  /** The protocol the chain was read over (TLS 1.3 chains from the probe's own TLS 1.3 engine, older ones from the cleartext hello). */
  protocol: TlsProtocol | null;
  /** Leaf public key type: rsa, ec, ed25519, ... */
  keyType: string | null;
}

export interface ProbeObservation {
  target: { host: string; port: number; sni: string | null; connectedTo: string | null };
  loadBalancerArn: string | null;
  listenerArn: string | null;
  status: AttemptStatus;
  reason: string | null;
  /** true accepted, false refused, null not tested or not determined (an answer that could not be read; see incomplete). */
  protocols: Record<TlsProtocol, boolean | null>;
  /** IANA names per protocol, in the server's preference order when it has one. */
  cipherSuites: Partial<Record<TlsProtocol, string[]>>;
  serverCipherOrder: boolean | null;
  groups: string[];
  dhBits: number | null;
  /** One entry per SNI name tried (null = no SNI); each chain in the order the server sent it. */
  certificates: ServedChain[];
  /** Anomalies seen while probing (short-hello fallback, a suite chosen that was never offered, ...). */
  notes: string[];
  connections: number;
  durationMs: number;
  /**
   * What the probe could not determine although the endpoint answered, and why: `field` names the part
   * of this observation that is missing or may be short (certificates, cipherSuites.TLSv1.2, dhBits,
   * serverCipherOrder, ...). Empty or absent: everything recorded was determined. Never judged as a pass.
   */
  incomplete?: { field: string; reason: string }[];
  /** DH modulus bits a client offering the RFC 7919 ffdhe groups gets (dhBits is what a client without them gets). */
  dhBitsWithFfdhe?: number | null;
  /** Server order holds except that a client listing ChaCha20-Poly1305 first gets it (OpenSSL PRIORITIZE_CHACHA). */
  chachaPriority?: boolean | null;
  /** Vulnerability checks (RFC 5746, client renegotiation, CRIME, fallback SCSV, Heartbleed, CCS injection, ROBOT); absent: not run. */
  vulnerabilities?: Partial<Record<VulnerabilityCheck, VulnerabilityResult>>;
}

/** The vulnerability checks the probe runs on every endpoint (what matters where TLS is not terminated by AWS). */
export const VULNERABILITY_CHECKS = [
  'secureRenegotiation', 'clientRenegotiation', 'compression', 'fallbackScsv', 'heartbleed', 'ccsInjection', 'robot',
] as const;
export type VulnerabilityCheck = (typeof VULNERABILITY_CHECKS)[number];

/** One check's verdict; unknown (the check could not be run or its answer read) is neither pass nor fail. */
export interface VulnerabilityResult {
  status: 'vulnerable' | 'not-vulnerable' | 'unknown';
  /** What the server did, in a sentence (the evidence a finding quotes). */
  detail: string;
}
