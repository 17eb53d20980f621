import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseServedChain } from '../../../src/enrich/certificate.ts';
import { TestPki, type TestCertificate } from '../../helpers/pki.ts';

// One PKI for the file: root -> Int 1 -> Int 2 -> leaves, plus a second root for cross-signing.
let pki: TestPki;
let asOf: string;
let root: TestCertificate, int1: TestCertificate, int2: TestCertificate, leaf: TestCertificate;
let otherRoot: TestCertificate, int2Cross: TestCertificate, stranger: TestCertificate;

beforeAll(() => {
  pki = new TestPki();
  asOf = pki.now.toISOString();
  root = pki.root('Audit Test Root');
  int1 = pki.intermediate('Audit Test Int 1', root);
  int2 = pki.intermediate('Audit Test Int 2', int1);
  leaf = pki.leaf('www.example.test', int2, { dnsNames: ['www.example.test', '*.api.example.test'] });
  otherRoot = pki.root('Audit Other Root');
  // Same subject and key as Int 2, issued by another root: the cross-sign pattern public CAs use.
  int2Cross = pki.issue({ cn: 'Int 2 cross', issuer: otherRoot, ca: true, sameKeyAs: int2 });
  stranger = pki.leaf('unrelated.example.test', otherRoot);
});
afterAll(() => pki.cleanup());

const judge = (certs: TestCertificate[], anchors: TestCertificate[] = [root], hostnames: string[] = []) =>
  analyseServedChain(certs.map((c) => c.pem), { asOf, trustAnchorsPem: anchors.map((a) => a.pem), hostnames });

describe('chain order and completeness', () => {
  it('accepts a correct chain that reaches a user trust anchor', async () => {
    const { chain, parseError } = (await judge([leaf, int2, int1]));
    expect(parseError).toBeNull();
    expect(chain).toMatchObject({ status: 'trusted', orderOk: true, rootIncluded: false, rootLast: null, path: [0, 1, 2], extraneous: [], duplicates: [] });
    expect(chain.anchor).toEqual({ subject: 'CN=Audit Test Root', source: 'user' });
  });

  it('accepts an included root only when it is last', async () => {
    expect((await judge([leaf, int2, int1, root])).chain).toMatchObject({ status: 'trusted', orderOk: true, rootIncluded: true, rootLast: true });
    const rootFirst = (await judge([leaf, root, int2, int1])).chain;
    expect(rootFirst).toMatchObject({ status: 'trusted', orderOk: false, rootIncluded: true, rootLast: false });
  });

  it('flags reversed intermediates as misordered but still trusted', async () => {
    const { chain } = (await judge([leaf, int1, int2]));
    expect(chain).toMatchObject({ status: 'trusted', orderOk: false, path: [0, 2, 1] });
    expect(chain.certificates.map((c) => c.role)).toEqual(['leaf', 'intermediate', 'intermediate']);
  });

  it('names the missing issuer when an intermediate is left out', async () => {
    const { chain } = (await judge([leaf, int1]));
    expect(chain.status).toBe('incomplete');
    expect(chain.missingIssuer).toBe('CN=Audit Test Int 2');
    expect(chain.extraneous.map((c) => c.subject)).toEqual(['CN=Audit Test Int 1']);
  });

  it('lists certificates that are not on the path, and duplicates', async () => {
    const { chain } = (await judge([leaf, int2, int1, stranger, int1]));
    expect(chain.status).toBe('trusted');
    expect(chain.orderOk).toBe(true);
    expect(chain.extraneous.map((c) => c.position)).toEqual([3]);
    expect(chain.duplicates.map((c) => c.position)).toEqual([4]);
  });

  it('reports a complete path to a root nobody trusts as untrusted', async () => {
    const { chain } = (await judge([leaf, int2, int1, root], []));
    expect(chain.status).toBe('untrusted');
    expect(chain.anchor).toEqual({ subject: 'CN=Audit Test Root', source: 'supplied' });
    // Without the root supplied the path simply breaks: nobody can tell it would end at a private root.
    expect((await judge([leaf, int2, int1], [])).chain).toMatchObject({ status: 'incomplete', missingIssuer: 'CN=Audit Test Root' });
  });

  it('judges a self-signed leaf as untrusted', async () => {
    const self = pki.leaf('self.example.test', null);
    const result = (await judge([self]));
    expect(result.chain).toMatchObject({ status: 'untrusted', rootIncluded: false, orderOk: true });
    expect(result.leaf?.selfSigned).toBe(true);
  });

  it('follows a cross-signed intermediate by its signature, not by its name', async () => {
    // Only the other root is trusted: the leaf (issued under Int 2's key) chains through the cross-sign.
    const viaCross = (await judge([leaf, int2Cross], [otherRoot]));
    expect(viaCross.chain).toMatchObject({ status: 'trusted', path: [0, 1], anchor: { subject: 'CN=Audit Other Root', source: 'user' } });
    // Both versions served: the trusted path wins and the cross-sign is extraneous.
    const both = (await judge([leaf, int2Cross, int2, int1], [root]));
    expect(both.chain).toMatchObject({ status: 'trusted', path: [0, 2, 3], orderOk: false });
    expect(both.chain.extraneous.map((c) => c.position)).toEqual([1]);
  });
});

