/**
 * An answer that is neither a handshake nor a refusal says nothing about what is served. In front of a real
 * s_server (TLS 1.2 and 1.3 only), a relay answers every TLS 1.0 hello with an HTTP error page: the probe
 * must report TLS 1.0 as not determined (null, listed in `incomplete`), not as "not offered", and the
 * audit must not pass endpoint-weak-protocol on it. The same server without the relay passes the rule, so
 * the relay, not the server, is what the test sees. A suite list the probe marks incomplete makes the
 * suite rules "not judged" the same way.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { demoSnapshot, demoTrustAnchors } from '../../src/demo/estate.ts';
import type { ProbeObservation } from '../../src/model/snapshot.ts';
import { probeEndpoint } from '../../src/probe/endpoint.ts';
import { probeText } from '../../src/probe/format.ts';
import { makePki, startSServer, type Pki, type RunningServer } from '../helpers/tls-servers.ts';

/** Relays to the upstream port, except that a ClientHello with legacy_version TLS 1.0 gets an HTTP 400 page. */
async function tls10GarbageRelay(upstream: number): Promise<RunningServer> {
  const server = net.createServer((client) => {
    client.on('error', () => undefined);
    client.once('data', (first: Buffer) => {
      if (first[0] === 0x16 && first.length > 10 && first.readUInt16BE(9) === 0x0301) {
        client.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const up = net.connect({ host: '127.0.0.1', port: upstream }, () => { up.write(first); client.pipe(up).pipe(client); });
      up.on('error', () => client.destroy());
      client.on('close', () => up.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('answers that cannot be read are not determined, never "not served"', () => {
  let pki: Pki;
  let upstream: RunningServer;
  let relay: RunningServer;
  let dns: string;
  beforeAll(async () => {
    pki = makePki();
    upstream = await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-cert_chain', 'chain_good.pem', '-min_protocol', 'TLSv1.2']);
    relay = await tls10GarbageRelay(upstream.port);
    dns = demoSnapshot().loadBalancers.find((lb) => lb.name === 'hsm-front')!.dnsName;
  }, 60_000);
  afterAll(async () => { await relay?.stop(); await upstream?.stop(); pki?.cleanup(); });

  const probe = (port: number): Promise<ProbeObservation> =>
    probeEndpoint({ host: 'localhost', port, sni: 'localhost', connectTo: `127.0.0.1:${port}` }, { timeoutMs: 3000 });
  /** Audits the demo's hsm-front pass-through endpoint served by the port (or with the given observations); findings of one rule. */
  async function findings(rule: string, how: { port: number } | { observations: ProbeObservation[] }): Promise<string[]> {
    const snapshot = demoSnapshot();
    snapshot.loadBalancers = snapshot.loadBalancers.filter((lb) => lb.name === 'hsm-front');
    if ('observations' in how) snapshot.observations = how.observations;
    const outcome = await audit({
      source: { kind: 'snapshot', snapshot }, profile: 'default', failOn: 'none', allowPartial: true, trustAnchorsPem: [...demoTrustAnchors(), pki.pem('root')],
      probe: 'port' in how ? { connectTo: [`${dns}:443:127.0.0.1:${how.port}`], timeoutMs: 3000 } : false,
    });
    return outcome.result.findings.filter((f) => f.ruleId === rule).map((f) => `${f.status}: ${f.message}`);
  }

  it('TLS 1.0 answered with an HTTP page is null with the reason, the rest is as served, and the text says "not determined"', async () => {
    const o = await probe(relay.port);
    expect(o.status).toBe('ok');
    expect(o.protocols).toMatchObject({ 'TLSv1.0': null, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true });
    expect(o.incomplete).toContainEqual({ field: 'protocols.TLSv1.0', reason: expect.stringMatching(/could not be read \(not a TLS record .*\): whether it is served is not known/) });
    expect(probeText(o)).toMatch(/TLSv1\.0\s+not determined/);
    const direct = await probe(upstream.port);
    expect(direct.protocols['TLSv1.0']).toBe(false);
    expect(direct.incomplete).toEqual([]);
  }, 60_000);

  it('endpoint-weak-protocol passes the server itself and is not judged behind the relay', async () => {
    expect(await findings('endpoint-weak-protocol', { port: upstream.port })).toEqual([expect.stringMatching(/^pass: /)]);
    const behind = await findings('endpoint-weak-protocol', { port: relay.port });
    expect(behind).toEqual([expect.stringMatching(/^error: Not judged .*servedProtocols was not observed: the probe could not determine protocols\.TLSv1\.0/)]);
  }, 60_000);

  it('a suite list marked incomplete leaves endpoint-weak-cipher not judged; the same list complete passes it', async () => {
    const outcome = await audit({
      source: { kind: 'snapshot', snapshot: { ...demoSnapshot(), loadBalancers: demoSnapshot().loadBalancers.filter((lb) => lb.name === 'hsm-front') } },
      profile: 'default', failOn: 'none', allowPartial: true, trustAnchorsPem: [...demoTrustAnchors(), pki.pem('root')],
      probe: { connectTo: [`${dns}:443:127.0.0.1:${upstream.port}`], timeoutMs: 3000 },
    });
    const observed = outcome.snapshot.observations;
    expect(observed.length).toBeGreaterThan(0);
    expect(await findings('endpoint-weak-cipher', { observations: observed })).toEqual([expect.stringMatching(/^pass: /)]);
    const partial = observed.map((o) => ({ ...o, incomplete: [...(o.incomplete ?? []), { field: 'cipherSuites.TLSv1.2', reason: 'enumeration ended by a timeout' }] }));
    expect(await findings('endpoint-weak-cipher', { observations: partial })).toEqual([
      expect.stringMatching(/^error: Not judged .*servedCipherSuites was not observed: the probe could not determine cipherSuites\.TLSv1\.2: enumeration ended by a timeout/),
    ]);
  }, 60_000);
});
