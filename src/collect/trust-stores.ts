/**
 * mTLS trust stores that verify-mode listeners use: the store (DescribeTrustStores, 20 ARNs per call), its CA
 * bundle (GetTrustStoreCaCertificatesBundle answers a pre-signed S3 URL, downloaded with the same client) and
 * its revocation lists (DescribeTrustStoreRevocations, then each CRL's content the same way, for its dates).
 */
import pMap from 'p-map';
import {
  GetTrustStoreCaCertificatesBundleCommand,
  GetTrustStoreRevocationContentCommand,
  paginateDescribeTrustStoreRevocations,
  paginateDescribeTrustStores,
  type DescribeTrustStoreRevocation,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificateList, Name, type Time } from '@peculiar/asn1-x509';
import { OBSERVED, type LoadBalancer, type Observation, type TrustStoreRecord, type TrustStoreRevocation } from '../model/snapshot.ts';
import { failedObservation, type CollectContext } from './context.ts';
import { downloadPresigned } from './download.ts';
import {
  chunk,
} from './paging.ts';
import { describeError } from './retry.ts';

const PAGE_SIZE = 400;
const ARN_BATCH = 20;
// ELB accepts CA bundles up to 1 MiB; anything larger is not what it stored.
const MAX_BUNDLE_BYTES = 1024 * 1024;

/** Reads the trust stores verify-mode listeners name, with CA bundle and revocation lists. */
export async function collectTrustStores(ctx: CollectContext, region: string, loadBalancers: LoadBalancer[], fanOut: number): Promise<TrustStoreRecord[]> {
  const arns = new Set<string>();
  for (const lb of loadBalancers) for (const l of lb.listeners) if (l.mutualAuthentication?.trustStoreArn) arns.add(l.mutualAuthentication.trustStoreArn);
  const records: TrustStoreRecord[] = [];
  for (const batch of chunk([...arns].sort(), ARN_BATCH)) {
    try {
      const pages = await ctx.paginate({ service: 'elbv2', region, operation: 'DescribeTrustStores', input: { TrustStoreArns: batch, PageSize: ctx.pageSize(PAGE_SIZE) }, covers: batch }, paginateDescribeTrustStores);
      const stores = pages.flatMap((p) => p.TrustStores ?? []);
      for (const s of stores) {
        records.push({
          arn: s.TrustStoreArn ?? '',
          name: s.Name ?? '',
          account: ctx.account,
          region,
          status: s.Status ?? 'UNKNOWN',
          numberOfCaCertificates: s.NumberOfCaCertificates ?? null,
          caBundlePem: null,
          revocationCount: s.TotalRevokedEntries ?? 0,
          revocations: [],
          observed: { caBundle: OBSERVED, revocations: OBSERVED },
        });
      }
    } catch {
      // recorded as an attempt with the trust stores it covers
    }
  }
  await pMap(records, async (store) => {
    const [[bundle, bundleObserved], [revocations, revocationsObserved]] = await Promise.all([
      caBundle(ctx, region, store.arn),
      revocationLists(ctx, region, store.arn, fanOut),
    ]);
    store.caBundlePem = bundle;
    store.revocations = revocations;
    store.observed = { caBundle: bundleObserved, revocations: revocationsObserved };
  }, { concurrency: fanOut });
  return records;
}

async function caBundle(ctx: CollectContext, region: string, arn: string): Promise<[string | null, Observation]> {
  const input = { TrustStoreArn: arn };
  const [located, observed] = await ctx.observe({ service: 'elbv2', region, operation: 'GetTrustStoreCaCertificatesBundle', input, covers: [arn] }, (c, o) =>
    c.send(new GetTrustStoreCaCertificatesBundleCommand(input), o),
  );
  if (located === null) return [null, observed];
  const url = located.Location;
  if (!url) return [null, noteMissing(ctx, region, 'GetTrustStoreCaCertificatesBundle', arn, 'the answer carried no Location')];
  const [body, downloaded] = await ctx.observe(
    { service: 'elbv2', region, operation: 'GetTrustStoreCaCertificatesBundle(download)', input: { url }, covers: [arn] },
    (c, o) => downloadPresigned(c, url, o, MAX_BUNDLE_BYTES),
  );
  return body === null ? [null, downloaded] : [body.toString('utf8'), OBSERVED];
}

