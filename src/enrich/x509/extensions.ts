/** Decoding the certificate extensions the checks read; each decoder tolerates a malformed value. */
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
  SubjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import type { RawExtension } from './der.ts';
import type { DecodedExtensions } from './types.ts';

const OID = {
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  subjectAltName: '2.5.29.17',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  tlsFeature: '1.3.6.1.5.5.7.1.24',
  sctList: '1.3.6.1.4.1.11129.2.4.2',
} as const;

const KEY_USAGE_BITS = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement',
  'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'] as const;

const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

/** A certificate may carry each SCT at most a handful of times; stop counting early on junk. */
const MAX_SCTS = 64;


/** Decode the extensions of one certificate; a malformed extension throws (the caller reports it). */
export function decodeExtensions(extensions: readonly RawExtension[]): DecodedExtensions {
  const out: DecodedExtensions = {
    dnsNames: [], ipAddresses: [], keyUsage: [], extendedKeyUsage: [], basicConstraints: null,
    subjectKeyId: null, authorityKeyId: null, mustStaple: false, sctCount: 0,
  };
  for (const extension of extensions) {
    const value = extension.value;
    switch (extension.extnID) {
      case OID.subjectAltName:
        for (const name of AsnConvert.parse(value, SubjectAlternativeName)) {
          if (name.dNSName !== undefined) out.dnsNames.push(name.dNSName);
          if (name.iPAddress !== undefined) out.ipAddresses.push(name.iPAddress);
        }
        break;
      case OID.keyUsage: {
        const bits = AsnConvert.parse(value, KeyUsage).toNumber();
        out.keyUsage = KEY_USAGE_BITS.filter((_, i) => (bits & (1 << i)) !== 0);
        break;
      }
      case OID.extKeyUsage:
        out.extendedKeyUsage = [...AsnConvert.parse(value, ExtendedKeyUsage)].map((oid) => EKU_NAMES[oid] ?? oid);
        break;
      case OID.basicConstraints: {
        const bc = AsnConvert.parse(value, BasicConstraints);
        out.basicConstraints = { ca: bc.cA, pathLen: bc.pathLenConstraint ?? null };
        break;
      }
      case OID.subjectKeyId:
        out.subjectKeyId = hex(AsnConvert.parse(value, SubjectKeyIdentifier).buffer);
        break;
      case OID.authorityKeyId: {
        const keyId = AsnConvert.parse(value, AuthorityKeyIdentifier).keyIdentifier;
        out.authorityKeyId = keyId ? hex(keyId.buffer) : null;
        break;
      }
      case OID.tlsFeature:
        // RFC 7633: SEQUENCE OF INTEGER; 5 = status_request, i.e. OCSP must-staple.
        out.mustStaple = sequenceOfIntegers(value).includes(5);
        break;
      case OID.sctList:
        out.sctCount = countScts(value);
        break;
      default:
        break;
    }
  }
  return out;
}

function hex(buffer: ArrayBuffer): string {
  return Buffer.from(buffer).toString('hex').toUpperCase();
}

function sequenceOfIntegers(der: ArrayBuffer): number[] {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Sequence)) throw new Error('malformed TLS feature extension');
  return parsed.result.valueBlock.value
    .filter((item): item is asn1js.Integer => item instanceof asn1js.Integer)
    .map((item) => item.valueBlock.valueDec);
}

/** RFC 6962 3.3: an OCTET STRING holding a TLS-encoded SignedCertificateTimestampList. */
function countScts(der: ArrayBuffer): number {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.OctetString)) throw new Error('malformed SCT list extension');
  const list = Buffer.from(parsed.result.valueBlock.valueHexView);
  if (list.length < 2) return 0;
  const end = Math.min(list.length, 2 + list.readUInt16BE(0));
  let offset = 2;
  let count = 0;
  while (offset + 2 <= end && count < MAX_SCTS) {
    offset += 2 + list.readUInt16BE(offset);
    if (offset > end) break;
    count += 1;
  }
  return count;
}
