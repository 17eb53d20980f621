/** Parsing one certificate from DER into plain facts; never throws, reports a structured error instead. */
import { X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { RsaSaPssParams } from '@peculiar/asn1-rsa';
import { keyInfo, signatureInfo } from './algorithms.ts';
import { decodeExtensions } from './extensions.ts';
import type { ParsedCertificate } from './types.ts';

/** A parsed certificate and the Node object kept for signature checks (not part of any facts). */
export interface LoadedCertificate {
  parsed: ParsedCertificate;
  native: X509Certificate;
  der: Buffer;
}

export type LoadResult = { ok: true; certificate: LoadedCertificate } | { ok: false; error: string };

const RSASSA_PSS = '1.2.840.113549.1.1.10';

/** Parse one DER certificate; `label` names it in the error message. */
export function loadCertificate(der: Buffer, label: string): LoadResult {
  try {
    const native = new X509Certificate(der);
    const asn = AsnConvert.parse(der, Certificate);
    const tbs = asn.tbsCertificate;
    const extensions = decodeExtensions(tbs.extensions ?? []);
    const sigOid = asn.signatureAlgorithm.algorithm;
    let pssHash: string | null = null;
    if (sigOid === RSASSA_PSS && asn.signatureAlgorithm.parameters) {
      pssHash = AsnConvert.parse(asn.signatureAlgorithm.parameters, RsaSaPssParams).hashAlgorithm.algorithm;
    }
    const subject = oneLine(native.subject);
    const issuer = oneLine(native.issuer);
    const parsed: ParsedCertificate = {
      subject,
      issuer,
      commonName: /(?:^|\n)CN=([^\n]*)/.exec(native.subject)?.[1] ?? null,
      serialNumber: native.serialNumber.toUpperCase(),
      notBefore: tbs.validity.notBefore.getTime().toISOString(),
      notAfter: tbs.validity.notAfter.getTime().toISOString(),
      ...extensions,
      key: keyInfo(native.publicKey),
      signature: signatureInfo(sigOid, pssHash),
      sha256: native.fingerprint256.replace(/:/g, ''),
      selfSigned: subject === issuer && verifies(native, native),
    };
    return { ok: true, certificate: { parsed, native, der } };
  } catch (error) {
    return { ok: false, error: `${label}: not a parsable X.509 certificate (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** Whether `issuer`'s key verifies `subject`'s signature; unsupported algorithms count as no. */
export function verifies(subject: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return subject.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** Node gives one RDN per line; reports want one line. */
export function oneLine(name: string): string {
  return name.split('\n').filter((part) => part !== '').join(', ');
}
