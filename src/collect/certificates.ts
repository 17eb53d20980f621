import pMap from 'p-map';
import {
  CertificateKeyPairOrigin,
  DescribeCertificateCommand,
  GetCertificateCommand,
  KeyAlgorithm,
  ListTagsForCertificateCommand,
  paginateListCertificates,
  type CertificateSummary,
} from '@aws-sdk/client-acm';
import {
  GetServerCertificateCommand,
  paginateListServerCertificates,
  type ServerCertificateMetadata,
} from '@aws-sdk/client-iam';
import { X509Certificate } from 'node:crypto';
import { OBSERVED, type CertificateRecord, type Observation } from '../model/snapshot.ts';
import { failedObservation, type CollectContext } from './context.ts';
import {
  isoDate,
} from './paging.ts';

/** Which certificates to fetch in full, and which load balancers use each (for inUseBy). */
export interface CertificateScope {
  /** certificate ARN -> load balancer ARNs whose listeners serve it */
  usedBy: Map<string, Set<string>>;
  all: boolean;
}

// Bodies are fetched for the certificates listeners use; the rest only when asked (their chains matter to nobody).
const NOT_FETCHED: Observation = { status: 'skipped', reason: 'not used by any listener: only listed (--all-certificates fetches it)' };

const blankRecord = (arn: string, source: 'acm' | 'iam', account: string, region: string, name: string, metadata: Observation): CertificateRecord => ({
  arn,
  source,
  account,
  region,
  name,
  domainName: null,
  subjectAlternativeNames: [],
  acmType: null,
  status: null,
  keyAlgorithm: null,
  notBefore: null,
  notAfter: null,
  renewalEligibility: null,
  renewalStatus: null,
  transparencyLogging: null,
  inUseBy: [],
  bodyPem: null,
  chainPem: null,
  tags: {},
  observed: { metadata, body: NOT_FETCHED, ...(source === 'acm' ? { tags: NOT_FETCHED } : {}) },
});

/** The IAM server certificate name is the last path segment of its ARN. */
export function iamCertificateName(arn: string): string {
  const resource = arn.split(':server-certificate/')[1] ?? '';
  return resource.split('/').pop() ?? '';
}

/**
 * IAM metadata lacks what ACM's DescribeCertificate gives (names, validity start, key type), so it is read
 * from the body, in ACM's vocabulary, so rules need not care where a certificate came from. The body is
 * also the truth for validity (emulators answer a fixed Expiration).
 */
export function iamBodyFacts(pem: string): Partial<CertificateRecord> {
  try {
    const cert = new X509Certificate(pem);
    const names = (cert.subjectAltName ?? '')
      .split(', ')
      .filter((n) => n.startsWith('DNS:'))
      .map((n) => n.slice(4));
    const commonName = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1] ?? null;
    const details = cert.publicKey.asymmetricKeyDetails;
    const type = cert.publicKey.asymmetricKeyType;
    const keyAlgorithm =
      type === 'rsa' && details?.modulusLength ? `RSA_${details.modulusLength}` : type === 'ec' && details?.namedCurve ? `EC_${details.namedCurve}` : null;
    return {
      domainName: commonName,
      subjectAlternativeNames: names,
      keyAlgorithm,
      notBefore: new Date(cert.validFrom).toISOString(),
      notAfter: new Date(cert.validTo).toISOString(),
    };
  } catch {
    // An unparsable body stays as stored; enrich reports it.
    return {};
  }
}

