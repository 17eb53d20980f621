/**
 * The probe's vulnerability checks against servers that have each flaw and servers that do not.
 * Real software where it can still be made vulnerable (OpenSSL s_server's client renegotiation switch,
 * GnuTLS without RFC 5746); a hostile peer (test/helpers/vulnerable-peer.ts) for what no maintained
 * stack does any more (compression, ignoring the fallback SCSV, Heartbleed, CCS injection, ROBOT).
 * testssl.sh verdicts on the same real-server configurations are recorded in
 * test/fixtures/testssl/vulnerabilities.json (it takes ~45 s a server, so it is not run here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { readFileSync } from 'node:fs';
import type { ProbeObservation, VulnerabilityCheck } from '../../src/model/snapshot.ts';
import { VULNERABILITY_CHECKS } from '../../src/model/snapshot.ts';
import { probeEndpoint } from '../../src/probe/endpoint.ts';
import testssl from '../fixtures/testssl/vulnerabilities.json' with { type: 'json' };
import { startGnutlsServ } from '../helpers/lab-servers.ts';
import { auditPassThrough } from '../helpers/pass-through.ts';
import { freePort, makePki, serverProcess, startSServer, type Pki, type RunningServer } from '../helpers/tls-servers.ts';
import { startVulnerablePeer, type Flaws } from '../helpers/vulnerable-peer.ts';
import { runCli } from '../helpers/cli.ts';

type Verdicts = Record<VulnerabilityCheck, string>;

let pki: Pki;
const servers: RunningServer[] = [];
const keep = (s: RunningServer): RunningServer => { servers.push(s); return s; };

async function probe(port: number, timeoutMs = 3000): Promise<ProbeObservation> {
  return probeEndpoint({ host: '127.0.0.1', port, sni: null }, { timeoutMs });
}

function verdicts(o: ProbeObservation): Verdicts {
  expect(o.status, o.reason ?? '').toBe('ok');
  const out = {} as Verdicts;
  for (const check of VULNERABILITY_CHECKS) out[check] = o.vulnerabilities?.[check]?.status ?? 'absent';
  return out;
}

const allSafe = (): Verdicts => Object.fromEntries(VULNERABILITY_CHECKS.map((c) => [c, 'not-vulnerable'])) as Verdicts;

/** testssl.sh's recorded verdicts for one server configuration, as the probe's three words (only the checks it could test). */
function testsslSays(server: string): Partial<Verdicts> {
  const entry = testssl.servers.find((s) => s.server === server);
  if (!entry) throw new Error(`no recorded testssl.sh run for ${server}`);
  const out: Partial<Verdicts> = {};
  for (const [check, v] of Object.entries(entry.verdicts)) {
    if (!entry.cannotTest.includes(check)) out[check as VulnerabilityCheck] = v.severity === 'OK' ? 'not-vulnerable' : 'vulnerable';
  }
  return out;
}

let leafKey = '';
const peer = (flaws: Flaws): Promise<RunningServer> => startVulnerablePeer(flaws, pki.pem('leaf'), leafKey).then(keep);

beforeAll(async () => {
  pki = makePki();
  leafKey = readFileSync(pki.path('leaf.key'), 'utf8');
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  pki?.cleanup();
});

