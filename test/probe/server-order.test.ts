/**
 * Server order when ChaCha20 is among few accepted suites, against openssl s_server with and without
 * -serverpref and -prioritize_chacha, each server's behaviour first confirmed with s_client. With one suite
 * besides ChaCha20, every hello that starts differently starts one of them with ChaCha20, which a
 * ChaCha20-priority server answers as a client-order one would: with two ChaCha20 suites the probe tells
 * them apart, with one it says it cannot (never "client order" for a server that chooses).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeObservation } from '../../src/model/snapshot.ts';
import { probeEndpoint } from '../../src/probe/endpoint.ts';
import { sClient } from '../helpers/lab-servers.ts';
import { makePki, startSServer, type Pki, type RunningServer } from '../helpers/tls-servers.ts';

const A = 'ECDHE-RSA-AES128-GCM-SHA256';
const C1 = 'ECDHE-RSA-CHACHA20-POLY1305';
const C2 = 'DHE-RSA-CHACHA20-POLY1305';

describe('server order with ChaCha20 among few suites', () => {
  let pki: Pki;
  const servers: RunningServer[] = [];
  beforeAll(() => { pki = makePki(); }, 60_000);
  afterAll(async () => { for (const s of servers) await s.stop(); pki?.cleanup(); });

  async function serve(ciphers: string[], flags: string[], tls13 = false): Promise<number> {
    const s = await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', ...(tls13 ? [] : ['-no_tls1_3']), '-cipher', ciphers.join(':'), ...flags]);
    servers.push(s);
    return s.port;
  }
  const probe = (port: number): Promise<ProbeObservation> =>
    probeEndpoint({ host: 'localhost', port, sni: 'localhost', connectTo: `127.0.0.1:${port}` }, { timeoutMs: 3000, vulnerabilities: false });
  const picks = async (port: number, offer: string[]): Promise<string | null> => (await sClient(port, 'TLSv1.2', offer.join(':'))).suite;

  it('one suite and two ChaCha20 suites, server order: server order (it was reported as client order)', async () => {
    const port = await serve([A, C1, C2], ['-serverpref']);
    expect(await picks(port, [C2, C1, A])).toBe(A);
    const o = await probe(port);
    expect(o).toMatchObject({ serverCipherOrder: true, chachaPriority: false, incomplete: [] });
  });

  it('the same suites, client order: client order', async () => {
    const port = await serve([A, C1, C2], []);
    expect(await picks(port, [C2, C1, A])).toBe(C2);
    expect(await picks(port, [C1, C2, A])).toBe(C1);
    const o = await probe(port);
    expect(o).toMatchObject({ serverCipherOrder: false, incomplete: [] });
  });

  for (const chachas of [[C1, C2], [C2, C1]]) {
    it(`the same suites, server order with ChaCha20 priority (${chachas.join(' before ')}): server order, ChaCha20 first for clients that prefer it`, async () => {
      const port = await serve([A, ...chachas], ['-serverpref', '-prioritize_chacha']);
      expect(await picks(port, [A, C1, C2])).toBe(A);
      // a client listing ChaCha20 first gets the server's ChaCha20, whichever the client lists first
      expect(await picks(port, [C1, C2, A])).toBe(chachas[0]);
      expect(await picks(port, [C2, C1, A])).toBe(chachas[0]);
      const o = await probe(port);
      expect(o).toMatchObject({ serverCipherOrder: true, chachaPriority: true, incomplete: [] });
      expect(o.cipherSuites['TLSv1.2']?.[0]).toBe('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    });
  }

  it('one TLS 1.2 suite and one ChaCha20 suite beside TLS 1.3: the order is read over TLS 1.3, where two suites besides ChaCha20 are accepted', async () => {
    const port = await serve([A, C1], ['-serverpref', '-prioritize_chacha'], true);
    const o = await probe(port);
    expect(o.cipherSuites['TLSv1.3']).toHaveLength(3);
    expect(o).toMatchObject({ serverCipherOrder: true, chachaPriority: true, incomplete: [] });
  });

  it('one suite and one ChaCha20 suite with ChaCha20 priority: order not determined, with why (client order answers alike)', async () => {
    const port = await serve([A, C1], ['-serverpref', '-prioritize_chacha']);
    expect(await picks(port, [A, C1])).toBe(A);
    expect(await picks(port, [C1, A])).toBe(C1);
    const o = await probe(port);
    expect(o.serverCipherOrder).toBeNull();
    expect(o.incomplete).toEqual([{
      field: 'serverCipherOrder',
      reason: 'with fewer than two accepted TLSv1.2 suites besides ChaCha20, client order and server order with ChaCha20 priority answer alike',
    }]);
  });
});
