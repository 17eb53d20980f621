import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { probeEndpoint } from '../../src/probe/index.ts';
import { makePki, startNodeTlsServer, startSServer, type Pki, type RunningServer } from '../helpers/tls-servers.ts';

const cn = (subject: string): string => /CN=([^,]*)/.exec(subject)?.[1] ?? subject;

describe('probe against openssl s_server and Node tls on 127.0.0.1', () => {
  let pki: Pki;
  const servers: Record<string, RunningServer> = {};
  beforeAll(async () => {
    pki = makePki();
    const base = ['-cert', 'leaf.pem', '-key', 'leaf.key'];
    servers.tls10 = await startSServer(pki, [...base, '-cert_chain', 'chain_good.pem', '-tls1', '-cipher', 'ALL:@SECLEVEL=0']);
    servers.modern = await startSServer(pki, [...base, '-cert_chain', 'chain_good.pem']);
    servers.misordered = await startSServer(pki, [...base, '-cert_chain', 'chain_misordered.pem']);
    servers.extra = await startSServer(pki, [...base, '-cert_chain', 'chain_extra.pem']);
    servers.dual = await startSServer(pki, [...base, '-cert_chain', 'chain_good.pem', '-dcert', 'leafec.pem', '-dkey', 'leafec.key', '-dcert_chain', 'chain_good.pem']);
    servers.sni = await startSServer(pki, [...base, '-cert_chain', 'chain_good.pem', '-servername', 'other.test', '-cert2', 'other.pem', '-key2', 'other.key']);
    servers.ocsp = await startNodeTlsServer({ cert: pki.pem('leaf') + pki.pem('int2'), key: readFileSync(pki.path('leaf.key'), 'utf8') }, Buffer.from('fake-ocsp-response'));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
    pki.cleanup();
  });

  it('sees a TLS 1.0-only server (@SECLEVEL=0) as TLS 1.0 and nothing else, with its legacy suites', async () => {
    const o = await probeEndpoint({ host: '127.0.0.1', port: servers.tls10!.port, sni: null });
    expect(o.status).toBe('ok');
    expect(o.protocols).toEqual({ SSLv2: false, SSLv3: false, 'TLSv1.0': true, 'TLSv1.1': false, 'TLSv1.2': false, 'TLSv1.3': false });
    expect(o.cipherSuites['TLSv1.0']).toContain('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA');
    expect(o.cipherSuites['TLSv1.0']).toContain('TLS_DH_anon_WITH_AES_128_CBC_SHA');
    expect(o.certificates[0]?.chain.map((c) => cn(c.subject))).toEqual(['localhost', 'Test Intermediate 2', 'Test Intermediate 1']);
    expect(o.certificates[0]?.protocol).toBe('TLSv1.0');
  });

  it('sees the default server as TLS 1.2 + 1.3 with groups and DH size', async () => {
    const o = await probeEndpoint({ host: '127.0.0.1', port: servers.modern!.port, sni: null });
    expect(o.protocols['TLSv1.2']).toBe(true);
    expect(o.protocols['TLSv1.3']).toBe(true);
    expect(o.protocols['TLSv1.1']).toBe(false);
    expect(o.protocols.SSLv3).toBe(false);
    expect(o.protocols.SSLv2).toBe(false);
    expect([...(o.cipherSuites['TLSv1.3'] ?? [])].sort()).toEqual(['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']);
    expect(o.cipherSuites['TLSv1.2']).toContain('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
    expect(o.groups).toEqual(expect.arrayContaining(['x25519', 'secp256r1', 'secp384r1']));
    expect(o.groups).not.toContain('X25519MLKEM768');
    expect(o.dhBits).toBeGreaterThanOrEqual(2048);
    expect(o.serverCipherOrder).toBe(false);
  });

  it('reports a misordered chain exactly as served, over TLS 1.2 (raw) and TLS 1.3 (Node)', async () => {
    const o = await probeEndpoint({ host: '127.0.0.1', port: servers.misordered!.port, sni: null });
    const served = ['localhost', 'Test Intermediate 1', 'Test Intermediate 2', 'Test Root CA'];
    expect(o.certificates[0]?.protocol).toBe('TLSv1.3');
    expect(o.certificates[0]?.chain.map((c) => cn(c.subject))).toEqual(served);
    // The raw TLS 1.2 read is kept only when it differs, so one entry means TLS 1.2 served the same order.
    expect(o.certificates).toHaveLength(1);
  });

  it('keeps an extra, unrelated certificate where the server put it', async () => {
    const o = await probeEndpoint({ host: '127.0.0.1', port: servers.extra!.port, sni: null });
    expect(o.certificates[0]?.chain.map((c) => cn(c.subject))).toEqual(['localhost', 'Unrelated Extra CA', 'Test Intermediate 2', 'Test Intermediate 1']);
  });

  it('finds both the RSA and the ECDSA deployment', async () => {
    const o = await probeEndpoint({ host: '127.0.0.1', port: servers.dual!.port, sni: null });
    const kinds = new Set(o.certificates.map((c) => `${c.protocol}/${c.keyType}`));
    expect(kinds).toEqual(new Set(['TLSv1.3/rsa', 'TLSv1.3/ec', 'TLSv1.2/rsa', 'TLSv1.2/ec'].filter((k) => kinds.has(k))));
    expect(new Set(o.certificates.map((c) => c.keyType))).toEqual(new Set(['rsa', 'ec']));
    expect(o.certificates.some((c) => c.protocol === 'TLSv1.3' && c.keyType === 'ec')).toBe(true);
    expect(o.certificates.some((c) => c.protocol === 'TLSv1.3' && c.keyType === 'rsa')).toBe(true);
    expect(o.cipherSuites['TLSv1.2']).toEqual(expect.arrayContaining(['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256']));
  });

  it('gets a different certificate per SNI name, and the default one without SNI', async () => {
    const o = await probeEndpoint({ host: '127.0.0.1', port: servers.sni!.port, sni: 'other.test', sniNames: ['a.test'] });
    const leafFor = (sni: string | null): string | undefined => cn(o.certificates.find((c) => c.sni === sni)?.chain[0]?.subject ?? '');
    expect(leafFor('other.test')).toBe('other.test');
    expect(leafFor('a.test')).toBe('localhost');
    expect(leafFor(null)).toBe('localhost');
  });

  it('a warning alert before the ServerHello (unrecognized_name for a name s_server does not hold) does not hide TLS 1.2 or its suites', async () => {
    const port = servers.sni!.port;
    const oracle = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'a.test', '-tls1_2', '-msg'], { input: '', encoding: 'utf8', timeout: 10_000 });
    expect(oracle.stdout).toMatch(/<<< TLS 1\.2, Alert \[length 0002\], warning unrecognized_name/);
    expect(oracle.stdout).toMatch(/Cipher is ECDHE-RSA-/);
    const named = await probeEndpoint({ host: '127.0.0.1', port, sni: 'other.test' });
    const warned = await probeEndpoint({ host: '127.0.0.1', port, sni: 'a.test' });
    expect(warned.status).toBe('ok');
    expect(warned.incomplete).toEqual([]);
    expect(warned.protocols['TLSv1.2']).toBe(true);
    expect([...(warned.cipherSuites['TLSv1.2'] ?? [])].sort()).toEqual([...(named.cipherSuites['TLSv1.2'] ?? [])].sort());
    expect(warned.dhBits).toBe(named.dhBits);
    expect(Object.values(warned.vulnerabilities ?? {}).map((v) => v.status)).toEqual(Array(7).fill('not-vulnerable'));
  });

  it('keeps 64 certificates of a TLS 1.2 chain of 131 (a 140 KiB Certificate message) and says it was cut, as over TLS 1.3', async () => {
    writeFileSync(pki.path('chain_huge.pem'), pki.pem('int2').repeat(130) + pki.pem('int1'));
    const huge = await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-cert_chain', 'chain_huge.pem', '-no_tls1_3']);
    try {
      const o = await probeEndpoint({ host: '127.0.0.1', port: huge.port, sni: 'localhost' });
      expect(o.status).toBe('ok');
      expect(o.protocols['TLSv1.2']).toBe(true);
      expect(o.cipherSuites['TLSv1.2']?.length).toBeGreaterThan(10);
      expect(o.certificates[0]?.chain).toHaveLength(64);
      expect(o.incomplete).toContainEqual({ field: 'certificates', reason: 'TLSv1.2 chain for localhost cut at 64 certificates' });
    } finally {
      await huge.stop();
    }
  });

  it('sees a stapled OCSP response over TLS 1.2 and TLS 1.3', async () => {
    const o = await probeEndpoint({ host: '127.0.0.1', port: servers.ocsp!.port, sni: null });
    expect(o.certificates.find((c) => c.protocol === 'TLSv1.3')?.ocspStapled).toBe(true);
    const tls12 = await probeEndpoint({ host: '127.0.0.1', port: servers.ocsp!.port, sni: null }, { groups: false });
    expect(tls12.protocols['TLSv1.2']).toBe(true);
    const modern = await probeEndpoint({ host: '127.0.0.1', port: servers.modern!.port, sni: null });
    expect(modern.certificates[0]?.ocspStapled).toBe(false);
  });

  it('connects where --connect-to says while reporting the original target', async () => {
    const o = await probeEndpoint({ host: 'lb.example.invalid', port: 443, sni: 'a.test', connectTo: `127.0.0.1:${servers.modern!.port}` });
    expect(o.status).toBe('ok');
    expect(o.target).toEqual({ host: 'lb.example.invalid', port: 443, sni: 'a.test', connectedTo: `127.0.0.1:${servers.modern!.port}` });
    expect(o.certificates.map((c) => c.sni)).toEqual(expect.arrayContaining(['a.test', null]));
  });
});

