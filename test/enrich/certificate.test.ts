import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateFacts, keyFromApi } from '../../src/enrich/certificate.ts';
import certificateSchema from '../../src/enrich/schemas/certificate.schema.json' with { type: 'json' };
import { validateAgainst } from '../../src/io/schema.ts';
import type { CertificateRecord, Snapshot } from '../../src/model/snapshot.ts';
import { OBSERVED } from '../../src/model/snapshot.ts';
import { TestPki, pemBundle, type TestCertificate } from '../helpers/pki.ts';

let pki: TestPki;
let root: TestCertificate, int: TestCertificate, leaf: TestCertificate, edLeaf: TestCertificate, soonLeaf: TestCertificate;

beforeAll(() => {
  pki = new TestPki();
  root = pki.root('Facts Root', { key: 'rsa-2048' });
  int = pki.intermediate('Facts Int', root);
  leaf = pki.leaf('shop.example.test', int, {
    dnsNames: ['shop.example.test', '*.shop.example.test'],
    // must-staple and a two-entry SCT list (contents are opaque to the counter)
    extraExtensions: ['tlsfeature = status_request', '1.3.6.1.4.1.11129.2.4.2 = DER:04:0A:00:08:00:02:AA:BB:00:02:CC:DD'],
  });
  edLeaf = pki.leaf('ed.example.test', int, { key: 'ed25519' });
  soonLeaf = pki.leaf('soon.example.test', int, { notAfterDays: 5 });
});
afterAll(() => pki.cleanup());

function record(arn: string, overrides: Partial<CertificateRecord>): CertificateRecord {
  return {
    arn, source: 'acm', account: '123456789012', region: 'eu-west-1', name: arn.split('/').pop() ?? arn,
    domainName: null, subjectAlternativeNames: [], acmType: 'IMPORTED', status: 'ISSUED', keyAlgorithm: null,
    notBefore: null, notAfter: null, renewalEligibility: 'INELIGIBLE', renewalStatus: null, transparencyLogging: null,
    inUseBy: [], bodyPem: null, chainPem: null, tags: {}, observed: { metadata: OBSERVED, body: OBSERVED }, ...overrides,
  };
}

function snapshot(certificates: CertificateRecord[]): Snapshot {
  return {
    schemaVersion: 2, generator: { name: 'test', version: '0' }, capturedAt: pki.now.toISOString(),
    scope: { accounts: ['123456789012'], regions: ['eu-west-1'] }, loadBalancers: [], certificates, hsmClusters: [],
    instances: [], sslPolicies: [], classicPredefinedPolicies: [], trustStores: [], observations: [], attempts: [],
  };
}

const ACM = 'arn:aws:acm:eu-west-1:123456789012:certificate/';
const listener = (n: number) => `arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shop/abc/${n}`;

function run(certificates: CertificateRecord[], extra: { hostnames?: [string, string[]][]; usedBy?: [string, { listenerArn: string; loadBalancerType: string }[]][] } = {}) {
  return certificateFacts(snapshot(certificates), {
    asOf: pki.now.toISOString(),
    trustAnchorsPem: [root.pem],
    hostnames: new Map(extra.hostnames ?? []),
    usedBy: new Map(extra.usedBy ?? []),
  });
}

