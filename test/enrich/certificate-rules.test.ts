// Facts made by certificateFacts from real openssl chains, judged by the production evaluator and the
// shipped cert-*/chain-* rules: what a user sees for each kind of broken deployment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateFacts } from '../../src/enrich/certificate.ts';
import { SubjectEvaluator } from '../../src/evaluate/engine.ts';
import { defaultRulesDir } from '../../src/evaluate/paths.ts';
import { loadRules } from '../../src/evaluate/rule-loader.ts';
import type { CertificateRecord, Snapshot } from '../../src/model/snapshot.ts';
import { OBSERVED } from '../../src/model/snapshot.ts';
import { TestPki, pemBundle, type TestCertificate } from '../helpers/pki.ts';

let pki: TestPki;
let root: TestCertificate, int1: TestCertificate, int2: TestCertificate;
const rules = loadRules(defaultRulesDir()).filter((r) => r.subject === 'certificate');
const evaluator = new SubjectEvaluator('certificate', rules.map((rule) => ({ rule, params: rule.params, severity: rule.severity })));

beforeAll(() => {
  pki = new TestPki();
  root = pki.root('Rules Root');
  int1 = pki.intermediate('Rules Int 1', root);
  int2 = pki.intermediate('Rules Int 2', int1, { digest: 'sha1' });
});
afterAll(() => pki.cleanup());

async function statuses(bodyPem: string, chainPem: string | null, hostnames: string[] = []): Promise<Record<string, string>> {
  const arn = 'arn:aws:acm:eu-west-1:123456789012:certificate/e2e';
  const record: CertificateRecord = {
    arn, source: 'acm', account: '123456789012', region: 'eu-west-1', name: 'e2e', domainName: null, subjectAlternativeNames: [],
    acmType: 'IMPORTED', status: 'ISSUED', keyAlgorithm: null, notBefore: null, notAfter: null, renewalEligibility: 'INELIGIBLE',
    renewalStatus: null, transparencyLogging: null, inUseBy: [], bodyPem, chainPem, tags: {}, observed: { metadata: OBSERVED, body: OBSERVED },
  };
  const snapshot = { certificates: [record] } as unknown as Snapshot;
  const [facts] = (await certificateFacts(snapshot, {
    asOf: pki.now.toISOString(), trustAnchorsPem: [root.pem], hostnames: new Map([[arn, hostnames]]),
    usedBy: new Map([[arn, [{ listenerArn: 'arn:listener/1', loadBalancerType: 'application' }]]]),
  }));
  const outcomes = await evaluator.evaluate(facts!);
  return Object.fromEntries([...outcomes].map(([id, o]) => [id, o.status]));
}

describe('certificate rules on enriched facts', () => {
  it('passes a healthy chain on every structural rule', async () => {
    const leaf = pki.leaf('ok.example.test', int1);
    const s = await statuses(leaf.pem, int1.pem, ['ok.example.test']);
    for (const id of ['cert-expired', 'cert-expiring', 'chain-misordered', 'chain-incomplete', 'chain-untrusted', 'chain-extraneous', 'cert-weak-key', 'cert-weak-signature', 'cert-hostname-mismatch', 'cert-unsupported-key', 'chain-path-invalid']) {
      expect(s[id], id).toBe('pass');
    }
    expect(s['cert-imported-no-renewal']).toBe('fail');
  });

  it('fails the matching rules for a broken deployment', async () => {
    const leaf = pki.leaf('bad.example.test', int2, { key: 'ed25519', notAfterDays: 5 });
    const s = await statuses(leaf.pem, pemBundle([int1, int2, root]), ['other.example.test']);
    expect(s).toMatchObject({
      'cert-expiring': 'fail', 'chain-misordered': 'fail', 'chain-extraneous': 'fail', 'cert-weak-signature': 'fail',
      'cert-hostname-mismatch': 'fail', 'cert-unsupported-key': 'fail', 'chain-incomplete': 'pass', 'cert-expired': 'pass',
    });
  });

  it('fails chain-path-invalid for a leaf outside its issuer\'s name constraints, which signatures alone accept', async () => {
    const corp = pki.issue({ cn: 'Rules Corp Only', issuer: int1, ca: true, extraExtensions: ['nameConstraints = critical, permitted;DNS:.corp.test'] });
    const leaf = pki.leaf('www.example.test', corp);
    const s = await statuses(leaf.pem, pemBundle([corp, int1]), ['www.example.test']);
    expect(s).toMatchObject({ 'chain-path-invalid': 'fail', 'chain-incomplete': 'pass', 'chain-untrusted': 'pass', 'cert-hostname-mismatch': 'pass' });
  });

  it('reports the chain rules as errors, never passes, when the chain cannot be read', async () => {
    const leaf = pki.leaf('garbage.example.test', int1);
    const s = await statuses(leaf.pem, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    for (const id of ['chain-misordered', 'chain-incomplete', 'chain-untrusted', 'chain-extraneous', 'cert-weak-signature', 'chain-path-invalid']) {
      expect(s[id], id).toBe('error');
    }
  });
});
