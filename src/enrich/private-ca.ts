/** The ACM Private CA behind a private certificate: status, validity and algorithms, as certificate facts. */
import type { CertificateKey, PrivateCaFacts } from '../model/facts.ts';
import type { CertificateRecord, PrivateCaRecord } from '../model/snapshot.ts';
import { keyFromApi } from './certificate.ts';
import { loadCertificate } from './x509/parse.ts';
import { splitPemCertificates } from './x509/pem.ts';
import type { UnknownFactsCollector } from './unknown.ts';

const DAY_MS = 86_400_000;
const METADATA_FACTS = ['privateCa.status', 'privateCa.type', 'privateCa.keyAlgorithm', 'privateCa.signingAlgorithm', 'privateCa.signingHash', 'privateCa.notAfter', 'privateCa.daysUntilExpiry', 'privateCa.expired'];

/** SigningAlgorithm (SHA256WITHRSA, SHA384WITHECDSA, SM3WITHSM2, ML_DSA_65) as the hash the analyser names. */
export function signingHash(algorithm: string | null): string | null {
  if (algorithm === null) return null;
  if (algorithm.startsWith('ML_DSA')) return 'ml-dsa';
  const hash = /^(SHA\d+|SM3|MD5)WITH/i.exec(algorithm)?.[1];
  return hash ? hash.toLowerCase() : null;
}

function caKey(ca: PrivateCaRecord): CertificateKey | null {
  if (ca.certificatePem !== null) {
    const split = splitPemCertificates(ca.certificatePem, 'Private CA certificate');
    const der = split.ok ? split.blocks[0] : undefined;
    const loaded = der ? loadCertificate(der, 'Private CA certificate') : null;
    if (loaded?.ok) return loaded.certificate.parsed.key;
  }
  return keyFromApi(ca.keyAlgorithm);
}

/** Facts of the issuing Private CA; null for certificates ACM did not issue from a Private CA. */
export function privateCaFacts(
  record: CertificateRecord,
  context: { cas: Map<string, PrivateCaRecord>; collected: boolean },
  asOf: string,
  unknown: UnknownFactsCollector,
): PrivateCaFacts | null {
  if (record.source !== 'acm' || record.acmType !== 'PRIVATE') return null;
  const arn = record.certificateAuthorityArn;
  if (arn === undefined || !context.collected) {
    unknown.mark('privateCa', 'skipped', 'this snapshot holds no Private CAs (collected before they were read, or by a source that cannot see them)');
    return null;
  }
  if (arn === null) {
    const metadata = record.observed.metadata;
    unknown.mark('privateCa', metadata.status === 'ok' ? 'error' : metadata.status, metadata.status === 'ok'
      ? 'DescribeCertificate named no CertificateAuthorityArn for this private certificate'
      : `the issuing CA is unknown: DescribeCertificate ${metadata.reason ?? 'was not read'}`);
    return null;
  }
  const ca = context.cas.get(arn);
  if (!ca) {
    unknown.mark('privateCa', 'error', `Private CA ${arn} is not in the snapshot`);
    return null;
  }
  unknown.from(ca.observed.metadata, `the Private CA ${arn} (DescribeCertificateAuthority)`, ...METADATA_FACTS);
  const key = caKey(ca);
  if (key === null) unknown.from(ca.observed.certificate, `the Private CA certificate (GetCertificateAuthorityCertificate)`, 'privateCa.key');
  const asOfMs = Date.parse(asOf);
  return {
    arn,
    status: ca.status,
    type: ca.type,
    keyAlgorithm: ca.keyAlgorithm,
    signingAlgorithm: ca.signingAlgorithm,
    notAfter: ca.notAfter,
    daysUntilExpiry: ca.notAfter === null ? null : Math.floor((Date.parse(ca.notAfter) - asOfMs) / DAY_MS),
    expired: ca.notAfter === null ? null : asOfMs > Date.parse(ca.notAfter),
    key,
    signingHash: signingHash(ca.signingAlgorithm),
  };
}