describe('certificateFacts', () => {
  it('analyses an imported certificate with its chain and validates against the facts schema', async () => {
    const [facts] = (await run([record(`${ACM}good`, { bodyPem: leaf.pem, chainPem: pemBundle([int]) })], {
      hostnames: [[`${ACM}good`, ['shop.example.test', 'api.shop.example.test', 'other.example.test']]],
      usedBy: [[`${ACM}good`, [{ listenerArn: listener(2), loadBalancerType: 'application' }, { listenerArn: listener(1), loadBalancerType: 'application' }]]],
    }));
    expect(validateAgainst(certificateSchema, facts)).toEqual([]);
    expect(validateAgainst(certificateSchema, { ...facts, chain: { ...facts?.chain, orderOk: 'yes' } })).not.toEqual([]);
    expect(facts).toMatchObject({
      subject: 'certificate', loadBalancerArn: null, loadBalancerType: null, inUse: true,
      usedBy: [listener(1), listener(2)], loadBalancerTypes: ['application'], pemAvailable: true, parseError: null,
      expired: false, notYetValid: false, key: { type: 'ec', bits: 256, curve: 'P-256' }, unsupportedKeyForLbTypes: [],
      hostnameCoverage: { checked: ['shop.example.test', 'api.shop.example.test', 'other.example.test'], uncovered: ['other.example.test'] },
    });
    expect(facts?.daysUntilExpiry).toBe(365);
    expect(facts?.leaf).toMatchObject({ mustStaple: true, sctCount: 2, wildcard: true, extendedKeyUsage: ['serverAuth', 'clientAuth'], ca: false });
    expect(facts?.chain).toMatchObject({ status: 'trusted', orderOk: true, path: [0, 1], extraneous: [] });
  });

  it('flags an ED25519 certificate on an ALB and a certificate expiring in 5 days', async () => {
    const facts = (await run([
      record(`${ACM}ed`, { bodyPem: edLeaf.pem, chainPem: int.pem }),
      record(`${ACM}soon`, { bodyPem: soonLeaf.pem, chainPem: int.pem }),
    ], { usedBy: [[`${ACM}ed`, [{ listenerArn: listener(1), loadBalancerType: 'application' }, { listenerArn: listener(3), loadBalancerType: 'gateway' }]]] }));
    expect(facts.map((f) => f.arn)).toEqual([`${ACM}ed`, `${ACM}soon`]);
    expect(facts[0]?.unsupportedKeyForLbTypes).toEqual(['application']);
    expect(facts[1]).toMatchObject({ daysUntilExpiry: 5, expired: false, chain: { minDaysUntilExpiry: 5 } });
    for (const f of facts) expect(validateAgainst(certificateSchema, f)).toEqual([]);
  });

  it('turns broken input into parseError with an unknown chain, never a crash', async () => {
    const garbage = '-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n';
    const facts = (await run([
      record(`${ACM}broken`, { bodyPem: 'not a pem at all', notAfter: '2099-01-01T00:00:00.000Z' }),
      record(`${ACM}garbage`, { bodyPem: leaf.pem, chainPem: garbage }),
      record(`${ACM}huge`, { bodyPem: leaf.pem, chainPem: pemBundle(Array.from({ length: 200 }, () => int)) }),
    ]));
    expect(facts.map((f) => f.parseError)).toEqual([
      expect.stringMatching(/certificate body: no PEM certificate found/),
      expect.stringMatching(/chain certificate 1: not a parsable X.509 certificate/),
      expect.stringMatching(/200 PEM blocks/),
    ]);
    for (const f of facts) {
      expect(f.chain).toBeNull();
      expect(validateAgainst(certificateSchema, f)).toEqual([]);
    }
    // The API dates still say whether the (unreadable) certificate has expired.
    expect(facts[0]).toMatchObject({ expired: false, leaf: null });
    // A leaf that parsed keeps its own facts even when its chain is garbage.
    expect(facts[1]?.leaf?.subject).toBe('CN=shop.example.test');
  });

  it('falls back to the API key algorithm, dates and names when no PEM was collected', async () => {
    const [facts] = (await run([record(`${ACM}api`, {
      acmType: 'AMAZON_ISSUED', keyAlgorithm: 'RSA_1024', domainName: 'api.example.test', subjectAlternativeNames: ['api.example.test', '*.api.example.test'],
      notBefore: '2020-01-01T00:00:00.000Z', notAfter: '2021-01-01T00:00:00.000Z', renewalStatus: 'FAILED', transparencyLogging: 'DISABLED',
    })], { hostnames: [[`${ACM}api`, ['x.api.example.test', 'www.example.test']]] }));
    expect(validateAgainst(certificateSchema, facts)).toEqual([]);
    expect(facts).toMatchObject({
      pemAvailable: false, leaf: null, chain: null, parseError: null, key: { type: 'rsa', bits: 1024, curve: null },
      expired: true, hostnameCoverage: { checked: ['x.api.example.test', 'www.example.test'], uncovered: ['www.example.test'] },
    });
  });

  it('is deterministic for the same snapshot and asOf', async () => {
    const records = [record(`${ACM}b`, { bodyPem: leaf.pem, chainPem: int.pem }), record(`${ACM}a`, { source: 'iam', region: 'global', bodyPem: soonLeaf.pem })];
    expect(JSON.stringify((await run(records)))).toBe(JSON.stringify((await run([...records].reverse()))));
  });

  it('maps ACM key algorithm names', async () => {
    expect(keyFromApi('EC_secp384r1')).toEqual({ type: 'ec', bits: 384, curve: 'P-384' });
    expect(keyFromApi('RSA_4096')).toEqual({ type: 'rsa', bits: 4096, curve: null });
    expect(keyFromApi('ML_DSA_65')).toBeNull();
  });
});