async function revocationLists(ctx: CollectContext, region: string, arn: string, fanOut: number): Promise<[TrustStoreRevocation[], Observation]> {
  let listed: DescribeTrustStoreRevocation[];
  try {
    const pages = await ctx.paginate({ service: 'elbv2', region, operation: 'DescribeTrustStoreRevocations', input: { TrustStoreArn: arn, PageSize: ctx.pageSize(PAGE_SIZE) }, covers: [arn] }, paginateDescribeTrustStoreRevocations);
    listed = pages.flatMap((p) => p.TrustStoreRevocations ?? []);
  } catch (error) {
    return [[], failedObservation(error)];
  }
  let worst: Observation = OBSERVED;
  const revocations = await pMap(listed, async (r): Promise<TrustStoreRevocation> => {
    const base = { revocationId: r.RevocationId ?? 0, revocationType: r.RevocationType ?? 'CRL', numberOfRevokedEntries: r.NumberOfRevokedEntries ?? null };
    const input = { TrustStoreArn: arn, RevocationId: base.revocationId };
    const [located, observed] = await ctx.observe({ service: 'elbv2', region, operation: 'GetTrustStoreRevocationContent', input, covers: [arn] }, (c, o) =>
      c.send(new GetTrustStoreRevocationContentCommand(input), o),
    );
    const url = located?.Location;
    if (!url) {
      const failure = located === null ? observed : noteMissing(ctx, region, 'GetTrustStoreRevocationContent', arn, 'the answer carried no Location');
      worst = failure;
      return { ...base, issuer: null, thisUpdate: null, nextUpdate: null, error: failure.reason };
    }
    const [body, downloaded] = await ctx.observe(
      { service: 'elbv2', region, operation: 'GetTrustStoreRevocationContent(download)', input: { url }, covers: [arn] },
      (c, o) => downloadPresigned(c, url, o),
    );
    if (body === null) {
      worst = downloaded;
      return { ...base, issuer: null, thisUpdate: null, nextUpdate: null, error: downloaded.reason };
    }
    return { ...base, ...crlDates(body) };
  }, { concurrency: fanOut });
  return [revocations.sort((a, b) => a.revocationId - b.revocationId), worst];
}

function noteMissing(ctx: CollectContext, region: string, operation: string, arn: string, reason: string): Observation {
  ctx.note('elbv2', region, operation, 'error', reason, [arn]);
  return { status: 'error', reason };
}

const iso = (time: Time | undefined): string | null => {
  const date = time?.getTime();
  return date === undefined || Number.isNaN(date.getTime()) ? null : date.toISOString();
};

/** Issuer and update times of a CRL (DER or PEM); the error says why they could not be read. */
export function crlDates(content: Buffer): Pick<TrustStoreRevocation, 'issuer' | 'thisUpdate' | 'nextUpdate' | 'error'> {
  try {
    const text = content.toString('latin1');
    const pem = /-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/.exec(text);
    const der = pem ? Buffer.from((pem[1] ?? '').replace(/\s+/g, ''), 'base64') : content;
    const crl = AsnConvert.parse(der, CertificateList);
    return {
      issuer: nameText(crl.tbsCertList.issuer),
      thisUpdate: iso(crl.tbsCertList.thisUpdate),
      nextUpdate: iso(crl.tbsCertList.nextUpdate),
      error: null,
    };
  } catch (error) {
    return { issuer: null, thisUpdate: null, nextUpdate: null, error: `the CRL could not be parsed: ${describeError(error)}` };
  }
}

// Short names for the attributes CRL issuers use; anything else is shown by OID.
const ATTRIBUTE_NAMES: Record<string, string> = { '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU' };

function nameText(name: Name): string {
  return name
    .flatMap((rdn) => rdn.map((attribute) => `${ATTRIBUTE_NAMES[attribute.type] ?? attribute.type}=${attribute.value.toString()}`))
    .join(', ');
}
