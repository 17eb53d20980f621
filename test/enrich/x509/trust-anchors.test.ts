import { rootCertificates } from 'node:tls';
import { describe, expect, it } from 'vitest';
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
    expect(set.bySubject.get(some.subject)?.some((a) => a.sha256 === some.sha256)).toBe(true);
  });
});
