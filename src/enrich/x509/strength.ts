/** The fixed baseline for weak keys and signatures; rules compare the figures against their own params. */
import type { ChainCertificate, KeyInfo } from './types.ts';

/** Below this RSA/DSA size a key is listed as weak whatever the profile says (NIST SP 800-131A). */
export const BASELINE_MIN_RSA_BITS = 2048;
const APPROVED_CURVES = new Set(['P-256', 'P-384', 'P-521']);
const WEAK_HASHES = new Set(['md2', 'md4', 'md5', 'sha1']);

export interface WeakCertificate {
  position: number;
  subject: string;
  reason: string;
}

/** Why a key is weak by the baseline, or null. */
export function weakKeyReason(key: KeyInfo): string | null {
  switch (key.type) {
    case 'rsa':
    case 'rsa-pss':
      return key.bits === null || key.bits < BASELINE_MIN_RSA_BITS ? `RSA ${key.bits ?? '?'} bits` : null;
    case 'dsa':
      return `DSA ${key.bits ?? '?'} bits`;
    case 'ec':
      return key.curve && APPROVED_CURVES.has(key.curve) ? null : `EC curve ${key.curve ?? 'unknown'}`;
    case 'ed25519':
    case 'ed448':
      return null;
    default:
      return 'unknown key type';
  }
}

/** Why a signature is weak, or null; an unknown hash is weak because it cannot be shown to be strong. */
export function weakSignatureReason(algorithm: string, hash: string | null): string | null {
  if (hash === null) return `${algorithm} (unknown hash)`;
  return WEAK_HASHES.has(hash) ? algorithm : null;
}

/** Certificates that matter for strength: those a client validates, i.e. the path below the root. */
export function belowRoot(certificates: readonly ChainCertificate[]): ChainCertificate[] {
  return certificates.filter((c) => c.role === 'leaf' || c.role === 'intermediate');
}
