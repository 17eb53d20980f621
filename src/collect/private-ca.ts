/** ACM Private CAs that issued the private certificates collected: status, validity, algorithms and CA certificate. */
import pMap from 'p-map';
import { DescribeCertificateAuthorityCommand, GetCertificateAuthorityCertificateCommand } from '@aws-sdk/client-acm-pca';
import type { CertificateRecord, PrivateCaRecord } from '../model/snapshot.ts';
import type { CollectContext } from './context.ts';
import {
  isoDate,
} from './paging.ts';

/** The region of an ARN (arn:partition:service:region:account:...), or null. */
const regionOf = (arn: string): string | null => arn.split(':')[3] || null;

/** One DescribeCertificateAuthority and one GetCertificateAuthorityCertificate per CA named by a collected certificate. */
export async function collectPrivateCas(ctx: CollectContext, certificates: readonly CertificateRecord[], fanOut: number): Promise<PrivateCaRecord[]> {
  const arns = [...new Set(certificates.map((c) => c.certificateAuthorityArn ?? '').filter((a) => a !== ''))].sort();
  return pMap(arns, async (arn): Promise<PrivateCaRecord> => {
    // A CA shared from another account or region is read where it lives.
    const region = regionOf(arn) ?? 'us-east-1';
    const input = { CertificateAuthorityArn: arn };
    const [[described, metadata], [got, certificate]] = await Promise.all([
      ctx.observe({ service: 'acmpca', region, operation: 'DescribeCertificateAuthority', input, covers: [arn] }, (c, o) =>
        c.send(new DescribeCertificateAuthorityCommand(input), o),
      ),
      ctx.observe({ service: 'acmpca', region, operation: 'GetCertificateAuthorityCertificate', input, covers: [arn] }, (c, o) =>
        c.send(new GetCertificateAuthorityCertificateCommand(input), o),
      ),
    ]);
    const ca = described?.CertificateAuthority;
    const config = ca?.CertificateAuthorityConfiguration;
    return {
      arn,
      account: arn.split(':')[4] ?? ctx.account,
      region,
      status: ca?.Status ?? null,
      type: ca?.Type ?? null,
      keyAlgorithm: config?.KeyAlgorithm ?? null,
      signingAlgorithm: config?.SigningAlgorithm ?? null,
      notBefore: isoDate(ca?.NotBefore),
      notAfter: isoDate(ca?.NotAfter),
      certificatePem: got?.Certificate ?? null,
      chainPem: got?.CertificateChain ?? null,
      observed: { metadata, certificate },
    };
  }, { concurrency: fanOut });
}
