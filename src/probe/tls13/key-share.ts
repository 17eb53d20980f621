/**
 * Client key shares for the TLS 1.3 engine (RFC 8446 4.2.8): X25519/X448, the NIST and brainpool curves, the RFC 7919
 * finite-field groups through node:crypto, and ML-KEM (FIPS 203) alone and in the draft-ietf-tls-ecdhe-mlkem
 * hybrids where node:crypto has it (Node 24 with OpenSSL 3.5: the runtime the Action and Lambda ship on).
 * On a Node without ML-KEM those groups are left out of the engine's list, so a server that accepts only them
 * gets an honest "cannot complete", never a guess.
 */
import * as nodeCrypto from 'node:crypto';
import { createDiffieHellman, createECDH, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { FFDHE_PRIMES } from './ffdhe.ts';

export interface KeyShare {
  group: number;
  /** The key_exchange bytes sent in the ClientHello. */
  publicBytes: Buffer;
  /** The shared secret with the server's key_exchange bytes (throws on a malformed share). */
  agree: (serverShare: Buffer) => Buffer;
}

/** The NIST curves and RFC 8734's TLS 1.3 brainpool curves: an uncompressed point, the x-coordinate as the secret (RFC 8446 7.4.2). */
const CURVES: Record<number, string> = { 23: 'prime256v1', 24: 'secp384r1', 25: 'secp521r1', 31: 'brainpoolP256r1', 32: 'brainpoolP384r1', 33: 'brainpoolP512r1' };
const MONTGOMERY: Record<number, { type: 'x25519' | 'x448'; crv: 'X25519' | 'X448'; size: number }> = {
  29: { type: 'x25519', crv: 'X25519', size: 32 },
  30: { type: 'x448', crv: 'X448', size: 56 },
};

/** What node:crypto offers for ML-KEM since Node 24.7 (absent from Node 20 and its types). */
interface MlKemCrypto {
  generateKeyPairSync(type: 'ml-kem-512' | 'ml-kem-768' | 'ml-kem-1024'): { publicKey: KeyObject; privateKey: KeyObject };
  decapsulate(key: KeyObject, ciphertext: Buffer): Buffer;
}
const kemCrypto = nodeCrypto as unknown as Partial<MlKemCrypto>;

let kemAvailable: boolean | undefined;
/** Whether this Node can run ML-KEM: it has decapsulate and OpenSSL knows the parameter set (tried once, on first use, not at load). */
function mlKemAvailable(): boolean {
  if (kemAvailable === undefined) {
    kemAvailable = typeof kemCrypto.decapsulate === 'function' && typeof kemCrypto.generateKeyPairSync === 'function';
    if (kemAvailable) {
      try { kemCrypto.generateKeyPairSync!('ml-kem-768'); } catch { kemAvailable = false; }
    }
  }
  return kemAvailable;
}

/** FIPS 203 sizes: encapsulation key and ciphertext, in bytes. */
const KEM = {
  'ml-kem-512': { ek: 800, ct: 768 },
  'ml-kem-768': { ek: 1184, ct: 1088 },
  'ml-kem-1024': { ek: 1568, ct: 1568 },
} as const;
type KemName = keyof typeof KEM;

/** One side of a share: the bytes sent, how many bytes of the server's share are this part's, and the agreement. */
interface Part { bytes: Buffer; serverLength: number; agree: (server: Buffer) => Buffer }

function kemPart(name: KemName): Part {
  const { publicKey, privateKey } = kemCrypto.generateKeyPairSync!(name);
  // The SubjectPublicKeyInfo's BIT STRING holds the raw encapsulation key, which ends the DER.
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const size = KEM[name];
  return {
    bytes: Buffer.from(spki.subarray(spki.length - size.ek)),
    serverLength: size.ct,
    agree: (ciphertext) => Buffer.from(kemCrypto.decapsulate!(privateKey, ciphertext)),
  };
}

/** An ECDH part: the server's share has the client's size (an X25519 key, or an uncompressed point on the same curve). */
function ecPart(group: number): Part {
  const share = makeKeyShare(group)!;
  return { bytes: share.publicBytes, serverLength: share.publicBytes.length, agree: share.agree };
}

/**
 * ML-KEM alone (0x0200-0x0202) and the hybrids of draft-ietf-tls-ecdhe-mlkem: X25519MLKEM768 puts ML-KEM first,
 * SecP256r1MLKEM768 and SecP384r1MLKEM1024 the ECDH part first; the shared secret is the parts' secrets in the
 * same order. Each part of the server's share must have exactly its size.
 */
const KEM_GROUPS: Record<number, () => Part[]> = {
  0x0200: () => [kemPart('ml-kem-512')],
  0x0201: () => [kemPart('ml-kem-768')],
  0x0202: () => [kemPart('ml-kem-1024')],
  0x11ec: () => [kemPart('ml-kem-768'), ecPart(29)],
  0x11eb: () => [ecPart(23), kemPart('ml-kem-768')],
  0x11ed: () => [ecPart(24), kemPart('ml-kem-1024')],
};

function kemShare(group: number, parts: Part[]): KeyShare {
  const expected = parts.reduce((n, p) => n + p.serverLength, 0);
  return {
    group,
    publicBytes: Buffer.concat(parts.map((p) => p.bytes)),
    agree: (server) => {
      if (server.length !== expected) throw new Error(`share of ${server.length} bytes for group 0x${group.toString(16)}, expected ${expected}`);
      let at = 0;
      return Buffer.concat(parts.map((p) => { const piece = server.subarray(at, at + p.serverLength); at += p.serverLength; return p.agree(piece); }));
    },
  };
}

const CLASSICAL_GROUPS: readonly number[] = [29, 23, 24, 25, 30, 31, 32, 33, 256, 257, 258, 259, 260];
let engineGroupList: readonly number[] | undefined;
/**
 * Groups the engine can complete a handshake with, in the order it lists them (it sends shares for X25519 and
 * P-256 only; a server wanting another asks for it with a HelloRetryRequest). The ML-KEM groups come last and
 * only where node:crypto has ML-KEM.
 */
export function engineGroups(): readonly number[] {
  engineGroupList ??= [...CLASSICAL_GROUPS, ...(mlKemAvailable() ? [0x11ec, 0x11eb, 0x11ed, 0x0201, 0x0202, 0x0200] : [])];
  return engineGroupList;
}

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
  const kem = KEM_GROUPS[group] && mlKemAvailable() ? KEM_GROUPS[group] : undefined;
  if (kem) return kemShare(group, kem());
  return undefined;
}
