/**
 * The probe against real server software nobody here wrote, each checked against an oracle that asks the
 * server one suite at a time (openssl s_client, gnutls-cli): HAProxy choosing its certificate by the offered
 * suites, nginx with a 1024-bit DH group, GnuTLS serving Camellia-GCM and (with a GOST certificate) RFC 9189's GOST suite, OpenSSL with TLS 1.3 CCM only and
 * with anonymous ECDH, Apache with Mozilla's intermediate (client order) and old (server order, TLS 1.0) configurations,
 * lighttpd prioritising ChaCha20, stunnel with server order, the groups an s_server accepts against
 * s_client -groups one group at a time (the common curves, and only uncommon TLS 1.2 ones), and a silent peer bounded by the per-endpoint deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groups, lookupSuite } from '../../src/catalogue/tls.ts';
import type { ProbeObservation } from '../../src/model/snapshot.ts';
import { probeEndpoint, type ProbeOptions } from '../../src/probe/endpoint.ts';
import {
  gnutlsCli, makeDhParams, makeGostCertificate, opensslSuites, oracleSuites, sClient, startApache, startGnutlsServ, startHaproxyDualCert, startLighttpd, startNginx, startStunnel,
} from '../helpers/lab-servers.ts';
import { auditPassThrough, PASS_THROUGH_DNS } from '../helpers/pass-through.ts';
import { sslscan } from '../helpers/sslscan.ts';
import { makePki, startHostilePeer, startSServer, type Pki, type RunningServer } from '../helpers/tls-servers.ts';
import { pemBundle, TestPki } from '../helpers/pki.ts';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const probe = (port: number, options: ProbeOptions = {}): Promise<ProbeObservation> =>
  probeEndpoint({ host: 'localhost', port, sni: 'localhost', connectTo: `127.0.0.1:${port}` }, { timeoutMs: 3000, ...options });
/** The probe's IANA names as OpenSSL names, sorted, for comparison with the s_client oracle. */
const asOpenssl = (names: string[] | undefined): string[] => (names ?? []).map((n) => lookupSuite(n)?.openssl ?? n).sort();

const HAPROXY_CIPHERS = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-SHA:AES128-SHA:AES256-GCM-SHA384';