describe('real servers', () => {
  it('a patched OpenSSL s_server serving TLS 1.0 to 1.3 and RSA key exchange has none of the flaws, as testssl.sh says', async () => {
    const s = keep(await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-min_protocol', 'TLSv1', '-cipher', 'DEFAULT:@SECLEVEL=0']));
    const o = await probe(s.port);
    expect(o.protocols['TLSv1.0']).toBe(true);
    expect(o.cipherSuites['TLSv1.2']).toContain('TLS_RSA_WITH_AES_128_CBC_SHA');
    expect(verdicts(o)).toEqual(allSafe());
    expect(o.vulnerabilities?.fallbackScsv?.detail).toMatch(/inappropriate_fallback/);
    expect(o.vulnerabilities?.robot?.detail).toMatch(/all got bad_record_mac/);
    expect(o.vulnerabilities?.ccsInjection?.detail).toMatch(/unexpected_message/);
    expect(testsslSays('openssl s_server -min_protocol TLSv1 -cipher DEFAULT:@SECLEVEL=0')).toEqual(allSafe());
  }, 60_000);

  it('s_server -client_renegotiation accepts client-initiated renegotiation; its default refuses it (both as testssl.sh says)', async () => {
    const [open, closed] = await Promise.all([
      startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-client_renegotiation']).then(keep),
      startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key']).then(keep),
    ]);
    const [o, d] = await Promise.all([probe(open.port), probe(closed.port)]);
    expect(verdicts(o)).toEqual({ ...allSafe(), clientRenegotiation: 'vulnerable' });
    expect(verdicts(d)).toEqual(allSafe());
    expect(testsslSays('openssl s_server -client_renegotiation')).toEqual(verdicts(o));
    expect(testsslSays('openssl s_server')).toEqual(verdicts(d));
  }, 60_000);

  it('gnutls-serv with %DISABLE_SAFE_RENEGOTIATION lacks RFC 5746; its default has it; both accept client renegotiation', async () => {
    const [unsafe, normal] = await Promise.all([
      startGnutlsServ(pki, 'NORMAL:%DISABLE_SAFE_RENEGOTIATION').then(keep),
      startGnutlsServ(pki, 'NORMAL').then(keep),
    ]);
    const [u, n] = await Promise.all([probe(unsafe.port), probe(normal.port)]);
    expect(verdicts(u)).toEqual({ ...allSafe(), secureRenegotiation: 'vulnerable', clientRenegotiation: 'vulnerable' });
    expect(u.vulnerabilities?.secureRenegotiation?.detail).toMatch(/no renegotiation_info/);
    expect(verdicts(n)).toEqual({ ...allSafe(), clientRenegotiation: 'vulnerable' });
    expect(testsslSays('gnutls-serv --priority NORMAL')).toEqual(verdicts(n));
    // testssl.sh's OpenSSL 3 client refuses a server without RFC 5746 outright, so it cannot test either renegotiation
    // check there (it prints "OpenSSL handshake didn't succeed" and, for client renegotiation, "not vulnerable").
    const recorded = testssl.servers.find((s) => s.server === 'gnutls-serv --priority NORMAL:%DISABLE_SAFE_RENEGOTIATION');
    expect(recorded?.cannotTest).toEqual(['secureRenegotiation', 'clientRenegotiation']);
    expect(testsslSays('gnutls-serv --priority NORMAL:%DISABLE_SAFE_RENEGOTIATION')).toEqual({ ...allSafe(), secureRenegotiation: undefined, clientRenegotiation: undefined });
  }, 60_000);
});

describe("Node's TLS server (OpenSSL; client renegotiation allowed, at most 3 in 10 minutes)", () => {
  /** A Node TLS 1.2 server that either waits for the client (as an HTTP server does) or writes a response and closes at once. */
  async function nodeServer(behaviour: 'waits' | 'writes-and-closes'): Promise<RunningServer> {
    const server = tls.createServer({ key: leafKey, cert: pki.pem('leaf'), maxVersion: 'TLSv1.2' }, (socket) => {
      socket.on('error', () => undefined);
      if (behaviour === 'writes-and-closes') socket.end('HTTP/1.0 200 OK\r\n\r\n');
      else socket.resume();
    });
    server.on('tlsClientError', () => undefined);
    const sockets = new Set<net.Socket>();
    server.on('connection', (c: net.Socket) => { sockets.add(c); c.on('close', () => sockets.delete(c)); });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return keep({ port: (server.address() as net.AddressInfo).port, stop: () => new Promise<void>((done) => { for (const c of sockets) c.destroy(); server.close(() => done()); }) });
  }

  it('one that waits accepts client renegotiation, as testssl.sh says; one that writes and closes by itself is unknown, not "refused"', async () => {
    const [waits, closes] = await Promise.all([nodeServer('waits'), nodeServer('writes-and-closes')]);
    // A long connection timeout: the close after the server's own data must be what ends the check, not the timer.
    const [w, c] = await Promise.all([probe(waits.port), probe(closes.port, 30_000)]);
    expect(verdicts(w)).toEqual({ ...allSafe(), clientRenegotiation: 'vulnerable' });
    expect(testsslSays('node tls.createServer (waits for the client)')).toEqual(verdicts(w));
    expect(verdicts(c)).toEqual({ ...allSafe(), clientRenegotiation: 'unknown' });
    expect(c.vulnerabilities?.clientRenegotiation?.detail).toMatch(/sent its own data and closed the connection over TLSv1.2/);
    expect(c.incomplete).toEqual([expect.objectContaining({ field: 'vulnerabilities.clientRenegotiation' })]);
    // testssl.sh printed VULNERABLE there, but the server had closed before its s_client asked: it could not test it either.
    expect(testssl.servers.find((s) => s.server === 'node tls.createServer (writes and closes)')?.cannotTest).toEqual(['clientRenegotiation']);
    expect(testsslSays('node tls.createServer (writes and closes)')).toEqual({ ...allSafe(), clientRenegotiation: undefined });
  }, 120_000);
});

describe('the probe command', () => {
  it('prints each verdict with --json and in text, and --no-vulnerability-checks leaves them out', async () => {
    const s = keep(await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-client_renegotiation']));
    const json = runCli(['probe', `127.0.0.1:${s.port}`, '--json', '--timeout', '3000']);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as ProbeObservation;
    expect(parsed.vulnerabilities?.clientRenegotiation?.status).toBe('vulnerable');
    expect(parsed.vulnerabilities?.heartbleed?.status).toBe('not-vulnerable');
    const text = runCli(['probe', `127.0.0.1:${s.port}`, '--timeout', '3000']);
    expect(text.stdout).toMatch(/clientRenegotiation\s+VULNERABLE\s+accepted a client-initiated renegotiation/);
    const off = runCli(['probe', `127.0.0.1:${s.port}`, '--json', '--timeout', '3000', '--no-vulnerability-checks']);
    expect(off.code, off.stderr).toBe(0);
    expect(JSON.parse(off.stdout)).not.toHaveProperty('vulnerabilities');
  }, 90_000);
});

describe('a hostile peer with one flaw at a time (what OpenSSL 3 can no longer be made to do)', () => {
  const cases: { flaw: keyof Flaws; check: VulnerabilityCheck; detail: RegExp }[] = [
    { flaw: 'compression', check: 'compression', detail: /chose DEFLATE/ },
    { flaw: 'ignoreFallbackScsv', check: 'fallbackScsv', detail: /accepted a TLSv1.1 hello carrying TLS_FALLBACK_SCSV although it serves TLSv1.2/ },
    { flaw: 'heartbleed', check: 'heartbleed', detail: /answered a 3-byte heartbeat claiming 16384 bytes with 16403 bytes/ },
    { flaw: 'ccsInjection', check: 'ccsInjection', detail: /bad_record_mac \(20\): the server accepted a ChangeCipherSpec before the key exchange/ },
    { flaw: 'robot', check: 'robot', detail: /well-formed: bad_record_mac; wrong first bytes: decrypt_error/ },
    { flaw: 'noSecureRenegotiation', check: 'secureRenegotiation', detail: /no renegotiation_info/ },
  ];

  it('the same peer without flaws is not vulnerable to any of them (so the flaw, not the peer, is what the checks see)', async () => {
    const o = await probe((await peer({})).port, 1500);
    expect(o.protocols).toMatchObject({ 'TLSv1.0': true, 'TLSv1.1': true, 'TLSv1.2': true, 'TLSv1.3': false });
    const v = verdicts(o);
    for (const { check } of cases) expect(v[check], `${check}: ${o.vulnerabilities?.[check]?.detail}`).toBe('not-vulnerable');
  }, 60_000);

  for (const { flaw, check, detail } of cases) {
    it(`${flaw}: ${check} is vulnerable and nothing else changes`, async () => {
      const o = await probe((await peer({ [flaw]: true })).port, 1500);
      const v = verdicts(o);
      expect(v[check]).toBe('vulnerable');
      expect(o.vulnerabilities?.[check]?.detail).toMatch(detail);
      for (const other of cases) if (other.check !== check) expect(v[other.check], other.check).toBe('not-vulnerable');
    }, 60_000);
  }
});

describe('ROBOT behind a request for a client certificate (mutual TLS)', () => {
  it('an optional one is passed with an empty Certificate, so the oracle is reached: found on the flawed peer, absent on the sound one', async () => {
    const [flawed, sound] = await Promise.all([peer({ robot: true, clientCertificate: 'optional' }), peer({ clientCertificate: 'optional' })]);
    const [f, n] = await Promise.all([probe(flawed.port, 1500), probe(sound.port, 1500)]);
    expect(f.vulnerabilities?.robot?.status).toBe('vulnerable');
    expect(f.vulnerabilities?.robot?.detail).toMatch(/well-formed: bad_record_mac; wrong first bytes: decrypt_error/);
    expect(n.vulnerabilities?.robot).toEqual({ status: 'not-vulnerable', detail: expect.stringMatching(/all got bad_record_mac/) });
  }, 60_000);

  it('a required one stops the key exchange before the RSA decryption: unknown, never not vulnerable', async () => {
    const o = await probe((await peer({ robot: true, clientCertificate: 'required' })).port, 1500);
    expect(o.vulnerabilities?.robot).toEqual({ status: 'unknown', detail: expect.stringMatching(/requires a client certificate \(it answered an empty one with handshake_failure\)/) });
    expect(o.incomplete).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'vulnerabilities.robot' })]));
  }, 60_000);

  it('OpenSSL s_server -verify (optional) is tested and not vulnerable; -Verify (required) is unknown', async () => {
    const [optional, required] = await Promise.all([
      startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-verify', '1', '-CAfile', 'root.pem']).then(keep),
      startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-Verify', '1', '-CAfile', 'root.pem']).then(keep),
    ]);
    const [o, r] = await Promise.all([probe(optional.port), probe(required.port)]);
    expect(o.vulnerabilities?.robot).toEqual({ status: 'not-vulnerable', detail: expect.stringMatching(/all got bad_record_mac/) });
    expect(r.vulnerabilities?.robot?.status).toBe('unknown');
    expect(r.vulnerabilities?.robot?.detail).toMatch(/requires a client certificate/);
  }, 60_000);
});

