import { rootCertificates } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { certificateNameKeys } from '../../../src/enrich/x509/der.ts';
import { oneLine } from '../../../src/enrich/x509/parse.ts';
import { bundledAnchors, bundledAnchorsFullyParsed, trustAnchorSet } from '../../../src/enrich/x509/trust-anchors.ts';

const view = (anchors: ReturnType<typeof bundledAnchors>) =>
  anchors.map((a) => ({ subject: a.subject, sha256: a.sha256, spki: a.spki, source: a.source })).sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1));

describe('bundled trust anchors', () => {
  it('read with Node parser alone are exactly the anchors the full parse yields (subject, fingerprint, key)', () => {
    const light = view(bundledAnchors());
    expect(light.length).toBeGreaterThan(100);
    expect(light.length).toBe(rootCertificates.length);
    expect(light).toEqual(view(bundledAnchorsFullyParsed()));
  });

  it('are indexed by subject beside the user anchors', () => {
    const set = trustAnchorSet([]);
    const some = bundledAnchors()[0]!;
    expect(set.named(some.subject, null).some((a) => a.sha256 === some.sha256)).toBe(true);
  });

  it('are found by name key exactly as by a look-up over every root, for every bundled name', () => {
    const all = bundledAnchors();
    for (const pem of rootCertificates) {
      const der = new X509Certificate(pem).raw;
      const name = oneLine(new X509Certificate(pem).subject);
      const keys = certificateNameKeys(der);
      expect(keys.subject).not.toBeNull();
      const expected = all.filter((a) => a.subject === name).map((a) => a.sha256);
      // A fresh set per question: the answer must not come from an earlier look-up's memo.
      expect(trustAnchorSet([]).named(name, keys.subject).map((a) => a.sha256)).toEqual(expected);
      expect(trustAnchorSet([]).named(name, null).map((a) => a.sha256)).toEqual(expected);
    }
  });

  it('put user anchors first, then Private CA anchors, then bundled roots of the same name', () => {
    const root = bundledAnchors()[0]!;
    const pem = root.native.toString();
    const set = trustAnchorSet([pem], [pem]);
    const key = certificateNameKeys(root.native.raw).subject;
    expect(set.named(root.subject, key).map((a) => a.source)).toEqual(['user', 'private-ca', 'bundled']);
    expect(set.named('CN=nobody, O=nowhere', 'nobody')).toEqual([]);
  });
});
