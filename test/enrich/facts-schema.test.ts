// enrich's real output for the demo estate (configuration, certificates, CloudHSM, and endpoints probed on
// 127.0.0.1) validates against the facts schema of every one of the five subjects: rule examples are
// validated against the same schemas, so examples and production facts cannot drift apart.
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { startDemoEndpoints } from '../../src/demo/endpoints.ts';
import { demoSnapshot, demoTrustAnchors } from '../../src/demo/estate.ts';
import { baseFacts } from '../../src/evaluate/example-facts.ts';
import { validateFacts } from '../../src/evaluate/validation.ts';
import { SUBJECT_KINDS } from '../../src/model/facts.ts';

describe('facts schemas', () => {
  it('accept every facts object enrich makes from the probed demo estate, for all five subjects', async () => {
    const snapshot = demoSnapshot();
    const endpoints = await startDemoEndpoints(snapshot);
    let facts;
    try {
      ({ facts } = await audit({ source: { kind: 'snapshot', snapshot }, probe: { connectTo: endpoints.connectTo, timeoutMs: 3000 },
        profile: 'default', allowPartial: true, failOn: 'none', trustAnchorsPem: demoTrustAnchors() }));
    } finally {
      await endpoints.stop();
    }
    for (const kind of SUBJECT_KINDS) {
      const list = facts[kind] as object[];
      expect(list.length, `demo facts of kind ${kind}`).toBeGreaterThan(0);
      const problems = list.flatMap((f, i) => validateFacts(kind, f).map((p) => `${kind}[${i}]${p}`));
      expect(problems, kind).toEqual([]);
    }
  });

  it('accept the base facts rule examples start from, and reject a base that lost a field', () => {
    for (const kind of SUBJECT_KINDS) expect(validateFacts(kind, baseFacts(kind)), kind).toEqual([]);
    const listener = baseFacts('listener');
    delete listener.sniCertificateCount;
    expect(validateFacts('listener', listener).join('\n')).toMatch(/must have required property 'sniCertificateCount'/);
  });
});
