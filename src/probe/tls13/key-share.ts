/**
 * Client key shares for the TLS 1.3 engine (RFC 8446 4.2.8): X25519/X448, the NIST curves and the RFC 7919
 * finite-field groups through node:crypto. The ML-KEM hybrid groups are not implemented; a server that
 * accepts only those gets an honest "cannot complete", never a guess.
 */
import { createDiffieHellman, createECDH, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { FFDHE_PRIMES } from './ffdhe.ts';

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

/** Groups the engine can complete a handshake with, in the order it lists them (it sends shares for X25519 and P-256 only). */
export const ENGINE_GROUPS: readonly number[] = [29, 23, 24, 25, 30, 256, 257, 258, 259, 260];

/** Left-pads a big-endian number to the prime's length, as RFC 8446 4.2.8.1 and 7.4.1 require of Y and Z. */
function padTo(bytes: Buffer, length: number): Buffer {
  if (bytes.length > length) throw new Error(`value of ${bytes.length} bytes for a ${length}-byte prime`);
  return bytes.length === length ? bytes : Buffer.concat([Buffer.alloc(length - bytes.length), bytes]);
}

/** An RFC 7919 group share: Y = 2^x mod p; the server's Y must lie in 1 < Y < p - 1 (RFC 8446 4.2.8.1). */
function ffdheShare(group: number, primeHex: string): KeyShare {
  const prime = Buffer.from(primeHex, 'hex');
  const dh = createDiffieHellman(prime, Buffer.from([2]));
  const publicBytes = padTo(dh.generateKeys(), prime.length);
  const p = BigInt(`0x${primeHex}`);
  return {
    group,
    publicBytes,
    agree: (server) => {
      if (server.length !== prime.length) throw new Error(`ffdhe share of ${server.length} bytes for a ${prime.length}-byte prime`);
      const y = BigInt(`0x${server.toString('hex')}`);
      if (y <= 1n || y >= p - 1n) throw new Error('ffdhe share outside 1 < Y < p - 1');
      return padTo(dh.computeSecret(server), prime.length);
    },
  };
}

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
  const prime = FFDHE_PRIMES[group];
  if (prime) return ffdheShare(group, prime);
  return undefined;
}
