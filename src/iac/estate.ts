/**
 * The neutral form both CloudFormation and Terraform mappers produce: snapshot records whose links to other
 * resources are still references (a ResourceRef, a name or ARN string, or an Unknown), plus what the code left
 * unknown. src/iac/snapshot-mapper.ts links them and builds the Snapshot.
 */
import type { CertificateRecord, ClassicPolicy, Listener, ListenerAction, LoadBalancer, MutualAuthentication, TargetGroup, TrustStoreRecord } from '../model/snapshot.ts';
import type { IacFormat, SourceSpan } from './values.ts';

/** The load-balancer facts that rest on where it is placed (subnets, zones): unknown together. */
export const ZONE_FACTS: readonly string[] = ['availabilityZones', 'availabilityZoneCount'];

/** Where a draft came from: its address and source lines. */
export interface Origin {
  format: IacFormat;
  address: string;
  span: SourceSpan | null;
  propertySpans: Record<string, SourceSpan>;
  account: string;
  region: string;
}

export interface ActionDraft {
  type: ListenerAction['type'];
  targetGroups: unknown[];
  redirect: ListenerAction['redirect'];
}

/** A listener record whose links (load balancer, certificates, target groups, trust store) are still references. */
export type ListenerDraft = Omit<Listener, 'arn' | 'certificates' | 'defaultActions' | 'rules' | 'mutualAuthentication' | 'observed'> & {
  origin: Origin;
  loadBalancer: unknown;
  /** Default first. */
  certificates: { ref: unknown; isDefault: boolean }[];
  defaultActions: ActionDraft[];
  mutualAuthentication: (Omit<MutualAuthentication, 'trustStoreArn'> & { trustStore: unknown }) | null;
};

export interface RuleDraft {
  origin: Origin;
  listener: unknown;
  priority: string;
  conditions: unknown[];
  actions: ActionDraft[];
}

export interface ListenerCertificateDraft {
  origin: Origin;
  listener: unknown;
  certificates: unknown[];
}

/** A load balancer record without listeners (they arrive as ListenerDrafts) and without an ARN yet. */
export type LoadBalancerDraft = {
  origin: Origin;
  record: Omit<LoadBalancer, 'arn' | 'listeners' | 'targetGroups' | 'availabilityZones' | 'observed'>;
  /** Zones named in the code, and subnets (ids or references) whose zone the link step looks up. */
  zones: string[];
  subnets: unknown[];
};
export type TargetGroupDraft = { origin: Origin; record: Omit<TargetGroup, 'arn' | 'observed'> };
/** A certificate declared in code; `record` is null when only deploy makes it (an ACM request). */
export type CertificateDraft = { origin: Origin; name: string; source: 'acm' | 'iam'; record: Omit<CertificateRecord, 'arn' | 'observed'> | null };
export type TrustStoreDraft = { origin: Origin; record: Omit<TrustStoreRecord, 'arn'> };
export type RevocationDraft = { origin: Origin; trustStore: unknown };
export type ClassicPolicyDraft = { origin: Origin; loadBalancer: unknown; policy: ClassicPolicy };
/** A CloudHSM cluster declared in code; its HSMs arrive as HsmDrafts (Terraform) or not at all (CloudFormation has no HSM resource). */
export type HsmClusterDraft = { origin: Origin; hsmType: string | null; subnets: unknown[]; declaresHsms: boolean };
/** An HSM declared in code: its cluster, and the zone or subnet (ids or references) that places it. */
export type HsmDraft = { origin: Origin; cluster: unknown; zone: unknown; subnet: unknown };
export type ClassicPolicyAttachment = { origin: Origin; loadBalancer: unknown; port: number; policyNames: string[]; side: 'listener' | 'backend' };

/** A property whose value only deploy can tell: the subject it belongs to is not judged on it before deploy. */
export interface UnknownProperty {
  address: string;
  property: string;
  reason: string;
  /** Facts of the subject that become unknown (null) because of it. */
  facts: readonly string[];
}

export class IacEstate {
  loadBalancers: LoadBalancerDraft[] = [];
  listeners: ListenerDraft[] = [];
  rules: RuleDraft[] = [];
  listenerCertificates: ListenerCertificateDraft[] = [];
  targetGroups: TargetGroupDraft[] = [];
  certificates: CertificateDraft[] = [];
  trustStores: TrustStoreDraft[] = [];
  revocations: RevocationDraft[] = [];
  classicPolicies: ClassicPolicyDraft[] = [];
  classicAttachments: ClassicPolicyAttachment[] = [];
  hsmClusters: HsmClusterDraft[] = [];
  hsms: HsmDraft[] = [];
  unknowns: UnknownProperty[] = [];
  /** Subnet address -> its availability zone as the code gives it (a string, or an Unknown). */
  subnets = new Map<string, unknown>();
  /** Every address read, with its origin (for the locator). */
  origins = new Map<string, Origin>();

  /** A trust store declared in code: its CA bundle lives in S3, so only its name and revocations are known. */
  trustStore(origin: Origin, name: string): void {
    this.trustStores.push({ origin, record: { name, account: origin.account, region: origin.region, status: 'ACTIVE', numberOfCaCertificates: null, caBundlePem: null, revocationCount: 0 } });
  }

  unknown(address: string, property: string, reason: string, facts: readonly string[] = []): void {
    this.unknowns.push({ address, property, reason, facts });
  }
}