describe('expiry, strength and hostname of every certificate', () => {
  it('reports an expired intermediate', async () => {
    const oldInt = pki.intermediate('Expired Int', root, { notBeforeDays: -400, notAfterDays: -2 });
    const oldLeaf = pki.leaf('old-int.example.test', oldInt);
    const { chain } = (await judge([oldLeaf, oldInt]));
    expect(chain.expiredCertificates.map((c) => c.subject)).toEqual(['CN=Expired Int']);
    expect(chain.minDaysUntilExpiry).toBe(-2);
  });

  it('reports a leaf expiring in 5 days and one not yet valid', async () => {
    const soon = pki.leaf('soon.example.test', int2, { notAfterDays: 5 });
    expect((await judge([soon, int2, int1])).chain).toMatchObject({ minDaysUntilExpiry: 5, expiredCertificates: [] });
    const future = pki.leaf('future.example.test', int2, { notBeforeDays: 3, notAfterDays: 100 });
    expect((await judge([future, int2, int1])).chain.notYetValidCertificates.map((c) => c.position)).toEqual([0]);
  });

  it('reports a SHA-1 signed intermediate but not a SHA-1 root', async () => {
    const sha1Root = pki.root('SHA1 Root', { digest: 'sha1', key: 'rsa-2048' });
    const sha1Int = pki.intermediate('SHA1 Int', sha1Root, { digest: 'sha1' });
    const l = pki.leaf('sha1.example.test', sha1Int);
    const { chain } = (await judge([l, sha1Int, sha1Root], [sha1Root]));
    expect(chain.status).toBe('trusted');
    expect(chain.weakSignatureCertificates).toEqual([{ position: 1, subject: 'CN=SHA1 Int', reason: 'sha1WithRSAEncryption' }]);
  });

  it('reports an RSA-1024 leaf as a weak key', async () => {
    const weak = pki.leaf('rsa1024.example.test', int2, { key: 'rsa-1024' });
    const { chain, leaf: facts } = (await judge([weak, int2, int1]));
    expect(facts?.key).toEqual({ type: 'rsa', bits: 1024, curve: null });
    expect(chain.smallestRsaBits).toBe(1024);
    expect(chain.weakKeyCertificates).toEqual([{ position: 0, subject: 'CN=rsa1024.example.test', reason: 'RSA 1024 bits' }]);
  });

  it('reads ECDSA P-256, P-384 and ED25519 keys', async () => {
    const p384 = pki.leaf('p384.example.test', int2, { key: 'ec-p384', digest: 'sha384' });
    const ed = pki.leaf('ed25519.example.test', int2, { key: 'ed25519' });
    expect((await judge([leaf, int2, int1])).leaf?.key).toEqual({ type: 'ec', bits: 256, curve: 'P-256' });
    const r384 = (await judge([p384, int2, int1]));
    expect(r384.leaf).toMatchObject({ key: { type: 'ec', bits: 384, curve: 'P-384' }, signatureAlgorithm: 'ecdsa-with-SHA384' });
    expect(r384.chain.weakKeyCertificates).toEqual([]);
    const red = (await judge([ed, int2, int1]));
    expect(red.leaf?.key).toEqual({ type: 'ed25519', bits: 255, curve: null });
    expect(red.chain.status).toBe('trusted');
  });

  it('checks hostname coverage with RFC 6125 wildcards', async () => {
    const result = (await judge([leaf, int2, int1], [root], ['WWW.example.test.', 'v1.api.example.test', 'a.b.api.example.test', 'api.example.test']));
    expect(result.hostnameCoverage).toEqual({
      checked: ['www.example.test', 'v1.api.example.test', 'a.b.api.example.test', 'api.example.test'],
      uncovered: ['a.b.api.example.test', 'api.example.test'],
    });
  });
});

describe('hostile input', () => {
  it('gives a structured error for broken PEM, garbage and a 200-certificate chain', async () => {
    const broken = leaf.pem.replace(/[A-Za-z0-9+/]{20}\n/, '!!!!\n');
    expect((await judge([])).chain.status).toBe('error');
    const r1 = (await analyseServedChain([broken], { asOf, trustAnchorsPem: [] }));
    expect(r1).toMatchObject({ parseError: expect.stringContaining('served certificate 1'), chain: { status: 'error' } });
    const garbage = '-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGUgYXQgYWxs\n-----END CERTIFICATE-----\n';
    const r2 = (await analyseServedChain([leaf.pem, garbage], { asOf, trustAnchorsPem: [] }));
    expect(r2.chain.status).toBe('error');
    expect(r2.parseError).toMatch(/served certificate 2: not a parsable X.509 certificate/);
    expect(r2.leaf?.subject).toBe('CN=www.example.test');
    const many = (await analyseServedChain(Array.from({ length: 200 }, () => int1.pem), { asOf, trustAnchorsPem: [] }));
    expect(many.chain).toMatchObject({ status: 'error', certificateCount: 200 });
    expect(many.parseError).toMatch(/200 certificates/);
  });
});
