/**
 * The probe against openssl s_server configurations nobody chose: a fixed-seed generator picks TLS 1.2 suites
 * (each of OpenSSL's with chance 0.15), TLS 1.3 suites (each with chance 0.5, none meaning no TLS 1.3), the
 * lowest protocol, a second (ECDSA) certificate, -serverpref and -prioritize_chacha. Every protocol's suites
 * must equal the s_client oracle run one suite at a time, server order must be what -serverpref says (or be
 * listed as not determined, with why), and nothing else may be incomplete.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupSuite } from '../../src/catalogue/tls.ts';
import { probeEndpoint } from '../../src/probe/endpoint.ts';
import { opensslSuites, oracleSuites } from '../helpers/lab-servers.ts';
import { makePki, startSServer, type Pki } from '../helpers/tls-servers.ts';

/** A small linear congruential generator: the same configurations on every run. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const TLS13 = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_8_SHA256'];

interface Config { args: string[]; serverPreference: boolean }

function configs(seed: number, count: number): Config[] {
  const random = generator(seed);
  const tls12 = execFileSync('openssl', ['ciphers', '-s', '-tls1_2', 'ALL:@SECLEVEL=0'], { encoding: 'utf8' }).trim().split(':').filter((n) => !n.startsWith('TLS_'));
  return Array.from({ length: count }, () => {
    const ciphers = tls12.filter(() => random() < 0.15);
    if (ciphers.length === 0) ciphers.push(tls12[0]!);
    const suites13 = TLS13.filter(() => random() < 0.5);
    const serverPreference = random() < 0.5;
    const chacha = random() < 0.5;
    const dual = random() < 0.5;
    const lowest = ['TLSv1', 'TLSv1.1', 'TLSv1.2'][Math.floor(random() * 3)]!;
    return {
      serverPreference,
      args: ['-cert', 'leaf.pem', '-key', 'leaf.key', ...(dual ? ['-dcert', 'leafec.pem', '-dkey', 'leafec.key'] : []),
        '-cipher', `${ciphers.join(':')}:@SECLEVEL=0`, ...(suites13.length > 0 ? ['-ciphersuites', suites13.join(':')] : ['-no_tls1_3']),
        '-min_protocol', lowest, ...(serverPreference ? ['-serverpref'] : []), ...(chacha ? ['-prioritize_chacha'] : [])],
    };
  });
}

describe('probe against randomly configured s_servers', () => {
  let pki: Pki;
  beforeAll(() => { pki = makePki(); }, 60_000);
  afterAll(() => pki?.cleanup());

  for (const [i, config] of configs(12345, 12).entries()) {
    it(`configuration ${i}: s_server ${config.args.slice(4).join(' ')}`, async () => {
      const server = await startSServer(pki, config.args);
      try {
        const o = await probeEndpoint({ host: 'localhost', port: server.port, sni: 'localhost', connectTo: `127.0.0.1:${server.port}` }, { timeoutMs: 3000, vulnerabilities: false });
        expect(o.status).toBe('ok');
        for (const protocol of ['TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const) {
          const oracle = await oracleSuites(server.port, protocol, opensslSuites(protocol));
          expect((o.cipherSuites[protocol] ?? []).map((n) => lookupSuite(n)?.openssl ?? n).sort(), protocol).toEqual(oracle.sort());
          expect(o.protocols[protocol], protocol).toBe(oracle.length > 0);
        }
        const incomplete = o.incomplete ?? [];
        if (o.serverCipherOrder === null) expect(incomplete.map((x) => x.field)).toEqual(['serverCipherOrder']);
        else {
          expect(o.serverCipherOrder).toBe(config.serverPreference);
          expect(incomplete).toEqual([]);
        }
      } finally {
        await server.stop();
      }
    }, 60_000);
  }
});
