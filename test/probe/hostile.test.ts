import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeEndpoint } from '../../src/probe/index.ts';
import { freePort, startHostilePeer, type HostileBehaviour, type RunningServer } from '../helpers/tls-servers.ts';

describe('hostile peers are classified, never read as a pass', () => {
  const peers: Partial<Record<HostileBehaviour, RunningServer>> = {};
  beforeAll(async () => {
    for (const b of ['garbage', 'stall', 'reset', 'oversized', 'warnings'] as const) peers[b] = await startHostilePeer(b);
  });
  afterAll(async () => { await Promise.all(Object.values(peers).map((p) => p.stop())); });

  // A refusal (silence, a hang-up) says "not served"; an answer that cannot be read says nothing: not determined (null).
  const cases: [HostileBehaviour, RegExp, false | null][] = [
    ['garbage', /malformed: not a TLS record/, null],
    ['stall', /timeout: no complete answer within 400 ms/, false],
    ['reset', /reset|closed/, false],
    ['oversized', /malformed: oversized record/, null],
    ['warnings', /malformed: more than 32 warning alerts/, null],
  ];
  for (const [behaviour, reason, protocols] of cases) {
    it(`${behaviour}: status error, every protocol ${protocols === null ? 'not determined' : 'refused'}`, async () => {
      const o = await probeEndpoint({ host: '127.0.0.1', port: peers[behaviour]!.port, sni: null }, { timeoutMs: 400 });
      expect(o.status).toBe('error');
      expect(o.reason).toMatch(reason);
      expect(Object.values(o.protocols).every((v) => v === protocols)).toBe(true);
      if (protocols === null) expect(o.incomplete?.map((i) => i.field).sort()).toEqual(Object.keys(o.protocols).map((p) => `protocols.${p}`).sort());
      expect(o.certificates).toEqual([]);
    });
  }

  it('an unreachable endpoint is an error with the TCP reason', async () => {
    const port = await freePort();
    const o = await probeEndpoint({ host: '127.0.0.1', port, sni: null }, { timeoutMs: 400 });
    expect(o.status).toBe('error');
    expect(o.reason).toMatch(/ECONNREFUSED/);
    expect(o.protocols['TLSv1.2']).toBeNull();
  });
});
