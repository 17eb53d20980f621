/**
 * The probe against OpenSSL servers whose certificate is not RSA or ECDSA on P-256 (DSA, Ed25519, Ed448,
 * RSA-PSS, P-521), serving only NULL-encryption suites, and with no certificate at all (PSK: a note, and the served-chain rules
 * not judged with that reason): suites per protocol equal the
 * s_client oracle run one suite at a time, the key type is the served one, and every vulnerability check
 * gets an answer (a hello the server refuses for want of a signature scheme would leave them unknown).
 * For PSK, the DH size is read after the psk_identity_hint, as s_client -psk reports it.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupSuite } from '../../src/catalogue/tls.ts';
import type { ProbeObservation } from '../../src/model/snapshot.ts';
import { probeEndpoint } from '../../src/probe/endpoint.ts';
import { decodeServerKeyExchange } from '../../src/probe/wire.ts';
import { opensslSuites, oracleSuites, sClient } from '../helpers/lab-servers.ts';
import { auditPassThrough } from '../helpers/pass-through.ts';
import { makePki, startSServer, type Pki, type RunningServer } from '../helpers/tls-servers.ts';

const probe = (port: number): Promise<ProbeObservation> =>
  probeEndpoint({ host: 'localhost', port, sni: 'localhost', connectTo: `127.0.0.1:${port}` }, { timeoutMs: 3000 });
const asOpenssl = (names: string[] | undefined): string[] => (names ?? []).map((n) => lookupSuite(n)?.openssl ?? n).sort();

/** A localhost leaf under the PKI's second intermediate with the given `openssl req -newkey` key. */
function issueLeaf(pki: Pki, name: string, newkey: string[]): void {
  const run = (args: string[]): void => { execFileSync('openssl', args, { cwd: pki.dir, stdio: 'ignore' }); };
  run(['req', ...newkey, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=localhost']);
  run(['x509', '-req', '-in', `${name}.csr`, '-CA', 'int2.pem', '-CAkey', 'int2.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '20', '-sha256', '-extfile', 'leaf.ext']);
}

const CASES: { name: string; newkey: string[] | null; keyType: string; extra: string[]; protocols: string[] }[] = [
  { name: 'dsa', newkey: ['-newkey', 'dsa:dsaparam.pem'], keyType: 'dsa', extra: ['-cipher', 'ALL:@SECLEVEL=0', '-no_tls1_3'], protocols: ['TLSv1.0', 'TLSv1.1', 'TLSv1.2'] },
  { name: 'ed25519', newkey: ['-newkey', 'ed25519'], keyType: 'ed25519', extra: [], protocols: ['TLSv1.2', 'TLSv1.3'] },
  { name: 'ed448', newkey: ['-newkey', 'ed448'], keyType: 'ed448', extra: [], protocols: ['TLSv1.2', 'TLSv1.3'] },
  { name: 'rsa-pss', newkey: ['-newkey', 'rsa-pss', '-pkeyopt', 'rsa_keygen_bits:2048'], keyType: 'rsa-pss', extra: [], protocols: ['TLSv1.2', 'TLSv1.3'] },
  // NULL encryption only: Node's TLS client must offer those suites too, or client renegotiation stays unknown
  { name: 'leaf', newkey: null, keyType: 'rsa', extra: ['-cipher', 'NULL:@SECLEVEL=0', '-no_tls1_3'], protocols: ['TLSv1.0', 'TLSv1.1', 'TLSv1.2'] },
  { name: 'p521', newkey: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521'], keyType: 'ec', extra: [], protocols: ['TLSv1.2', 'TLSv1.3'] },
];

describe('probe against servers with other certificate types, and none', () => {
  let pki: Pki;
  const servers: RunningServer[] = [];
  beforeAll(() => {
    pki = makePki();
    execFileSync('openssl', ['genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:2048', '-out', 'dsaparam.pem'], { cwd: pki.dir, stdio: 'ignore' });
    for (const c of CASES) if (c.newkey) issueLeaf(pki, c.name, c.newkey);
  }, 120_000);
  afterAll(async () => { for (const s of servers) await s.stop(); pki?.cleanup(); });

  for (const c of CASES) {
    it(`${c.name}${c.extra.length ? ` ${c.extra.join(' ')}` : ''}: suites per protocol equal the oracle, the key is ${c.keyType}, and every vulnerability check is answered`, async () => {
      const server = await startSServer(pki, ['-cert', `${c.name}.pem`, '-key', `${c.name}.key`, '-cert_chain', 'chain_good.pem', ...c.extra]);
      servers.push(server);
      const o = await probe(server.port);
      expect(o.status).toBe('ok');
      expect(o.incomplete).toEqual([]);
      const served = Object.entries(o.protocols).filter(([, on]) => on).map(([p]) => p);
      expect(served).toEqual(c.protocols);
      for (const protocol of c.protocols) {
        const oracle = await oracleSuites(server.port, protocol, opensslSuites(protocol));
        expect(oracle.length).toBeGreaterThan(0);
        expect(asOpenssl(o.cipherSuites[protocol as keyof typeof o.cipherSuites])).toEqual(oracle.sort());
      }
      expect(o.certificates.length).toBeGreaterThan(0);
      for (const chain of o.certificates) expect(chain.keyType).toBe(c.keyType);
      const statuses = Object.values(o.vulnerabilities ?? {}).map((v) => v.status);
      expect(statuses).toHaveLength(7);
      expect(statuses.every((s) => s === 'not-vulnerable')).toBe(true);
    }, 120_000);
  }

  it('two certificates over TLS 1.3 (chosen by signature_algorithms): a TLS 1.3-only RSA+ECDSA server and an RSA+Ed25519 one give every chain s_client -sigalgs gets', async () => {
    const dual13 = await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-dcert', 'leafec.pem', '-dkey', 'leafec.key', '-tls1_3']);
    const ed = await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-dcert', 'ed25519.pem', '-dkey', 'ed25519.key']);
    servers.push(dual13, ed);
    const leafFor = async (port: number, sigalgs: string): Promise<string> => {
      const answer = await sClient(port, 'TLSv1.3', 'TLS_AES_128_GCM_SHA256', ['-sigalgs', sigalgs]);
      return /subject=(.*)/.exec(answer.output)?.[1]?.trim() ?? 'none';
    };
    const [a, b] = await Promise.all([probe(dual13.port), probe(ed.port)]);
    const tls13 = (o: ProbeObservation): string[] => o.certificates.filter((c) => c.protocol === 'TLSv1.3' && c.sni === 'localhost').map((c) => `${c.keyType}:${c.chain[0]!.subject}`).sort();
    expect(await leafFor(dual13.port, 'ECDSA+SHA256')).toBe('CN = localhost ECDSA');
    expect(await leafFor(dual13.port, 'rsa_pss_rsae_sha256')).toBe('CN = localhost');
    expect(tls13(a)).toEqual(['ec:CN=localhost ECDSA', 'rsa:CN=localhost']);
    expect(await leafFor(ed.port, 'ed25519')).toBe('CN = localhost');
    expect(tls13(b)).toEqual(['ed25519:CN=localhost', 'rsa:CN=localhost']);
    expect(a.incomplete).toEqual([]);
    expect(b.incomplete).toEqual([]);
  }, 120_000);

  it('a PSK-only server: the DH size and the groups are read after the psk_identity_hint, as s_client -psk sees them', async () => {
    const key = '0123456789abcdef';
    const server = await startSServer(pki, ['-nocert', '-psk', key, '-psk_hint', 'probe-hint', '-cipher', 'PSK:@SECLEVEL=0', '-no_tls1_3']);
    servers.push(server);
    const o = await probe(server.port);
    expect(o.cipherSuites['TLSv1.2']).toContain('TLS_DHE_PSK_WITH_AES_128_GCM_SHA256');
    expect(o.cipherSuites['TLSv1.2']).toContain('TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256');
    // the oracle: every DHE-PSK suite the probe saw, one s_client -psk handshake each; the smallest DH prime
    const dhe = asOpenssl(o.cipherSuites['TLSv1.2']).filter((n) => n.startsWith('DHE-PSK-'));
    const sizes = await Promise.all(dhe.map(async (suite) => {
      const answer = await sClient(server.port, 'TLSv1.2', suite, ['-psk', key]);
      return Number(/^DH, (\d+) bits/.exec(answer.tempKey ?? '')?.[1] ?? NaN);
    }));
    expect(sizes.every(Number.isFinite)).toBe(true);
    expect(o.dhBits).toBe(Math.min(...sizes));
    const ecdhe = await sClient(server.port, 'TLSv1.2', 'ECDHE-PSK-AES128-CBC-SHA256', ['-psk', key]);
    expect(ecdhe.tempKey).toMatch(/^X25519/);
    expect(o.groups).toContain('x25519');
    // no certificate is served at all: an observation (a note), not a part the probe failed to see
    expect(o.certificates).toEqual([]);
    // (Node's TLS client has no PSK identity, so client renegotiation is the one check left unknown.)
    expect(o.incomplete?.map((i) => i.field)).toEqual(['vulnerabilities.clientRenegotiation']);
    expect(o.notes).toContain('only certificate-less suites (anonymous, PSK, SRP) are served: no certificate is served for (no SNI)');
    // ... and the served-chain rules are not judged, saying why, never passed
    const outcome = await auditPassThrough(server.port);
    const served = outcome.result.findings.filter((f) => f.ruleId.startsWith('endpoint-served-'));
    expect(served.length).toBeGreaterThan(5);
    for (const f of served) expect(`${f.ruleId} ${f.status}: ${f.message}`).toMatch(/ error: .*only certificate-less suites \(anonymous, PSK, SRP\) are served, so there is no certificate to judge/);
    expect(outcome.result.findings.find((f) => f.ruleId === 'endpoint-weak-cipher')?.status).toBe('fail');
  }, 120_000);
});

describe('decodeServerKeyExchange', () => {
  const dhParams = (prime: Buffer): Buffer => Buffer.concat([Buffer.from([prime.length >> 8, prime.length & 0xff]), prime, Buffer.from([0, 1, 2, 0, 1, 5])]);
  const prime = Buffer.concat([Buffer.from([0x00, 0x9f]), Buffer.alloc(127, 0xff)]);
  it('reads the prime size after a PSK hint, and the curve after a PSK hint', () => {
    expect(decodeServerKeyExchange(dhParams(prime), true)).toEqual({ group: null, dhBits: 1024 });
    const hint = Buffer.from([0, 4, 0x61, 0x62, 0x63, 0x64]);
    expect(decodeServerKeyExchange(Buffer.concat([hint, dhParams(prime)]), true, true)).toEqual({ group: null, dhBits: 1024 });
    expect(decodeServerKeyExchange(Buffer.concat([hint, Buffer.from([3, 0, 29, 32])]), false, true)).toEqual({ group: 29, dhBits: null });
    expect(decodeServerKeyExchange(Buffer.from([0, 0, 3, 0, 23, 65]), false, true)).toEqual({ group: 23, dhBits: null });
  });
  it('refuses a prime that runs past the message, an empty or zero prime, and a hint longer than the message', () => {
    expect(() => decodeServerKeyExchange(dhParams(prime).subarray(0, 60), true)).toThrow(/runs past/);
    expect(() => decodeServerKeyExchange(Buffer.from([0, 0]), true)).toThrow(/runs past/);
    expect(() => decodeServerKeyExchange(Buffer.from([0, 2, 0, 0]), true)).toThrow(/zero/);
    expect(() => decodeServerKeyExchange(Buffer.from([0, 9, 1]), true, true)).toThrow(/too short/);
  });
});
