/**
 * The probe against gnutls-serv priority strings nobody chose: a fixed-seed generator picks protocols, key
 * exchanges (certificate-based, anonymous), ciphers (Camellia-GCM, CCM-8, NULL, RC4 and 3DES included), MACs,
 * groups and %SERVER_PRECEDENCE, with an RSA certificate or RSA and ECDSA ones. GnuTLS lists the suites a
 * priority string enables (`gnutls-cli -l`): every suite the probe reports must be among them, and the
 * suites OpenSSL's s_client can offer must equal the s_client oracle run one suite at a time. Server order
 * must be what %SERVER_PRECEDENCE says, or listed as not determined; nothing else may be incomplete (a server
 * with only anonymous suites serves no certificate, which is a note).
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allSuites, lookupSuite, suiteByCode } from '../../src/catalogue/tls.ts';
import { probeEndpoint } from '../../src/probe/endpoint.ts';
import { opensslSuites, oracleSuites, requireBinary, startGnutlsServ } from '../helpers/lab-servers.ts';
import { makePki, type Pki } from '../helpers/tls-servers.ts';

function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const VERSIONS = ['VERS-TLS1.0', 'VERS-TLS1.1', 'VERS-TLS1.2', 'VERS-TLS1.3'];
const KX = ['ECDHE-RSA', 'ECDHE-ECDSA', 'RSA', 'DHE-RSA', 'ANON-ECDH', 'ANON-DH'];
const CIPHERS = ['AES-128-GCM', 'AES-256-GCM', 'AES-128-CBC', 'AES-256-CBC', 'CAMELLIA-128-GCM', 'CAMELLIA-256-GCM', 'CAMELLIA-128-CBC',
  'CAMELLIA-256-CBC', 'CHACHA20-POLY1305', 'AES-128-CCM', 'AES-256-CCM', 'AES-128-CCM-8', 'AES-256-CCM-8', '3DES-CBC', 'ARCFOUR-128', 'NULL'];
const MACS = ['SHA1', 'SHA256', 'SHA384', 'AEAD', 'MD5'];
// Only groups s_client offers by default, so an ECDHE suite the oracle misses is a real miss.
const GROUPS = ['GROUP-SECP256R1', 'GROUP-SECP384R1', 'GROUP-SECP521R1', 'GROUP-X25519', 'GROUP-X448', 'GROUP-FFDHE2048', 'GROUP-FFDHE3072'];
/** OpenSSL 3.0's s_client cannot negotiate RC4 or 3DES here, so those are checked against GnuTLS's own list only. */
const ORACLE_CANNOT = /RC4|3DES|DES-CBC3|-MD5$/;

interface Config { priority: string; dual: boolean; serverPreference: boolean }

function configs(seed: number, count: number): Config[] {
  const random = generator(seed);
  const some = (list: string[], p: number): string[] => { const chosen = list.filter(() => random() < p); return chosen.length > 0 ? chosen : [list[0]!]; };
  return Array.from({ length: count }, () => {
    const versions = some(VERSIONS, 0.5);
    const macs = some(MACS, 0.6);
    // GnuTLS refuses a TLS 1.3 priority string without the AEAD "MAC".
    if (versions.includes('VERS-TLS1.3') && !macs.includes('AEAD')) macs.push('AEAD');
    const parts = [...versions, ...some(KX, 0.5), ...some(CIPHERS, 0.4), ...macs, ...some(GROUPS, 0.5)];
    const serverPreference = random() < 0.5;
    const dual = random() < 0.5;
    return { priority: `NONE:${parts.map((p) => `+${p}`).join(':')}:+SIGN-ALL:+COMP-NULL:+CTYPE-X509${serverPreference ? ':%SERVER_PRECEDENCE' : ''}`, dual, serverPreference };
  });
}

/** The suites a priority string enables, as GnuTLS lists them (IANA names through the catalogue's code points). */
function gnutlsListed(priority: string): Set<string> {
  const out = execFileSync(requireBinary('/usr/bin/gnutls-cli'), ['--priority', priority, '-l'], { encoding: 'utf8' });
  const names = new Set<string>();
  for (const m of out.matchAll(/\t(0x[0-9a-f]{2}), (0x[0-9a-f]{2})\t/g)) {
    const suite = suiteByCode(parseInt(m[1]!, 16) * 256 + parseInt(m[2]!, 16));
    if (suite) names.add(suite.iana);
  }
  return names;
}

const ianaOf = (openssl: string): string => allSuites().find((s) => s.openssl === openssl && !s.protocols.includes('SSLv2'))?.iana ?? openssl;

describe('probe against randomly configured gnutls-serv', () => {
  let pki: Pki;
  beforeAll(() => { pki = makePki(); }, 60_000);
  afterAll(() => pki?.cleanup());

  for (const [i, config] of configs(4242, 10).entries()) {
    it(`configuration ${i}: ${config.dual ? 'RSA+ECDSA' : 'RSA'} ${config.priority}`, async () => {
      const listed = gnutlsListed(config.priority);
      const server = await startGnutlsServ(pki, config.priority, config.dual ? [['gnutls-chain.pem', 'leaf.key'], ['leafec.pem', 'leafec.key']] : undefined);
      try {
        const o = await probeEndpoint({ host: 'localhost', port: server.port, sni: 'localhost', connectTo: `127.0.0.1:${server.port}` }, { timeoutMs: 3000, vulnerabilities: false });
        for (const protocol of ['TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const) {
          const found = o.cipherSuites[protocol] ?? [];
          for (const name of found) expect(listed.has(name), `${protocol} ${name} is not in GnuTLS's list`).toBe(true);
          const candidates = opensslSuites(protocol).filter((n) => !ORACLE_CANNOT.test(n));
          const oracle = (await oracleSuites(server.port, protocol, candidates)).map((n) => (protocol === 'TLSv1.3' ? n : ianaOf(n))).sort();
          const comparable = found.filter((n) => { const openssl = lookupSuite(n)?.openssl; return openssl !== null && openssl !== undefined && candidates.includes(openssl); });
          expect([...comparable].sort(), protocol).toEqual(oracle);
        }
        expect((o.incomplete ?? []).filter((x) => x.field !== 'serverCipherOrder')).toEqual([]);
        // A server with only anonymous suites serves no certificate: a note, not a gap.
        if (Object.values(o.cipherSuites).flat().every((n) => lookupSuite(n)?.certificate === 'none')) {
          expect(o.notes).toEqual(expect.arrayContaining([expect.stringMatching(/^only certificate-less suites .* are served: no certificate is served for localhost$/)]));
        }
        if (o.serverCipherOrder !== null) expect(o.serverCipherOrder).toBe(config.serverPreference);
        else expect((o.incomplete ?? []).map((x) => x.field)).toContain('serverCipherOrder');
      } finally {
        await server.stop();
      }
    }, 90_000);
  }
});