/** Lists IAM server certificates (global) and fetches body and chain of the used ones (or all). */
export async function collectIamCertificates(ctx: CollectContext, homeRegion: string, scope: CertificateScope, fanOut: number): Promise<CertificateRecord[]> {
  const wanted = [...scope.usedBy.keys()].filter((arn) => arn.startsWith('arn:aws') && arn.includes(':iam::'));
  let listed: ServerCertificateMetadata[] = [];
  let listing: Observation = OBSERVED;
  try {
    // IAM is global, but the client still needs a signing region.
    const pages = await ctx.paginate({ service: 'iam', region: 'global', clientRegion: homeRegion, operation: 'ListServerCertificates', input: { MaxItems: ctx.pageSize(1000) }, covers: wanted }, paginateListServerCertificates);
    listed = pages.flatMap((p) => p.ServerCertificateMetadataList ?? []);
  } catch (error) {
    // recorded; used certificates are still fetched one by one below
    listing = failedObservation(error);
  }
  const records = new Map<string, CertificateRecord>();
  for (const m of listed) {
    const record = blankRecord(m.Arn ?? '', 'iam', ctx.account, 'global', m.ServerCertificateName ?? '', OBSERVED);
    record.notAfter = isoDate(m.Expiration);
    records.set(record.arn, record);
  }
  for (const arn of wanted) if (!records.has(arn)) records.set(arn, blankRecord(arn, 'iam', ctx.account, 'global', iamCertificateName(arn), listing));
  const fetch = scope.all ? [...records.keys()] : wanted;
  await pMap(fetch, async (arn) => {
    const record = records.get(arn);
    if (!record) return;
    const input = { ServerCertificateName: record.name };
    const [out, observed] = await ctx.observe({ service: 'iam', region: 'global', clientRegion: homeRegion, operation: 'GetServerCertificate', input, covers: [arn] }, (c, o) =>
      c.send(new GetServerCertificateCommand(input), o),
    );
    record.observed.body = observed;
    const cert = out?.ServerCertificate;
    if (!cert) return;
    // GetServerCertificate carries the metadata too.
    record.observed.metadata = OBSERVED;
    record.bodyPem = cert.CertificateBody ?? null;
    record.chainPem = cert.CertificateChain ?? null;
    record.notAfter = isoDate(cert.ServerCertificateMetadata?.Expiration) ?? record.notAfter;
    if (record.bodyPem) Object.assign(record, iamBodyFacts(record.bodyPem));
    record.tags = Object.fromEntries((cert.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  }, { concurrency: fanOut });
  for (const record of records.values()) record.inUseBy = [...(scope.usedBy.get(record.arn) ?? [])].sort();
  return [...records.values()];
}

/** Lists ACM certificates of a region (every key type and origin) and describes and fetches the used ones (or all). */
export async function collectAcmCertificates(ctx: CollectContext, region: string, scope: CertificateScope, fanOut: number): Promise<CertificateRecord[]> {
  const wanted = [...scope.usedBy.keys()].filter((arn) => arn.startsWith(`arn:aws:acm:${region}:`) || arn.includes(`:acm:${region}:`));
  let listed: CertificateSummary[] = [];
  let listing: Observation = OBSERVED;
  try {
    // The default filter hides every key type but RSA_2048 and ACME-origin certificates.
    const input = { MaxItems: ctx.pageSize(1000), Includes: { keyTypes: Object.values(KeyAlgorithm) }, CertificateKeyPairOrigins: Object.values(CertificateKeyPairOrigin) };
    const pages = await ctx.paginate({ service: 'acm', region, operation: 'ListCertificates', input, covers: wanted }, paginateListCertificates);
    listed = pages.flatMap((p) => p.CertificateSummaryList ?? []);
  } catch (error) {
    // recorded; used certificates are still described one by one below
    listing = failedObservation(error);
  }
  const records = new Map<string, CertificateRecord>();
  for (const s of listed) {
    const record = blankRecord(s.CertificateArn ?? '', 'acm', ctx.account, region, s.DomainName ?? '', OBSERVED);
    record.domainName = s.DomainName ?? null;
    record.subjectAlternativeNames = s.SubjectAlternativeNameSummaries ?? [];
    record.acmType = s.Type ?? null;
    record.status = s.Status ?? null;
    record.keyAlgorithm = s.KeyAlgorithm ?? null;
    record.notBefore = isoDate(s.NotBefore);
    record.notAfter = isoDate(s.NotAfter);
    record.renewalEligibility = s.RenewalEligibility ?? null;
    records.set(record.arn, record);
  }
  for (const arn of wanted) if (!records.has(arn)) records.set(arn, blankRecord(arn, 'acm', ctx.account, region, '', listing));
  const fetch = scope.all ? [...records.keys()] : wanted;
  await pMap(fetch, async (arn) => {
    const record = records.get(arn);
    if (!record) return;
    const input = { CertificateArn: arn };
    const [[described, metadataObserved], [got, bodyObserved], [tagged, tagsObserved]] = await Promise.all([
      ctx.observe({ service: 'acm', region, operation: 'DescribeCertificate', input, covers: [arn] }, (c, o) => c.send(new DescribeCertificateCommand(input), o)),
      ctx.observe({ service: 'acm', region, operation: 'GetCertificate', input, covers: [arn] }, (c, o) => c.send(new GetCertificateCommand(input), o)),
      ctx.observe({ service: 'acm', region, operation: 'ListTagsForCertificate', input, covers: [arn] }, (c, o) => c.send(new ListTagsForCertificateCommand(input), o)),
    ]);
    // The summary lacks renewal, logging and use: a failed DescribeCertificate leaves them unknown.
    record.observed = { metadata: metadataObserved, body: bodyObserved, tags: tagsObserved };
    record.tags = Object.fromEntries((tagged?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    const d = described?.Certificate;
    if (d) {
      record.name = d.DomainName ?? record.name;
      record.domainName = d.DomainName ?? null;
      record.subjectAlternativeNames = d.SubjectAlternativeNames ?? [];
      record.acmType = d.Type ?? null;
      record.status = d.Status ?? null;
      record.keyAlgorithm = d.KeyAlgorithm ?? null;
      record.notBefore = isoDate(d.NotBefore);
      record.notAfter = isoDate(d.NotAfter);
      record.renewalEligibility = d.RenewalEligibility ?? null;
      record.renewalStatus = d.RenewalSummary?.RenewalStatus ?? null;
      const logging = d.Options?.CertificateTransparencyLoggingPreference;
      record.transparencyLogging = logging === 'ENABLED' || logging === 'DISABLED' ? logging : null;
      record.inUseBy = [...(d.InUseBy ?? [])];
      record.certificateAuthorityArn = d.CertificateAuthorityArn ?? null;
    }
    record.bodyPem = got?.Certificate ?? null;
    record.chainPem = got?.CertificateChain ?? null;
  }, { concurrency: fanOut });
  for (const record of records.values()) {
    record.inUseBy = [...new Set([...record.inUseBy, ...(scope.usedBy.get(record.arn) ?? [])])].sort();
  }
  return [...records.values()];
}
