/**
 * Certification-path validation (pkijs, plus path length) over chains made with openssl at test time:
 * name constraints, pathLenConstraint, keyCertSign and the CA flag of intermediates are enforced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseServedChain } from '../../../src/enrich/certificate.ts';
import { TestPki, type TestCertificate } from '../../helpers/pki.ts';

let pki: TestPki;
let asOf: string;
let root: TestCertificate;

beforeAll(() => {
  pki = new TestPki();
  asOf = pki.now.toISOString();
  root = pki.root('Path Test Root');
});
afterAll(() => pki.cleanup());

const check = async (certs: TestCertificate[], anchors: TestCertificate[] = [root]) =>
  (await analyseServedChain(certs.map((c) => c.pem), { asOf, trustAnchorsPem: anchors.map((a) => a.pem) })).chain;

describe('certification path validation', () => {
  it('accepts a sound chain to a user anchor', async () => {
    const int = pki.intermediate('Path Sound Int', root);
    const leaf = pki.leaf('sound.example.test', int);
    const chain = await check([leaf, int]);
    expect(chain.status).toBe('trusted');
    expect(chain.pathCheck).toEqual({ status: 'valid', problems: [] });
  });

  it('validates Ed25519 and RSA chains, whose signatures WebCrypto would not check, by Node instead', async () => {
    for (const key of ['ed25519', 'rsa-2048'] as const) {
      const algRoot = pki.root(`Path Root ${key}`, { key });
      const int = pki.intermediate(`Path Int ${key}`, algRoot, { key });
      const chain = await check([pki.leaf(`alg-${key}.example.test`, int), int], [algRoot]);
      expect(chain.pathCheck, key).toEqual({ status: 'valid', problems: [] });
    }
  });

  it('rejects a leaf outside the permitted name constraints of its intermediate', async () => {
    const int = pki.issue({ cn: 'Path Corp Only Int', issuer: root, ca: true, extraExtensions: ['nameConstraints = critical, permitted;DNS:.corp.test'] });
    const inside = pki.leaf('app.corp.test', int);
    const outside = pki.leaf('www.example.test', int);
    expect((await check([inside, int])).pathCheck).toEqual({ status: 'valid', problems: [] });
    const chain = await check([outside, int]);
    expect(chain.status).toBe('trusted'); // the signatures are fine: only path validation sees it
    expect(chain.pathCheck?.status).toBe('invalid');
    expect(chain.pathCheck?.problems.join(' ')).toMatch(/permitted sub-trees/);
  });

  it('rejects more intermediates below a CA than its pathLenConstraint allows', async () => {
    const top = pki.intermediate('Path Len0 Int', root, { pathLen: 0 });
    const below = pki.intermediate('Path Below Len0', top);
    const leaf = pki.leaf('deep.example.test', below);
    const chain = await check([leaf, below, top]);
    expect(chain.status).toBe('trusted');
    expect(chain.pathCheck).toEqual({ status: 'invalid', problems: ['CN=Path Len0 Int allows 0 intermediate CA(s) below it (pathLenConstraint) but 1 follow it on the path'] });
  });

  it('rejects an issuing CA without keyCertSign, and an issuer that is not a CA', async () => {
    const noSign = pki.issue({ cn: 'Path No KeyCertSign', issuer: root, ca: true, extraExtensions: ['keyUsage = critical, digitalSignature, cRLSign'] });
    const chain = await check([pki.leaf('nosign.example.test', noSign), noSign]);
    expect(chain.pathCheck?.status).toBe('invalid');
    expect(chain.pathCheck?.problems).toEqual(['CN=Path No KeyCertSign is a CA but its key usage lacks keyCertSign']);
    const notCa = pki.issue({ cn: 'Path Not A CA', issuer: root, ca: false, dnsNames: [] });
    const underNotCa = await check([pki.leaf('under-leaf.example.test', notCa), notCa]);
    expect(underNotCa.pathCheck?.status).toBe('invalid');
    expect(underNotCa.pathCheck?.problems).toEqual(['CN=Path Not A CA issues certificates but is not a CA certificate (basicConstraints cA false or absent)']);
  });

  it('checks nothing when there is no path to an anchor, and says why', async () => {
    const int = pki.intermediate('Path Orphan Int', root);
    const chain = await check([pki.leaf('orphan.example.test', int)]);
    expect(chain.status).toBe('incomplete');
    expect(chain.pathCheck).toEqual({ status: 'not-checked', problems: [expect.stringMatching(/no path to a trust anchor/)] });
  });
});
