import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { ConnectionCounter } from '../../src/probe/connection.ts';
import { fetchTls13Chain, type Tls13Chain } from '../../src/probe/tls13/handshake.ts';
import { HRR_RANDOM, MAX_SERVED_CHAIN } from '../../src/probe/wire.ts';
import { freePort, makePki, serverProcess, startNodeTlsServer, startSServer, type Pki, type RunningServer } from '../helpers/tls-servers.ts';

// The raw TLS 1.3 engine against real servers: every suite, groups reached through a HelloRetryRequest,
// certificate selection by signature_algorithms, chains exactly as served, and peers that lie.
describe('TLS 1.3 engine against openssl s_server, gnutls-serv and Node tls', () => {
  let pki: Pki;
  const servers: RunningServer[] = [];
  const keep = (s: RunningServer): RunningServer => { servers.push(s); return s; };
  beforeAll(() => { pki = makePki(); }, 60_000);
  afterAll(async () => { await Promise.all(servers.map((s) => s.stop())); pki.cleanup(); });

  const fetch = (port: number, options: Parameters<typeof fetchTls13Chain>[3] = {}, sni: string | null = 'localhost') =>
    fetchTls13Chain({ host: '127.0.0.1', port, timeoutMs: 5000 }, sni, new ConnectionCounter(), options);
  const ok = (r: Tls13Chain | { error: string }): Tls13Chain => {
    if ('error' in r) throw new Error(r.error);
    return r;
  };
  const cn = (der: Buffer): string => /CN=([^\n,]*)/.exec(new X509Certificate(der).subject)?.[1] ?? '?';
  /** gnutls-serv with the PKI's localhost chain and the given priority string. */
  const gnutlsServ = async (priority: string): Promise<RunningServer> => {
    const port = await freePort();
    writeFileSync(pki.path('leaf_full.pem'), pki.pem('leaf') + pki.pem('int2') + pki.pem('int1'));
    const child = spawn('gnutls-serv', ['--http', '-a', '-p', String(port), '--x509certfile', pki.path('leaf_full.pem'), '--x509keyfile', pki.path('leaf.key'),
      '--priority', priority], { stdio: 'ignore' });
    return serverProcess(child, port);
  };
  const derOf = (name: string): string => createHash('sha256').update(new X509Certificate(pki.pem(name)).raw).digest('hex');

  const SUITES: [string, number][] = [
    ['TLS_AES_128_GCM_SHA256', 0x1301], ['TLS_AES_256_GCM_SHA384', 0x1302], ['TLS_CHACHA20_POLY1305_SHA256', 0x1303],
    ['TLS_AES_128_CCM_SHA256', 0x1304], ['TLS_AES_128_CCM_8_SHA256', 0x1305],
  ];
  for (const [name, code] of SUITES) {
    it(`decrypts the Certificate message under ${name}`, async () => {
      const s = keep(await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-cert_chain', 'chain_good.pem', '-tls1_3', '-ciphersuites', name]));
      const got = ok(await fetch(s.port));
      expect(got.suite).toBe(code);
      expect(got.chain.map(cn)).toEqual(['localhost', 'Test Intermediate 2', 'Test Intermediate 1']);
    });
  }

  it('a suite the server does not enable is answered with an alert, reported as an error', async () => {
    const s = keep(await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-tls1_3', '-ciphersuites', 'TLS_AES_128_CCM_8_SHA256']));
    const got = await fetch(s.port, { suites: [0x1301, 0x1302] });
    expect(got).toEqual({ error: expect.stringMatching(/alert 40 \(handshake_failure\)/), alert: 40 });
  });

  for (const [group, code] of [['P-384', 24], ['P-521', 25], ['X448', 30]] as const) {
    it(`completes through a HelloRetryRequest when the server only takes ${group}`, async () => {
      const s = keep(await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-tls1_3', '-groups', group]));
      const got = ok(await fetch(s.port));
      expect(got.group).toBe(code);
      expect(cn(got.chain[0]!)).toBe('localhost');
    });
  }

  for (const [group, code] of [['ffdhe2048', 256], ['ffdhe3072', 257], ['ffdhe4096', 258], ['ffdhe6144', 259], ['ffdhe8192', 260]] as const) {
    it(`completes through a HelloRetryRequest when the server only takes ${group} (RFC 7919 finite-field share)`, async () => {
      const s = keep(await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-cert_chain', 'chain_good.pem', '-tls1_3', '-groups', group]));
      const got = ok(await fetch(s.port));
      expect(got.group).toBe(code);
      expect(got.chain.map(cn)).toEqual(['localhost', 'Test Intermediate 2', 'Test Intermediate 1']);
    });
  }

  it('completes a finite-field handshake with gnutls-serv too (ffdhe3072 only)', async () => {
    const s = keep(await gnutlsServ('NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-FFDHE3072'));
    const got = ok(await fetch(s.port));
    expect(got.group).toBe(257);
    expect(got.chain.map(cn)).toEqual(['localhost', 'Test Intermediate 2', 'Test Intermediate 1']);
  });

  it('a HelloRetryRequest for a group the engine lacks (X25519MLKEM768) or a finite-field share out of range is an honest error', async () => {
    const mlkem = keep(await lyingTls13Peer('hrr-mlkem'));
    const a = await fetch(mlkem.port);
    expect('error' in a ? a.error : 'no error').toMatch(/0x11ec, which the engine does not implement/);
    const badY = keep(await lyingTls13Peer('ffdhe-y-one'));
    const b = await fetch(badY.port);
    expect('error' in b ? b.error : 'no error').toMatch(/unusable server key share: ffdhe share outside 1 < Y < p - 1/);
  });

  it('asks a dual-certificate server for the RSA and the ECDSA certificate in turn', async () => {
    const s = keep(await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-dcert', 'leafec.pem', '-dkey', 'leafec.key', '-tls1_3']));
    const rsa = ok(await fetch(s.port, { keyType: 'RSA' }));
    const ec = ok(await fetch(s.port, { keyType: 'ECDSA' }));
    expect(new X509Certificate(rsa.chain[0]!).publicKey.asymmetricKeyType).toBe('rsa');
    expect(new X509Certificate(ec.chain[0]!).publicKey.asymmetricKeyType).toBe('ec');
  });

  it('returns a misordered chain, root included, exactly as served', async () => {
    const s = keep(await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-cert_chain', 'chain_misordered.pem', '-tls1_3']));
    const got = ok(await fetch(s.port, {}, null));
    expect(got.chain.map(cn)).toEqual(['localhost', 'Test Intermediate 1', 'Test Intermediate 2', 'Test Root CA']);
    expect(createHash('sha256').update(got.chain[3]!).digest('hex')).toBe(derOf('root'));
  });

  it(`keeps ${MAX_SERVED_CHAIN} certificates of a longer chain and says it was cut`, async () => {
    writeFileSync(pki.path('chain_long.pem'), pki.pem('int2').repeat(70) + pki.pem('int1'));
    const s = keep(await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-cert_chain', 'chain_long.pem', '-tls1_3']));
    const got = ok(await fetch(s.port));
    expect(got.chain).toHaveLength(MAX_SERVED_CHAIN);
    expect(got.cut).toBe(true);
  });

  it('sees a stapled OCSP response in the leaf CertificateEntry', async () => {
    const s = keep(await startNodeTlsServer({ key: readKey(pki, 'leaf'), cert: pki.pem('leaf'), minVersion: 'TLSv1.3' }, Buffer.from('3003020100', 'hex')));
    const got = ok(await fetch(s.port));
    expect(got.ocspStapled).toBe(true);
    const plain = keep(await startNodeTlsServer({ key: readKey(pki, 'leaf'), cert: pki.pem('leaf'), minVersion: 'TLSv1.3' }));
    expect(ok(await fetch(plain.port)).ocspStapled).toBe(false);
  });

  it('agrees with gnutls-serv on suite and chain', async () => {
    const s = keep(await gnutlsServ('NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305'));
    const got = ok(await fetch(s.port));
    expect(got.suite).toBe(0x1303);
    expect(got.chain.map(cn)).toEqual(['localhost', 'Test Intermediate 2', 'Test Intermediate 1']);
  });

  it('a peer that sends a ServerHello with a bad key share or undecryptable records is an error, not a chain', async () => {
    for (const behaviour of ['short-share', 'bad-record'] as const) {
      const s = keep(await lyingTls13Peer(behaviour));
      const got = await fetch(s.port);
      expect('error' in got ? got.error : 'no error').toMatch(behaviour === 'short-share' ? /key share/ : /decrypt/);
    }
  });
});

function readKey(pki: Pki, name: string): string {
  return readFileSync(pki.path(`${name}.key`), 'utf8');
}

/**
 * Answers any ClientHello with a TLS 1.3 ServerHello for X25519, then either a truncated share or garbage
 * "encrypted" records; or with a HelloRetryRequest for X25519MLKEM768; or with one for ffdhe2048 and then a
 * ServerHello whose ffdhe2048 share is Y = 1.
 */
async function lyingTls13Peer(behaviour: 'short-share' | 'bad-record' | 'hrr-mlkem' | 'ffdhe-y-one'): Promise<RunningServer> {
  const serverHello = (random: Buffer, keyShare: Buffer): Buffer => {
    const exts = Buffer.concat([Buffer.from([0, 43, 0, 2, 3, 4]), Buffer.from([0, 51]), u16(keyShare.length), keyShare]);
    const body = Buffer.concat([Buffer.from([3, 3]), random, Buffer.from([0]), Buffer.from([0x13, 0x01, 0]), u16(exts.length), exts]);
    const hs = Buffer.concat([Buffer.from([2, 0, body.length >> 8, body.length & 0xff]), body]);
    return Buffer.concat([Buffer.from([22, 3, 3]), u16(hs.length), hs]);
  };
  const entry = (group: number, share: Buffer): Buffer => Buffer.concat([u16(group), u16(share.length), share]);
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    if (behaviour === 'hrr-mlkem' || behaviour === 'ffdhe-y-one') {
      let hellos = 0;
      socket.on('data', () => {
        hellos++;
        if (hellos === 1) socket.write(serverHello(HRR_RANDOM, u16(behaviour === 'hrr-mlkem' ? 0x11ec : 256)));
        else if (hellos === 2) socket.write(serverHello(Buffer.alloc(32, 7), entry(256, Buffer.concat([Buffer.alloc(255), Buffer.from([1])]))));
      });
      return;
    }
    socket.once('data', () => {
      const share = behaviour === 'short-share' ? Buffer.alloc(7, 1) : Buffer.alloc(32, 9);
      socket.write(serverHello(Buffer.alloc(32, 7), entry(29, share)));
      socket.write(Buffer.concat([Buffer.from([23, 3, 3]), u16(40), Buffer.alloc(40, 0xaa)]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);
