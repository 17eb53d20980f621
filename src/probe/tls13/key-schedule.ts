/**
 * The part of the TLS 1.3 key schedule (RFC 8446 section 7) a client needs to read the server's encrypted
 * handshake flight: handshake secret, server handshake traffic keys, and record decryption for the five
 * TLS 1.3 suites. Everything is node:crypto; nothing here ever sends application data.
 */
import { createDecipheriv, createHash, createHmac } from 'node:crypto';

export interface SuiteCrypto {
  hash: 'sha256' | 'sha384';
  hashLength: number;
  cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305' | 'aes-128-ccm';
  keyLength: number;
  tagLength: number;
}

/** RFC 8446 B.4 and RFC 8998 are not implemented beyond these; an unknown suite is reported, not guessed. */
const SUITES: Record<number, SuiteCrypto> = {
  0x1301: { hash: 'sha256', hashLength: 32, cipher: 'aes-128-gcm', keyLength: 16, tagLength: 16 },
  0x1302: { hash: 'sha384', hashLength: 48, cipher: 'aes-256-gcm', keyLength: 32, tagLength: 16 },
  0x1303: { hash: 'sha256', hashLength: 32, cipher: 'chacha20-poly1305', keyLength: 32, tagLength: 16 },
  0x1304: { hash: 'sha256', hashLength: 32, cipher: 'aes-128-ccm', keyLength: 16, tagLength: 16 },
  0x1305: { hash: 'sha256', hashLength: 32, cipher: 'aes-128-ccm', keyLength: 16, tagLength: 8 },
};

/** The crypto parameters of a TLS 1.3 suite, or undefined when the engine cannot decrypt it. */
export function suiteCrypto(code: number): SuiteCrypto | undefined {
  return SUITES[code];
}

/** Suite codes the engine can complete a handshake for, in offer order. */
export const ENGINE_SUITES: readonly number[] = [0x1301, 0x1302, 0x1303, 0x1304, 0x1305];

function hkdfExtract(hash: SuiteCrypto['hash'], salt: Buffer, ikm: Buffer): Buffer {
  return createHmac(hash, salt).update(ikm).digest();
}

function hkdfExpand(hash: SuiteCrypto['hash'], prk: Buffer, info: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  for (let i = 1, got = 0; got < length; i++, got += previous.length) {
    previous = createHmac(hash, prk).update(Buffer.concat([previous, info, Buffer.from([i])])).digest();
    blocks.push(previous);
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** HKDF-Expand-Label (RFC 8446 7.1). */
export function expandLabel(hash: SuiteCrypto['hash'], secret: Buffer, label: string, context: Buffer, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'ascii');
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, full.length]), full, Buffer.from([context.length]), context]);
  return hkdfExpand(hash, secret, info, length);
}

export function transcriptHash(hash: SuiteCrypto['hash'], messages: readonly Buffer[]): Buffer {
  const h = createHash(hash);
  for (const m of messages) h.update(m);
  return h.digest();
}

export interface TrafficKeys {
  key: Buffer;
  iv: Buffer;
}

/**
 * server_handshake_traffic_secret's key and IV from the (EC)DHE shared secret and the transcript hash of
 * ClientHello..ServerHello (no PSK, so the early secret is HKDF-Extract(0, 0)).
 */
export function serverHandshakeKeys(suite: SuiteCrypto, sharedSecret: Buffer, helloHash: Buffer): TrafficKeys {
  const zeros = Buffer.alloc(suite.hashLength);
  // No PSK: salt and IKM are both the all-zero string (HMAC pads a shorter zero key to the same thing).
  const early = hkdfExtract(suite.hash, zeros, zeros);
  const emptyHash = transcriptHash(suite.hash, []);
  const derived = expandLabel(suite.hash, early, 'derived', emptyHash, suite.hashLength);
  const handshake = hkdfExtract(suite.hash, derived, sharedSecret);
  const serverSecret = expandLabel(suite.hash, handshake, 's hs traffic', helloHash, suite.hashLength);
  return {
    key: expandLabel(suite.hash, serverSecret, 'key', Buffer.alloc(0), suite.keyLength),
    iv: expandLabel(suite.hash, serverSecret, 'iv', Buffer.alloc(0), 12),
  };
}

/** Opens one TLSCiphertext (RFC 8446 5.2); returns the inner content type and content, or throws. */
export function openRecord(suite: SuiteCrypto, keys: TrafficKeys, sequence: bigint, header: Buffer, ciphertext: Buffer): { type: number; content: Buffer } {
  if (ciphertext.length < suite.tagLength + 1) throw new Error('encrypted record shorter than its tag');
  const nonce = Buffer.from(keys.iv);
  for (let i = 0; i < 8; i++) {
    const at = 11 - i;
    nonce[at] = (nonce[at] ?? 0) ^ Number((sequence >> BigInt(8 * i)) & 0xffn);
  }
  const body = ciphertext.subarray(0, ciphertext.length - suite.tagLength);
  const tag = ciphertext.subarray(ciphertext.length - suite.tagLength);
  let plain: Buffer;
  if (suite.cipher === 'aes-128-ccm') {
    // CCM needs the tag length and the plaintext length before the data.
    const decipher = createDecipheriv(suite.cipher, keys.key, nonce, { authTagLength: suite.tagLength });
    decipher.setAuthTag(tag);
    decipher.setAAD(header, { plaintextLength: body.length });
    plain = Buffer.concat([decipher.update(body), decipher.final()]);
  } else {
    const decipher = createDecipheriv(suite.cipher as 'aes-128-gcm', keys.key, nonce, { authTagLength: suite.tagLength });
    decipher.setAuthTag(tag);
    decipher.setAAD(header);
    plain = Buffer.concat([decipher.update(body), decipher.final()]);
  }
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  if (end === 0) throw new Error('encrypted record with no content type');
  return { type: plain[end - 1] ?? 0, content: plain.subarray(0, end - 1) };
}
