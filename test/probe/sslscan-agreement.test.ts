import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { TLS_PROTOCOLS } from '../../src/model/snapshot.ts';
import { probeEndpoint } from '../../src/probe/index.ts';
import { sslscan } from '../helpers/sslscan.ts';
import { makePki, startSServer, type Pki, type RunningServer } from '../helpers/tls-servers.ts';

const hasSslscan = ((): boolean => { try { execFileSync('sslscan', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; } })();

// The probe's accepted protocols and suites must agree with sslscan (Debian package) on the same servers.
describe.skipIf(!hasSslscan)('agreement with sslscan', () => {
  let pki: Pki;
  const servers: RunningServer[] = [];
  const configs: [string, string[]][] = [
    ['TLS 1.0 only, ALL:@SECLEVEL=0', ['-tls1', '-cipher', 'ALL:@SECLEVEL=0']],
    ['TLS 1.2 + 1.3 default', []],
    ['RSA + ECDSA', ['-dcert', 'leafec.pem', '-dkey', 'leafec.key']],
    ['TLS 1.2 only, server order, ALL:@SECLEVEL=0', ['-tls1_2', '-serverpref', '-cipher', 'ALL:@SECLEVEL=0']],
  ];
  beforeAll(async () => {
    pki = makePki();
    for (const [, args] of configs) servers.push(await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', ...args]));
  }, 60_000);
  afterAll(async () => { await Promise.all(servers.map((s) => s.stop())); pki.cleanup(); });

  configs.forEach(([name], i) => {
    it(`agrees on ${name}`, async () => {
      const port = servers[i]!.port;
      const [ours, theirs] = await Promise.all([probeEndpoint({ host: '127.0.0.1', port, sni: null }, { groups: false }), sslscan(port)]);
      for (const p of TLS_PROTOCOLS) {
        if (theirs.protocols[p] !== undefined) expect({ p, accepted: ours.protocols[p] }).toEqual({ p, accepted: theirs.protocols[p] });
        expect({ p, suites: [...(ours.cipherSuites[p] ?? [])].sort() }).toEqual({ p, suites: [...(theirs.cipherSuites[p] ?? [])].sort() });
      }
    }, 60_000);
  });
});
