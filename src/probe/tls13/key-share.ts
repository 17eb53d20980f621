/**
 * Client key shares for the TLS 1.3 engine (RFC 8446 4.2.8): X25519/X448 and the NIST curves through
 * node:crypto. The finite-field and ML-KEM hybrid groups are not implemented; a server that accepts only
 * those gets an honest "cannot complete", never a guess.
 */
import { createECDH, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface KeyShare {
  group: number;
  /** The key_exchange bytes sent in the ClientHello. */
  publicBytes: Buffer;
  /** The shared secret with the server's key_exchange bytes (throws on a malformed share). */
  agree: (serverShare: Buffer) => Buffer;
}

const CURVES: Record<number, string> = { 23: 'prime256v1', 24: 'secp384r1', 25: 'secp521r1' };
const MONTGOMERY: Record<number, { type: 'x25519' | 'x448'; crv: 'X25519' | 'X448'; size: number }> = {
  29: { type: 'x25519', crv: 'X25519', size: 32 },
  30: { type: 'x448', crv: 'X448', size: 56 },
};

/** Groups the engine can complete a handshake with, in the order it sends shares and lists them. */
export const ENGINE_GROUPS: readonly number[] = [29, 23, 24, 25, 30];

/** A fresh key share for the group, or undefined when the engine does not implement it. */
export function makeKeyShare(group: number): KeyShare | undefined {
  const curve = CURVES[group];
  if (curve) {
    const ecdh = createECDH(curve);
    const publicBytes = ecdh.generateKeys();
    return { group, publicBytes, agree: (server) => ecdh.computeSecret(server) };
  }
  const mont = MONTGOMERY[group];
  if (mont) {
    const { privateKey, publicKey } = generateKeyPairSync(mont.type as 'x25519');
    const raw = Buffer.from((publicKey.export({ format: 'jwk' }).x ?? ''), 'base64url');
    return {
      group,
      publicBytes: raw,
      agree: (server) => {
        if (server.length !== mont.size) throw new Error(`${mont.crv} share of ${server.length} bytes`);
        const peer: KeyObject = createPublicKey({ key: { kty: 'OKP', crv: mont.crv, x: server.toString('base64url') }, format: 'jwk' });
        return diffieHellman({ privateKey, publicKey: peer });
      },
    };
  }
  return undefined;
}
