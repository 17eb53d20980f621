/** Signature-algorithm OIDs and key details: what the analyser needs to judge strength. */
import type { KeyObject } from 'node:crypto';
import type { KeyInfo, SignatureInfo } from './types.ts';

// RFC 3279, 4055, 5758, 8410 names; the hash is what a weak-signature check reads.
const SIGNATURE_ALGORITHMS: Record<string, { name: string; hash: string | null }> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', hash: 'md2' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', hash: 'md5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'sha1' },
  '1.2.840.113549.1.1.10': { name: 'rsassaPss', hash: null },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'sha512' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', hash: 'sha224' },
  '1.3.14.3.2.29': { name: 'sha1WithRSASignature', hash: 'sha1' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'sha512' },
  '1.2.840.10040.4.3': { name: 'dsa-with-sha1', hash: 'sha1' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa-with-sha256', hash: 'sha256' },
  '1.3.101.112': { name: 'Ed25519', hash: 'intrinsic' },
  '1.3.101.113': { name: 'Ed448', hash: 'intrinsic' },
};

const HASH_OIDS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.4': 'sha224',
};

/** Name and hash of a signature algorithm OID; `pssHashOid` is the hash from RSASSA-PSS parameters. */
export function signatureInfo(oid: string, pssHashOid: string | null): SignatureInfo {
  const known = SIGNATURE_ALGORITHMS[oid];
  if (!known) return { oid, name: oid, hash: null };
  // RSASSA-PSS with absent parameters means SHA-1 (RFC 4055 defaults).
  if (oid === '1.2.840.113549.1.1.10') return { oid, name: known.name, hash: pssHashOid ? (HASH_OIDS[pssHashOid] ?? null) : 'sha1' };
  return { oid, ...known };
}

const CURVES: Record<string, { name: string; bits: number }> = {
  prime256v1: { name: 'P-256', bits: 256 },
  secp384r1: { name: 'P-384', bits: 384 },
  secp521r1: { name: 'P-521', bits: 521 },
  secp224r1: { name: 'P-224', bits: 224 },
  prime192v1: { name: 'P-192', bits: 192 },
  secp256k1: { name: 'secp256k1', bits: 256 },
};

/** Key type, size and curve of a public key. */
export function keyInfo(key: KeyObject): KeyInfo {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
    case 'dsa':
      return { type: key.asymmetricKeyType, bits: details.modulusLength ?? null, curve: null };
    case 'ec': {
      const named = details.namedCurve ?? null;
      const curve = named ? (CURVES[named] ?? null) : null;
      return { type: 'ec', bits: curve?.bits ?? null, curve: curve?.name ?? named };
    }
    case 'ed25519':
      return { type: 'ed25519', bits: 255, curve: null };
    case 'ed448':
      return { type: 'ed448', bits: 448, curve: null };
    default:
      return { type: 'unknown', bits: null, curve: null };
  }
}
