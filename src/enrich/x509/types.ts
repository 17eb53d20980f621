/** Types of the X.509 analyser. The JSON-facing ones live in the model (facts.ts) and are re-exported. */
import type { CertificateKey, ChainFacts } from '../../model/facts.ts';

export type {
  CertificateKey, CertificateKeyType, CertificateRef, ChainCertificate, ChainFacts, ChainRole, ChainStatus, PathCheck,
  WeakCertificateRef,
} from '../../model/facts.ts';

export type KeyInfo = CertificateKey;

export interface SignatureInfo {
  oid: string;
  /** e.g. sha256WithRSAEncryption, ecdsa-with-SHA384, Ed25519; the OID itself when unknown. */
  name: string;
  /** md2, md5, sha1, sha224, sha256, sha384, sha512; 'intrinsic' for EdDSA; null when unknown. */
  hash: string | null;
}

/** What the extensions of one certificate say. */
export interface DecodedExtensions {
  dnsNames: string[];
  ipAddresses: string[];
  keyUsage: string[];
  extendedKeyUsage: string[];
  basicConstraints: { ca: boolean; pathLen: number | null } | null;
  subjectKeyId: string | null;
  authorityKeyId: string | null;
  mustStaple: boolean;
  sctCount: number;
}

/** Everything the analyser reads from one certificate; plain JSON. */
export interface ParsedCertificate extends DecodedExtensions {
  subject: string;
  issuer: string;
  commonName: string | null;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  key: KeyInfo;
  signature: SignatureInfo;
  /** Upper-case hex, no separators. */
  sha256: string;
  /** Subject equals issuer and the signature verifies with its own key. */
  selfSigned: boolean;
}

/** The structural judgement before strength and expiry are summarised. */
export type ChainJudgement = Omit<ChainFacts,
  'expiredCertificates' | 'notYetValidCertificates' | 'minDaysUntilExpiry' | 'weakKeyCertificates' | 'weakSignatureCertificates' | 'smallestRsaBits' | 'pathCheck'>;
