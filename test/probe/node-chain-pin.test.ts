import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import tls from 'node:tls';
import { makePki, startSServer, type Pki, type RunningServer } from '../helpers/tls-servers.ts';

// Pins undocumented Node behaviour the TLS 1.3 chain capture relies on (src/probe/node-chain.ts):
// getPeerX509Certificate() walks the chain in served order and works once; getPeerCertificate(true) re-sorts.
describe('Node tls served-order behaviour (pinned)', () => {
  let pki: Pki;
  let server: RunningServer;
  beforeAll(async () => {
    pki = makePki();
    server = await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-cert_chain', 'chain_misordered.pem']);
  }, 60_000);
  afterAll(async () => { await server.stop(); pki.cleanup(); });

  const connect = (): Promise<tls.TLSSocket> => new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port: server.port, servername: '', minVersion: 'TLSv1.3', rejectUnauthorized: false }, () => resolve(s));
    s.on('error', reject);
  });
  const cn = (s: string): string => /CN=([^\n]*)/.exec(s)?.[1] ?? s;

  it('getPeerX509Certificate() gives the served order, then nothing on a second call', async () => {
    const socket = await connect();
    const order: string[] = [];
    let cert = socket.getPeerX509Certificate();
    while (cert && order.length < 10) { order.push(cn(cert.subject)); cert = cert.issuerCertificate; }
    expect(order).toEqual(['localhost', 'Test Intermediate 1', 'Test Intermediate 2', 'Test Root CA']);
    expect(socket.getPeerX509Certificate()).toBeUndefined();
    socket.destroy();
  });

  it('getPeerCertificate(true) re-sorts by issuer, so it cannot be used for order', async () => {
    const socket = await connect();
    const order: string[] = [];
    let cert: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
    while (cert?.subject && order.length < 10) {
      order.push(String(cert.subject.CN ?? ''));
      if (cert.issuerCertificate === cert) break;
      cert = cert.issuerCertificate;
    }
    expect(order).toEqual(['localhost', 'Test Intermediate 2', 'Test Intermediate 1', 'Test Root CA']);
    socket.destroy();
  });
});