describe('judged by the rules', () => {
  it('a Heartbleed target behind the demo TCP pass-through NLB fails endpoint-heartbleed, says it is the target, and the other checks pass', async () => {
    const p = await peer({ heartbleed: true, ccsInjection: true });
    const outcome = await auditPassThrough(p.port, { probe: { timeoutMs: 1500 } });
    const status = (id: string): string[] => outcome.result.findings.filter((f) => f.ruleId === id).map((f) => f.status);
    expect(status('endpoint-heartbleed')).toEqual(['fail']);
    expect(status('endpoint-ccs-injection')).toEqual(['fail']);
    const message = outcome.result.findings.find((f) => f.ruleId === 'endpoint-heartbleed')!.message;
    expect(message).toMatch(/16403 bytes of its memory/);
    expect(message).toMatch(/TLS answered by: target/);
    for (const id of ['endpoint-tls-compression', 'endpoint-no-fallback-scsv', 'endpoint-robot', 'endpoint-insecure-renegotiation']) expect(status(id), id).toEqual(['pass']);
  }, 90_000);

  it('a check that cannot be answered is unknown and its rule gives error, never pass; turned off, the rules do not apply', async () => {
    // A server that completes the first flight and then says nothing to anything.
    const port = await freePort();
    const silent = keep(await serverProcess(spawn(process.execPath, ['-e', `
      const net = require('node:net');
      net.createServer((s) => { s.on('error', () => {}); s.once('data', (d) => {
        if (d[5] !== 1 || d.readUInt16BE(9) > 0x0303 || d.readUInt16BE(9) < 0x0301) return s.destroy();
        const v = d.subarray(9, 11).toString('hex');
        const hello = Buffer.from('02000032' + v + '07'.repeat(32) + '00002f00000aff01000100000f000101', 'hex');
        s.write(Buffer.concat([Buffer.from([0x16, 3, 3, 0, hello.length]), hello, Buffer.from('16030300040e000000', 'hex')]));
      }); }).listen(${port}, '127.0.0.1');`], { stdio: 'ignore' }), port));
    const o = await probe(silent.port, 1000);
    expect(o.vulnerabilities?.ccsInjection).toEqual({ status: 'unknown', detail: 'the server said nothing to two early ChangeCipherSpec records' });
    expect(o.incomplete).toContainEqual({ field: 'vulnerabilities.ccsInjection', reason: 'the server said nothing to two early ChangeCipherSpec records' });
    const ccs = async (vulnerabilities: boolean): Promise<{ ccs: string[]; endpointRules: number }> => {
      const outcome = await auditPassThrough(silent.port, { probe: { timeoutMs: 1000, vulnerabilities } });
      return {
        ccs: outcome.result.findings.filter((f) => f.ruleId === 'endpoint-ccs-injection').map((f) => f.status),
        endpointRules: outcome.result.findings.filter((f) => f.resource.kind === 'endpoint').length,
      };
    };
    expect((await ccs(true)).ccs).toEqual(['error']);
    // Turned off: not applicable, which is no finding at all, while the endpoint's other rules still judge it.
    const off = await ccs(false);
    expect(off.ccs).toEqual([]);
    expect(off.endpointRules).toBeGreaterThan(0);
    const skipped = await probeEndpoint({ host: '127.0.0.1', port: silent.port, sni: null }, { timeoutMs: 1000, vulnerabilities: false });
    expect(skipped.vulnerabilities).toBeUndefined();
  }, 60_000);
});
