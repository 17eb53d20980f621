/** Parsing one certificate from DER into plain facts; never throws, reports a structured error instead. */
import { X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Time } from '@peculiar/asn1-x509';
import { RsaSaPssParams } from '@peculiar/asn1-rsa';
import { keyInfo, signatureInfo } from './algorithms.ts';
import { certificateParts, extensionList } from './der.ts';
import { decodeExtensions } from './extensions.ts';
import type { ParsedCertificate } from './types.ts';

/** A parsed certificate and the Node object kept for signature checks (not part of any facts). */
export interface LoadedCertificate {
  parsed: ParsedCertificate;
  native: X509Certificate;
  der: Buffer;
  /** The name keys of its issuer and subject (der.ts nameKey), for finding trust anchors by name. */
  nameKeys: { issuer: string | null; subject: string | null };
}

export type LoadResult = { ok: true; certificate: LoadedCertificate } | { ok: false; error: string };

const RSASSA_PSS = '1.2.840.113549.1.1.10';

/** Parse one DER certificate; `label` names it in the error message. */
export function loadCertificate(der: Buffer, label: string): LoadResult {
  try {
    const native = new X509Certificate(der);
    // Node's parser has read the names and the key; the schemas decode only the parts the facts need.
    const parts = certificateParts(der);
    const extensions = decodeExtensions(parts.extensions === null ? [] : extensionList(parts.extensions));
    const signatureAlgorithm = AsnConvert.parse(parts.signatureAlgorithm, AlgorithmIdentifier);
    const sigOid = signatureAlgorithm.algorithm;
    let pssHash: string | null = null;
    if (sigOid === RSASSA_PSS && signatureAlgorithm.parameters) {
      pssHash = AsnConvert.parse(signatureAlgorithm.parameters, RsaSaPssParams).hashAlgorithm.algorithm;
    }
    const subject = oneLine(native.subject);
    const issuer = oneLine(native.issuer);
    const parsed: ParsedCertificate = {
      subject,
      issuer,
      commonName: /(?:^|\n)CN=([^\n]*)/.exec(native.subject)?.[1] ?? null,
      serialNumber: native.serialNumber.toUpperCase(),
      notBefore: AsnConvert.parse(parts.notBefore, Time).getTime().toISOString(),
      notAfter: AsnConvert.parse(parts.notAfter, Time).getTime().toISOString(),
      ...extensions,
      key: keyInfo(native.publicKey),
      signature: signatureInfo(sigOid, pssHash),
      sha256: native.fingerprint256.replace(/:/g, ''),
      selfSigned: subject === issuer && verifies(native, native),
    };
    return { ok: true, certificate: { parsed, native, der, nameKeys: parts.nameKeys } };
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
