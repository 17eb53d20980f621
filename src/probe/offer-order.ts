/**
 * Which catalogue suites the probe offers for a protocol, and in what order: what servers commonly accept
 * first, so the first <=128-suite bundle finds nearly everything and later bundles are mostly refusals.
 */
import { suitesFor as catalogueSuitesFor, type CatalogueSuite } from '../catalogue/tls.ts';
import type { TlsProtocol } from '../model/snapshot.ts';

function rank(s: CatalogueSuite): number {
  let r = 0;
  if (/PSK|KRB5|SRP|ECCPWD/.test(`${s.kx} ${s.auth}`)) r += 60;
  if (/anon|NULL/.test(`${s.kx} ${s.auth}`) || s.enc === 'NULL' || s.export) r += 40;
  if (s.kx === 'ECDHE') r += 0;
  else if (s.kx === 'DHE') r += 10;
  else if (s.kx === 'RSA') r += 15;
  else if (s.kx !== 'any') r += 25;
  if (!s.aead) r += 3;
  if (/CAMELLIA|ARIA|SEED|IDEA|SM4/.test(s.enc)) r += 5;
  if (/RC4|DES|RC2/.test(s.enc)) r += 8;
  return r;
}

const cache = new Map<TlsProtocol, number[]>();

/** Codes of every catalogue suite negotiable under the protocol, in offer order. */
export function offerSuites(protocol: TlsProtocol): number[] {
  let codes = cache.get(protocol);
  if (!codes) {
    codes = catalogueSuitesFor(protocol)
      .map((s) => ({ s, r: rank(s), code: parseInt(s.code, 16) }))
      .sort((a, b) => a.r - b.r || a.code - b.code)
      .map((x) => x.code);
    cache.set(protocol, codes);
  }
  return codes;
}
