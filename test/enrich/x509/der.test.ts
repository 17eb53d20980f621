// The DER walk (src/enrich/x509/der.ts) must find exactly what a full schema parse of the certificate finds:
// the validity times, every extension (id, criticality, value bytes) and the signature algorithm, for Node's
// bundled roots and the demo estate's chains; and refuse what is not DER rather than read past it.
import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate, Time } from '@peculiar/asn1-x509';
import { describe, expect, it } from 'vitest';
import { demoCertificates } from '../../../src/demo/certificates.ts';
import { certificateNameKeys, certificateParts, extensionList } from '../../../src/enrich/x509/der.ts';
import { loadCertificate } from '../../../src/enrich/x509/parse.ts';
import { splitPemCertificates } from '../../../src/enrich/x509/pem.ts';

function ders(): Buffer[] {
  const out: Buffer[] = rootCertificates.map((pem) => Buffer.from(new X509Certificate(pem).raw));
  for (const cert of demoCertificates()) {
    for (const pem of [cert.bodyPem, cert.chainPem]) {
      if (!pem) continue;
      const split = splitPemCertificates(pem, 'demo');
      if (split.ok) out.push(...split.blocks);
    }
  }
  return out;
}

describe('the certificate DER walk', () => {
  it('finds the validity, the extensions and the signature algorithm the full schema parse finds', () => {
    const all = ders();
    expect(all.length).toBeGreaterThan(140);
    for (const der of all) {
      const full = AsnConvert.parse(der, Certificate);
      const parts = certificateParts(der);
      expect(AsnConvert.parse(parts.notBefore, Time).getTime()).toEqual(full.tbsCertificate.validity.notBefore.getTime());
      expect(AsnConvert.parse(parts.notAfter, Time).getTime()).toEqual(full.tbsCertificate.validity.notAfter.getTime());
      const walked = parts.extensions === null ? [] : extensionList(parts.extensions);
      expect(walked.map((e) => ({ id: e.extnID, critical: e.critical, value: Buffer.from(e.value).toString('hex') }))).toEqual(
        (full.tbsCertificate.extensions ?? []).map((e) => ({ id: e.extnID, critical: e.critical, value: Buffer.from(e.extnValue.buffer).toString('hex') })),
      );
      const algorithm = AsnConvert.parse(parts.signatureAlgorithm, AlgorithmIdentifier);
      expect(algorithm.algorithm).toBe(full.signatureAlgorithm.algorithm);
      expect(algorithm.parameters ? Buffer.from(algorithm.parameters).toString('hex') : null).toBe(full.signatureAlgorithm.parameters ? Buffer.from(full.signatureAlgorithm.parameters).toString('hex') : null);
      expect(parts.nameKeys).toEqual(certificateNameKeys(der));
      // Each extension value is its own buffer: decoding it cannot see the bytes around it.
      for (const e of walked) expect(e.value.byteLength).toBeLessThan(der.length);
    }
  });

  it('refuses truncated, overlong and mistagged input with a malformed-DER error', () => {
    const der = ders()[0]!;
    const cases: Buffer[] = [
      der.subarray(0, der.length - 10),
      Buffer.from([0x30, 0x80, 0x00, 0x00]),
      Buffer.from([0x30, 0x85, 0xff, 0xff, 0xff, 0xff, 0xff]),
      Buffer.from([0x31, 0x03, 0x02, 0x01, 0x00]),
      Buffer.from([0x30, 0x03, 0x30, 0x01]),
      Buffer.alloc(0),
    ];
    for (const bad of cases) expect(() => certificateParts(bad)).toThrow(/malformed DER/);
    expect(() => extensionList(Buffer.from([0x30, 0x05, 0x30, 0x03, 0x06, 0x01, 0x2a]))).toThrow(/malformed DER/);
    expect(() => extensionList(Buffer.from([0x30, 0x04, 0x30, 0x02, 0x06, 0x00]))).toThrow(/malformed DER/);
    // Name keys of what cannot be read are null (look every anchor up), never a throw.
    expect(certificateNameKeys(Buffer.from([0x30, 0x00]))).toEqual({ issuer: null, subject: null });
  });

  it('turns a certificate Node reads but whose structure is broken into a load error, never a crash', () => {
    const der = Buffer.from(ders()[0]!);
    // Corrupt the tag of the outer signatureAlgorithm: Node's parser refuses it, and so must the walk.
    const result = loadCertificate(Buffer.concat([der.subarray(0, 4), Buffer.from([0xff]), der.subarray(5)]), 'corrupted');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^corrupted: not a parsable X\.509 certificate/);
  });

  it('decodes arcs of any size in extension ids', () => {
    // SEQUENCE { SEQUENCE { OID 2.999.18446744073709551616, OCTET STRING {} } }
    const oid = [0x88, 0x37, 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00];
    const extension = [0x30, 2 + oid.length + 2, 0x06, oid.length, ...oid, 0x04, 0x00];
    const list = extensionList(Buffer.from([0x30, extension.length, ...extension]));
    expect(list.map((e) => e.extnID)).toEqual(['2.999.18446744073709551616']);
  });
});