describe('probe against a lab of real servers', () => {
  let pki: Pki;
  const servers: RunningServer[] = [];
  beforeAll(() => { pki = makePki(); }, 60_000);
  afterAll(async () => { for (const s of servers) await s.stop(); pki?.cleanup(); });
  const keep = (s: RunningServer): RunningServer => { servers.push(s); return s; };

  it('finds every suite of a dual RSA+ECDSA HAProxy that picks its certificate by the offered suites, where sslscan misses the RSA ones', async () => {
    const h = keep(await startHaproxyDualCert(pki, HAPROXY_CIPHERS));
    const [o, oracle, peer] = await Promise.all([probe(h.port), oracleSuites(h.port, 'TLSv1.2', opensslSuites('TLSv1.2')), sslscan(h.port)]);
    expect(o.status).toBe('ok');
    expect(o.incomplete).toEqual([]);
    // exactly the server's configured list, confirmed one handshake per suite
    expect(oracle.sort()).toEqual(HAPROXY_CIPHERS.split(':').sort());
    expect(asOpenssl(o.cipherSuites['TLSv1.2'])).toEqual(oracle.sort());
    expect(o.cipherSuites['TLSv1.2']).toContain('TLS_RSA_WITH_AES_128_CBC_SHA');
    expect(new Set(o.certificates.map((c) => c.keyType))).toEqual(new Set(['ec', 'rsa']));
    // the peer is wrong here: it never gets the RSA certificate selected
    expect(peer.cipherSuites['TLSv1.2']).not.toContain('TLS_RSA_WITH_AES_128_CBC_SHA');
    expect((peer.cipherSuites['TLSv1.2'] ?? []).length).toBeLessThan(oracle.length);
    // server order (HAProxy's default), with ChaCha20 for clients that list it first
    expect(o.serverCipherOrder).toBe(true);
    expect(o.chachaPriority).toBe(true);
    expect((await sClient(h.port, 'TLSv1.2', 'ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256')).suite).toBe('ECDHE-ECDSA-CHACHA20-POLY1305');
    expect((await sClient(h.port, 'TLSv1.2', 'ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-GCM-SHA256')).suite).toBe('ECDHE-ECDSA-AES128-GCM-SHA256');
    expect(o.cipherSuites['TLSv1.2']?.[0]).toBe('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
  }, 120_000);

  it('measures the 1024-bit DH group nginx gives clients with and without ffdhe groups, and endpoint-weak-dh fails it', async () => {
    const dh = makeDhParams(pki, 1024);
    const n = keep(await startNginx(pki, { ciphers: 'DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA:@SECLEVEL=0', dhparam: dh }));
    const [o, oracle, dheKey, peer] = await Promise.all([probe(n.port), oracleSuites(n.port, 'TLSv1.2', opensslSuites('TLSv1.2')),
      sClient(n.port, 'TLSv1.2', 'DHE-RSA-AES128-GCM-SHA256'), sslscan(n.port)]);
    expect(asOpenssl(o.cipherSuites['TLSv1.2'])).toEqual(oracle.sort());
    expect(peer.cipherSuites['TLSv1.2']?.slice().sort()).toEqual(o.cipherSuites['TLSv1.2']?.slice().sort());
    expect(dheKey.tempKey).toBe('DH, 1024 bits');
    expect(o.dhBits).toBe(1024);
    expect(o.dhBitsWithFfdhe).toBe(1024);
    // TLS 1.2 groups enumerated, not just the one negotiated
    expect(o.groups).toEqual(expect.arrayContaining(['x25519', 'secp256r1', 'secp384r1']));
    expect(o.serverCipherOrder).toBe(true);

    const outcome = await auditPassThrough(n.port);
    const weakDh = outcome.result.findings.filter((f) => f.ruleId === 'endpoint-weak-dh');
    expect(weakDh.map((f) => f.status)).toContain('fail');
    expect(weakDh.find((f) => f.status === 'fail')!.message).toMatch(/1024-bit DH group/);
  }, 120_000);

  it('nginx that refuses hellos without SNI (ssl_reject_handshake): the named site is seen in full, the refusal is a note, not a gap', async () => {
    const n = keep(await startNginx(pki, { ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384', protocols: 'TLSv1.2 TLSv1.3', rejectWithoutSni: true }));
    const noSni = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${n.port}`, '-noservername'], { input: '', encoding: 'utf8', timeout: 10_000 });
    expect(noSni.stderr).toMatch(/alert number 112/);
    const o = await probe(n.port);
    expect(o.status).toBe('ok');
    expect(o.incomplete).toEqual([]);
    expect(asOpenssl(o.cipherSuites['TLSv1.2'])).toEqual((await oracleSuites(n.port, 'TLSv1.2', opensslSuites('TLSv1.2'))).sort());
    expect(o.certificates.map((c) => c.sni)).toEqual(['localhost']);
    expect(o.notes).toContain('a hello without SNI is refused with unrecognized_name: no certificate is served for it');
  }, 120_000);

  it('HAProxy with strict-sni (TLS 1.2 and 1.3): both certificates for the name, the refused hello without SNI a note, not a gap', async () => {
    const h = keep(await startHaproxyDualCert(pki, HAPROXY_CIPHERS, { strictSni: true, maxVersion: 'TLSv1.3' }));
    for (const version of ['-tls1_2', '-tls1_3']) {
      const noSni = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${h.port}`, '-noservername', version], { input: '', encoding: 'utf8', timeout: 10_000 });
      expect(noSni.stderr).toMatch(/alert number 112/);
    }
    const o = await probe(h.port);
    expect(o.status).toBe('ok');
    expect(o.incomplete).toEqual([]);
    expect(o.protocols).toMatchObject({ 'TLSv1.2': true, 'TLSv1.3': true });
    expect(asOpenssl(o.cipherSuites['TLSv1.2'])).toEqual(HAPROXY_CIPHERS.split(':').sort());
    expect(new Set(o.certificates.map((c) => c.keyType))).toEqual(new Set(['ec', 'rsa']));
    expect(o.certificates.every((c) => c.sni === 'localhost')).toBe(true);
    expect(o.notes).toContain('a hello without SNI is refused with unrecognized_name: no certificate is served for it');
  }, 120_000);

  it('offers suites OpenSSL lacks: the Camellia-GCM suites GnuTLS serves', async () => {
    const g = keep(await startGnutlsServ(pki, 'NORMAL:+CAMELLIA-128-GCM:+CAMELLIA-256-GCM:-VERS-TLS1.3:-VERS-TLS1.1:-VERS-TLS1.0'));
    const o = await probe(g.port);
    expect(o.cipherSuites['TLSv1.2']).toEqual(expect.arrayContaining(['TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384']));
    const oracle = await gnutlsCli(g.port, 'NONE:+VERS-TLS1.2:+CAMELLIA-128-GCM:+AEAD:+ECDHE-RSA:+SIGN-ALL:+GROUP-ALL:+COMP-NULL');
    expect(oracle).toMatch(/CAMELLIA-128-GCM/);
    expect(lookupSuite('TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256')?.strength).toBe('secure');
  }, 120_000);

  it('GnuTLS listing DHE suites without a DH group (it answers internal_error when it picks one): every other suite is still found, equal to the oracle', async () => {
    const priority = 'NONE:+VERS-TLS1.2:+ECDHE-RSA:+ECDHE-ECDSA:+RSA:+DHE-RSA:+AES-256-CBC:+CAMELLIA-128-GCM:+CHACHA20-POLY1305:+AES-128-CCM-8:+AES-256-CCM-8:+NULL:+SHA256:+AEAD:+GROUP-SECP384R1:+SIGN-ALL:+COMP-NULL:+CTYPE-X509';
    const g = keep(await startGnutlsServ(pki, priority, [['gnutls-chain.pem', 'leaf.key'], ['leafec.pem', 'leafec.key']]));
    const [o, oracle, camellia] = await Promise.all([probe(g.port, { vulnerabilities: false }), oracleSuites(g.port, 'TLSv1.2', opensslSuites('TLSv1.2')),
      gnutlsCli(g.port, 'NONE:+VERS-TLS1.2:+RSA:+CAMELLIA-128-GCM:+AEAD:+SIGN-ALL:+COMP-NULL:+CTYPE-X509')]);
    // The static-RSA suites come after the DHE ones GnuTLS fails on: remove-chosen alone stopped at the first internal_error.
    expect(oracle).toEqual(expect.arrayContaining(['AES256-SHA256', 'AES128-CCM8', 'NULL-SHA256']));
    expect(asOpenssl(o.cipherSuites['TLSv1.2']?.filter((n) => lookupSuite(n)?.openssl))).toEqual(oracle.sort());
    expect(camellia).toMatch(/\(RSA\)-\(CAMELLIA-128-GCM\)/);
    expect(o.cipherSuites['TLSv1.2']).toEqual(expect.arrayContaining(['TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256']));
    expect(o.cipherSuites['TLSv1.2']?.some((n) => n.startsWith('TLS_DHE_'))).toBe(false);
    expect(o.notes).toEqual(expect.arrayContaining([expect.stringMatching(/TLSv1.2: TLS_DHE_RSA_WITH_\w+ offered alone: alert 80 \(internal_error\)/)]));
    expect(o.incomplete).toEqual([]);
  }, 120_000);

  it('GnuTLS holding an RSA and a GOST R 34.10-2012 certificate: the RSA suites equal the s_client oracle, the GOST suite gnutls-cli negotiates is found, both chains are read', async () => {
    makeGostCertificate(pki);
    const g = keep(await startGnutlsServ(pki, 'NORMAL:+GOST-ALL:-VERS-TLS1.3:-VERS-TLS1.1:-VERS-TLS1.0', [['gnutls-chain.pem', 'leaf.key'], ['gost.pem', 'gost.key']]));
    const [o, rsa, gost] = await Promise.all([probe(g.port), oracleSuites(g.port, 'TLSv1.2', opensslSuites('TLSv1.2')),
      gnutlsCli(g.port, 'NONE:+VERS-TLS1.2:+GOST-ALL:+COMP-NULL:+CTYPE-X509')]);
    expect(gost).toBe('(TLS1.2-X.509)-(VKO-GOST-12)-(GOST28147-TC26Z-CNT)-(GOST28147-TC26Z-IMIT)');
    expect(o.cipherSuites['TLSv1.2']).toContain('TLS_GOSTR341112_256_WITH_28147_CNT_IMIT');
    expect(asOpenssl(o.cipherSuites['TLSv1.2']?.filter((n) => !n.startsWith('TLS_GOSTR')))).toEqual(rsa.sort());
    // For the name, the RSA chain (leaf, two intermediates) and the self-signed GOST leaf, whose key type Node cannot name.
    const named = o.certificates.filter((c) => c.sni === 'localhost').map((c) => `${c.keyType ?? 'unparsed'}:${c.chain.map((x) => x.subject).join('/')}`).sort();
    expect(named).toEqual(['rsa:CN=localhost/CN=Test Intermediate 2/CN=Test Intermediate 1', 'unparsed:CN=localhost']);
    expect(o.incomplete).toEqual([]);
    expect(lookupSuite('TLS_GOSTR341112_256_WITH_28147_CNT_IMIT')).toMatchObject({ certificate: 'GOST', forwardSecrecy: false, strength: 'weak' });
  }, 120_000);

  it('a GOST-only GnuTLS endpoint: its chain, which Node cannot parse, leaves every served-chain rule not judged, with the reason', async () => {
    makeGostCertificate(pki);
    const g = keep(await startGnutlsServ(pki, 'NORMAL:+GOST-ALL:-VERS-TLS1.3', [['gost.pem', 'gost.key']]));
    const outcome = await auditPassThrough(g.port, { anchors: [pki.pem('gost')] });
    const served = outcome.result.findings.filter((f) => f.ruleId.startsWith('endpoint-served-'));
    expect(served.length).toBeGreaterThan(5);
    for (const f of served) {
      expect(f.status, f.ruleId).toBe('error');
      expect(f.message, f.ruleId).toMatch(/the served chain was read but could not be parsed: served certificate 1/);
    }
    expect(outcome.snapshot.observations[0]?.cipherSuites['TLSv1.2']).toEqual(['TLS_GOSTR341112_256_WITH_28147_CNT_IMIT']);
  }, 120_000);

  it('reads the chain and key of a TLS 1.3 server that enables only TLS_AES_128_CCM_SHA256', async () => {
    const c = keep(await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-cert_chain', 'chain_good.pem', '-tls1_3', '-ciphersuites', 'TLS_AES_128_CCM_SHA256']));
    const [o, oracle] = await Promise.all([probe(c.port), oracleSuites(c.port, 'TLSv1.3', opensslSuites('TLSv1.3'))]);
    expect(oracle).toEqual(['TLS_AES_128_CCM_SHA256']);
    expect(o.cipherSuites['TLSv1.3']).toEqual(['TLS_AES_128_CCM_SHA256']);
    expect(o.certificates[0]).toMatchObject({ protocol: 'TLSv1.3', keyType: 'rsa' });
    expect(o.certificates[0]!.chain.map((x) => x.subject)).toEqual(['CN=localhost', 'CN=Test Intermediate 2', 'CN=Test Intermediate 1']);
    expect(o.incomplete).toEqual([]);
  }, 120_000);

  it('classes anonymous ECDH as elliptic-curve key exchange, not DH', async () => {
    const a = keep(await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-no_tls1_3', '-cipher', 'AECDH-AES128-SHA:@SECLEVEL=0']));
    const [o, oracle] = await Promise.all([probe(a.port), sClient(a.port, 'TLSv1.2', 'AECDH-AES128-SHA')]);
    expect(oracle.suite).toBe('AECDH-AES128-SHA');
    expect(o.cipherSuites['TLSv1.2']).toEqual(['TLS_ECDH_anon_WITH_AES_128_CBC_SHA']);
    expect(o.dhBits).toBeNull();
    expect(o.groups).toContain('x25519');
  }, 120_000);

  it('judges the chain a pass-through endpoint serves: an expired intermediate and a misordered chain fail, the name passes', async () => {
    const dns = PASS_THROUGH_DNS;
    const lab = new TestPki();
    const root = lab.root('Lab Root CA');
    const int1 = lab.intermediate('Lab Intermediate 1', root);
    const int2 = lab.intermediate('Lab Intermediate 2', int1, { notBeforeDays: -60, notAfterDays: -2 });
    const leaf = lab.leaf('hsm-web.example.com', int2, { dnsNames: [dns, 'hsm-web.example.com'] });
    // served leaf, then I1 before I2: out of issuing order, and I2 expired two days ago
    writeFileSync(join(lab.dir, 'served-chain.pem'), pemBundle([int1, int2]));
    const labPki: Pki = { dir: lab.dir, path: (n) => join(lab.dir, n), pem: () => '', cleanup: () => lab.cleanup() };
    const s = keep(await startSServer(labPki, ['-cert', leaf.certPath, '-key', leaf.keyPath, '-cert_chain', 'served-chain.pem']));
    const [o, oracle] = await Promise.all([probe(s.port), sClient(s.port, 'TLSv1.3', 'TLS_AES_128_GCM_SHA256', ['-showcerts'])]);
    expect(o.certificates[0]!.chain.map((c) => c.subject)).toEqual(['CN=hsm-web.example.com', 'CN=Lab Intermediate 1', 'CN=Lab Intermediate 2']);
    expect([...oracle.output.matchAll(/^ \d s:(.+)$/gm)].map((m) => m[1])).toEqual(['CN = hsm-web.example.com', 'CN = Lab Intermediate 1', 'CN = Lab Intermediate 2']);
    const outcome = await auditPassThrough(s.port, { anchors: [root.pem], asOf: lab.now.toISOString() });
    const status = (id: string) => outcome.result.findings.filter((f) => f.ruleId === id).map((f) => [f.status, f.message]);
    expect(status('endpoint-served-chain-expired')).toEqual([['fail', expect.stringMatching(/expired certificates: .*Lab Intermediate 2/)]]);
    expect(status('endpoint-served-chain-misordered')).toEqual([['fail', expect.stringMatching(/out of issuing order/)]]);
    expect(status('endpoint-served-hostname-mismatch').map(([st]) => st)).toEqual(['pass']);
    expect(status('endpoint-probe-incomplete').map(([st]) => st)).toEqual(['pass']);
    lab.cleanup();
  }, 120_000);

  const MOZILLA_INTERMEDIATE = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305';
  const MOZILLA_OLD = `${MOZILLA_INTERMEDIATE}:ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA:DES-CBC3-SHA:@SECLEVEL=0`;

  it('Apache with Mozilla intermediate: TLS 1.2 suites and TLS 1.3 suites equal the per-suite oracle, client order, chain as served', async () => {
    const a = keep(await startApache(pki, ['SSLProtocol -all +TLSv1.2 +TLSv1.3', `SSLCipherSuite ${MOZILLA_INTERMEDIATE}`, 'SSLHonorCipherOrder off']));
    const [o, oracle12, oracle13] = await Promise.all([probe(a.port), oracleSuites(a.port, 'TLSv1.2', opensslSuites('TLSv1.2')), oracleSuites(a.port, 'TLSv1.3', opensslSuites('TLSv1.3'))]);
    expect(o.status).toBe('ok');
    expect(o.incomplete).toEqual([]);
    expect(asOpenssl(o.cipherSuites['TLSv1.2'])).toEqual(oracle12.sort());
    expect(asOpenssl(o.cipherSuites['TLSv1.3'])).toEqual(oracle13.sort());
    expect(o.protocols).toMatchObject({ 'TLSv1.0': false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true });
    expect(o.serverCipherOrder).toBe(false);
    const tls13 = o.certificates.find((c) => c.protocol === 'TLSv1.3')!;
    expect(tls13.chain.map((c) => c.subject)).toEqual(['CN=localhost', 'CN=Test Intermediate 2', 'CN=Test Intermediate 1']);
  }, 120_000);

  it('Apache with Mozilla old: TLS 1.0 to 1.2 suites equal the oracle, server order', async () => {
    const a = keep(await startApache(pki, ['SSLProtocol all', `SSLCipherSuite ${MOZILLA_OLD}`, 'SSLHonorCipherOrder on']));
    const o = await probe(a.port);
    for (const protocol of ['TLSv1.0', 'TLSv1.1', 'TLSv1.2'] as const) {
      expect(asOpenssl(o.cipherSuites[protocol]), protocol).toEqual((await oracleSuites(a.port, protocol, opensslSuites(protocol))).sort());
    }
    expect(o.serverCipherOrder).toBe(true);
    // server order is over the whole accepted list: the first of Apache's list that the server holds a certificate for
    expect(o.cipherSuites['TLSv1.2']?.[0]).toBe('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
  }, 120_000);

  it('lighttpd with PrioritizeChaCha: server order with ChaCha20 for clients that list it first, suites equal the oracle', async () => {
    const ciphers = 'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305';
    const l = keep(await startLighttpd(pki, { MinProtocol: 'TLSv1.2', MaxProtocol: 'TLSv1.2', CipherString: ciphers, Options: '+ServerPreference,+PrioritizeChaCha' }));
    const [o, oracle] = await Promise.all([probe(l.port), oracleSuites(l.port, 'TLSv1.2', opensslSuites('TLSv1.2'))]);
    expect(asOpenssl(o.cipherSuites['TLSv1.2'])).toEqual(oracle.sort());
    expect(o.serverCipherOrder).toBe(true);
    expect(o.chachaPriority).toBe(true);
    expect(o.cipherSuites['TLSv1.2']?.[0]).toBe('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
    // the oracle: ChaCha20 listed first wins, otherwise the server's first
    expect((await sClient(l.port, 'TLSv1.2', 'ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-GCM-SHA384')).suite).toBe('ECDHE-RSA-CHACHA20-POLY1305');
    expect((await sClient(l.port, 'TLSv1.2', 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384')).suite).toBe('ECDHE-RSA-AES256-GCM-SHA384');
  }, 120_000);

  it('stunnel with CIPHER_SERVER_PREFERENCE: suites per protocol equal the oracle, server order, chain as served', async () => {
    const st = keep(await startStunnel(pki, ['sslVersionMin = TLSv1.2', 'ciphers = ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-GCM-SHA384:AES256-SHA', 'options = CIPHER_SERVER_PREFERENCE']));
    const [o, oracle12, oracle13] = await Promise.all([probe(st.port), oracleSuites(st.port, 'TLSv1.2', opensslSuites('TLSv1.2')), oracleSuites(st.port, 'TLSv1.3', opensslSuites('TLSv1.3'))]);
    expect(asOpenssl(o.cipherSuites['TLSv1.2'])).toEqual(oracle12.sort());
    expect(asOpenssl(o.cipherSuites['TLSv1.3'])).toEqual(oracle13.sort());
    expect(o.serverCipherOrder).toBe(true);
    expect(o.cipherSuites['TLSv1.2']).toEqual(['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_RSA_WITH_AES_256_CBC_SHA']);
    expect(o.certificates[0]!.chain.map((c) => c.subject)).toEqual(['CN=localhost', 'CN=Test Intermediate 2', 'CN=Test Intermediate 1']);
  }, 120_000);

  it('the groups an s_server accepts equal s_client -groups run one group at a time, in TLS 1.3 and TLS 1.2', async () => {
    const candidates: [string, string][] = [['X25519', 'x25519'], ['P-256', 'secp256r1'], ['P-384', 'secp384r1'], ['P-521', 'secp521r1'], ['X448', 'x448'], ['ffdhe2048', 'ffdhe2048']];
    const g = keep(await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-groups', 'P-384:X448:P-256']));
    const o = await probe(g.port);
    for (const protocol of ['TLSv1.3', 'TLSv1.2'] as const) {
      const accepted: string[] = [];
      for (const [openssl, iana] of candidates) {
        const answer = await sClient(g.port, protocol, protocol === 'TLSv1.3' ? 'TLS_AES_128_GCM_SHA256' : 'ECDHE-RSA-AES128-GCM-SHA256', ['-groups', openssl]);
        if (answer.accepted) accepted.push(iana);
      }
      expect(accepted.sort(), protocol).toEqual(['secp256r1', 'secp384r1', 'x448']);
    }
    expect([...o.groups].sort()).toEqual(['secp256r1', 'secp384r1', 'x448']);
  }, 120_000);

  it('an s_server with only uncommon TLS 1.2 curves (binary, Koblitz, 160-bit, brainpool): groups equal s_client -groups over every catalogue curve, the ECDHE suites are found, renegotiation is judged', async () => {
    const curves = groups().filter((g) => g.tls12 && g.kind === 'ec').map((g) => g.name);
    const g = keep(await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-no_tls1_3', '-groups', 'sect233k1:secp160r1:secp224k1:brainpoolP384r1',
      '-cipher', 'ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-GCM-SHA384:@SECLEVEL=0']));
    const accepted: string[] = [];
    for (const curve of curves) if ((await sClient(g.port, 'TLSv1.2', 'ECDHE-RSA-AES128-SHA', ['-groups', curve])).accepted) accepted.push(curve);
    expect(accepted.sort()).toEqual(['brainpoolP384r1', 'secp160r1', 'secp224k1', 'sect233k1']);
    const o = await probe(g.port);
    expect([...o.groups].sort()).toEqual(accepted);
    expect(asOpenssl(o.cipherSuites['TLSv1.2'])).toEqual((await oracleSuites(g.port, 'TLSv1.2', opensslSuites('TLSv1.2'), ['-groups', accepted.join(':')])).sort());
    expect(o.cipherSuites['TLSv1.2']).toHaveLength(2);
    // Node's client lists the curves the server chose, so the handshake the renegotiation check needs completes.
    expect(o.vulnerabilities?.clientRenegotiation?.status).toMatch(/^(vulnerable|not-vulnerable)$/);
    expect(o.incomplete).toEqual([]);
  }, 120_000);

  it('stops a silent peer at the per-endpoint deadline and says so', async () => {
    const stall = keep(await startHostilePeer('stall'));
    const o = await probe(stall.port, { timeoutMs: 400, deadlineMs: 700, perEndpointCap: 1 });
    expect(o.status).toBe('error');
    expect(o.reason).toMatch(/deadline of 700 ms/);
    expect(o.incomplete?.map((i) => i.field)).toContain('observation');
    // one full timeout, then what is left of the deadline; no further connection is started
    expect(o.connections).toBeLessThanOrEqual(2);
  }, 60_000);
});
