/**
 * The RFC 7919 primes the TLS 1.3 engine uses for finite-field key shares, each checked against the named
 * group of the same name that OpenSSL builds in (an independent copy of RFC 7919 Appendix A), and the share
 * arithmetic checked against node:crypto on both sides.
 */
import { execFileSync } from 'node:child_process';
import { createDiffieHellman } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FFDHE_PRIMES } from '../../src/probe/tls13/ffdhe.ts';
import { makeKeyShare } from '../../src/probe/tls13/key-share.ts';

/** The prime of an OpenSSL named DH group, as hexadecimal without leading zeros (DER DHParameter: SEQUENCE { p, g }). */
function opensslPrime(name: string): string {
  const pem = execFileSync('openssl', ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', `group:${name}`], { encoding: 'utf8' });
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const length = (at: number): [number, number] => {
    const first = der[at]!;
    if (first < 0x80) return [first, at + 1];
    const n = first & 0x7f;
    return [der.readUIntBE(at + 1, n), at + 1 + n];
  };
  const [, seqBody] = length(1);
  expect(der[seqBody]).toBe(0x02);
  const [pLength, pAt] = length(seqBody + 1);
  return der.subarray(pAt, pAt + pLength).toString('hex').replace(/^(00)+/, '');
}

describe('RFC 7919 groups', () => {
  for (const [name, code, bits] of [['ffdhe2048', 256, 2048], ['ffdhe3072', 257, 3072], ['ffdhe4096', 258, 4096], ['ffdhe6144', 259, 6144], ['ffdhe8192', 260, 8192]] as const) {
    it(`${name} (0x0${code.toString(16)}) is OpenSSL's ${name}, and a share agrees with a peer on the same prime`, () => {
      const prime = FFDHE_PRIMES[code]!;
      expect(prime.length * 4).toBe(bits);
      expect(prime).toBe(opensslPrime(name));
      const share = makeKeyShare(code)!;
      expect(share.publicBytes).toHaveLength(bits / 8);
      const peer = createDiffieHellman(Buffer.from(prime, 'hex'), Buffer.from([2]));
      const peerPublic = peer.generateKeys();
      const padded = Buffer.concat([Buffer.alloc(bits / 8 - peerPublic.length), peerPublic]);
      const ours = share.agree(padded);
      const theirs = peer.computeSecret(share.publicBytes);
      expect(ours).toHaveLength(bits / 8);
      expect(ours.toString('hex')).toBe(Buffer.concat([Buffer.alloc(bits / 8 - theirs.length), theirs]).toString('hex'));
    });
  }
  it('refuses a peer share of the wrong length, 1, or p - 1', () => {
    const share = makeKeyShare(256)!;
    const p = Buffer.from(FFDHE_PRIMES[256]!, 'hex');
    const pMinusOne = Buffer.from(p); pMinusOne[pMinusOne.length - 1]! -= 1;
    expect(() => share.agree(Buffer.alloc(255, 5))).toThrow(/255 bytes/);
    expect(() => share.agree(Buffer.concat([Buffer.alloc(255), Buffer.from([1])]))).toThrow(/outside/);
    expect(() => share.agree(pMinusOne)).toThrow(/outside/);
  });
});
