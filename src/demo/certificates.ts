/** The demo estate's IAM and ACM certificates, with the PEMs of src/demo/pki.json. */
import { X509Certificate } from 'node:crypto';
import { OBSERVED, type CertificateRecord } from '../model/snapshot.ts';
import { ACCOUNT, REGION } from './builders.ts';
import pki from './pki.json' with { type: 'json' };

/** The certificates the demo account holds (the PKI also has one that only a stand-in endpoint serves). */
type DemoName = Exclude<keyof typeof pki.certificates, 'www.shop.example.com-2025'>;

const meta: Record<DemoName, { source: 'acm' | 'iam'; acmType: string | null; id: string; renewal: string | null; ct: 'ENABLED' | 'DISABLED' | null }> = {
  'legacy-web-2019': { source: 'iam', acmType: null, id: 'ASCADEMOLEGACY00001', renewal: null, ct: null },
  'payments.example.com': { source: 'acm', acmType: 'IMPORTED', id: '0f6c3d4e-1111-4aaa-8bbb-000000000001', renewal: null, ct: 'DISABLED' },
  'shop.example.com': { source: 'acm', acmType: 'AMAZON_ISSUED', id: '0f6c3d4e-1111-4aaa-8bbb-000000000002', renewal: null, ct: 'ENABLED' },
  'www.shop.example.com': { source: 'acm', acmType: 'AMAZON_ISSUED', id: '0f6c3d4e-1111-4aaa-8bbb-000000000003', renewal: 'PENDING_VALIDATION', ct: 'ENABLED' },
  'api.example.com': { source: 'acm', acmType: 'IMPORTED', id: '0f6c3d4e-1111-4aaa-8bbb-000000000004', renewal: null, ct: 'DISABLED' },
  'intranet.corp.example': { source: 'acm', acmType: 'PRIVATE', id: '0f6c3d4e-1111-4aaa-8bbb-000000000005', renewal: null, ct: 'DISABLED' },
  'mqtt.example.com': { source: 'acm', acmType: 'IMPORTED', id: '0f6c3d4e-1111-4aaa-8bbb-000000000006', renewal: null, ct: 'DISABLED' },
};

/** One CertificateRecord per demo certificate. */
export function demoCertificates(): CertificateRecord[] {
  return (Object.keys(meta) as DemoName[]).map((name) => {
    const m = meta[name];
    const pem = pki.certificates[name];
    const x = new X509Certificate(pem.bodyPem);
    const sans = (x.subjectAltName ?? '').split(', ').filter(Boolean).map((s) => s.replace(/^DNS:/, ''));
    const key = x.publicKey.asymmetricKeyType === 'rsa' ? `RSA_${x.publicKey.asymmetricKeyDetails?.modulusLength}` : 'EC_prime256v1';
    return {
      arn: m.source === 'iam' ? `arn:aws:iam::${ACCOUNT}:server-certificate/${name}` : `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/${m.id}`,
      source: m.source,
      account: ACCOUNT,
      region: m.source === 'iam' ? 'global' : REGION,
      name,
      domainName: sans[0] ?? null,
      subjectAlternativeNames: sans,
      acmType: m.acmType,
      status: m.source === 'acm' ? (Date.parse(x.validTo) < Date.parse('2026-11-20') ? 'EXPIRED' : 'ISSUED') : null,
      keyAlgorithm: key,
      notBefore: new Date(x.validFrom).toISOString(),
      notAfter: new Date(x.validTo).toISOString(),
      renewalEligibility: m.acmType === 'AMAZON_ISSUED' ? 'ELIGIBLE' : m.source === 'acm' ? 'INELIGIBLE' : null,
      renewalStatus: m.renewal,
      transparencyLogging: m.ct,
      inUseBy: [],
      bodyPem: pem.bodyPem,
      chainPem: pem.chainPem === '' ? null : pem.chainPem,
      tags: {},
      observed: { metadata: OBSERVED, body: OBSERVED },
    };
  });
}
