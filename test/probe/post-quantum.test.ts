/**
 * Post-quantum key exchange on a real server: Node 24's TLS server (OpenSSL 3.5, the only server software on
 * the machine with ML-KEM, and with RFC 8734's TLS 1.3 brainpool groups) configured with each ML-KEM group
 * alone, with a hybrid beside the classical groups, and with each brainpool group alone. The groups the probe reports equal a per-group Node 24 client oracle; the probe bundle run under
 * Node 24 (the Action's and the Lambda's runtime) completes the ML-KEM handshake and reads the chain; under
 * Node 20, whose OpenSSL has no ML-KEM, the chain of a PQ-only server is "not determined", never a pass; and
 * the post-quantum rule is judged from what is served.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groups } from '../../src/catalogue/tls.ts';
import { probeEndpoint } from '../../src/probe/endpoint.ts';
import { node24, node24ServedGroups, startNode24TlsServer } from '../helpers/node24.ts';
import { auditPassThrough } from '../helpers/pass-through.ts';
import { makePki, type Pki, type RunningServer } from '../helpers/tls-servers.ts';

const PROBE_BUNDLE = new URL('../../dist/probe.js', import.meta.url).pathname;
/** Every TLS 1.3 group of the catalogue: the oracle's candidates (it skips those OpenSSL 3.5 lacks). */
const CANDIDATES = groups().filter((g) => g.tls13).map((g) => g.name);
/** Server configurations, in OpenSSL's names: each ML-KEM group alone, and a hybrid offered beside X25519 and P-256. */
const PQ_CONFIGS = ['X25519MLKEM768', 'SecP256r1MLKEM768', 'SecP384r1MLKEM1024', 'MLKEM512', 'MLKEM768', 'MLKEM1024', 'X25519MLKEM768:X25519:P-256'];
/** TLS 1.3 brainpool groups alone: Debian's OpenSSL 3.0 cannot serve them either, node:crypto has the curves on Node 20 too. */
const BRAINPOOL_CONFIGS = ['brainpoolP256r1tls13', 'brainpoolP384r1tls13', 'brainpoolP512r1tls13'];
const CONFIGS = [...PQ_CONFIGS, ...BRAINPOOL_CONFIGS];

describe('ML-KEM and TLS 1.3 brainpool groups served by OpenSSL 3.5 (Node 24)', () => {
  let pki: Pki;
  const servers = new Map<string, RunningServer>();
  beforeAll(async () => {
    pki = makePki();
    node24();
    for (const config of [...CONFIGS, 'X25519:P-256']) servers.set(config, await startNode24TlsServer(pki, config));
  }, 180_000);
  afterAll(async () => { for (const s of servers.values()) await s.stop(); pki?.cleanup(); });
  const port = (config: string): number => servers.get(config)!.port;

  it('the groups found equal the per-group oracle, and a PQ-only server is TLS 1.3 with its suites (Node 20)', async () => {
    for (const config of CONFIGS) {
      const oracle = node24ServedGroups(port(config), CANDIDATES);
      expect(oracle.length, config).toBeGreaterThan(0);
      const o = await probeEndpoint({ host: '127.0.0.1', port: port(config), sni: null });
      expect(o.status, config).toBe('ok');
      expect([...o.groups].sort(), config).toEqual([...oracle].sort());
      expect(o.protocols['TLSv1.3'], config).toBe(true);
      expect(o.cipherSuites['TLSv1.3'], config).toContain('TLS_AES_128_GCM_SHA256');
    }
  }, 180_000);

  it('under Node 20 (no ML-KEM in node:crypto) a PQ-only chain is not determined; beside X25519, or behind a brainpool group, it is read', async () => {
    const only = await probeEndpoint({ host: '127.0.0.1', port: port('MLKEM768'), sni: null });
    expect(only.certificates).toEqual([]);
    expect(only.incomplete).toEqual([expect.objectContaining({ field: 'certificates', reason: expect.stringMatching(/no chain could be read/) })]);
    for (const config of ['X25519MLKEM768:X25519:P-256', ...BRAINPOOL_CONFIGS]) {
      const read = await probeEndpoint({ host: '127.0.0.1', port: port(config), sni: null });
      expect(read.certificates.map((c) => [c.protocol, c.chain.length]), config).toEqual([['TLSv1.3', 1]]);
      expect(read.incomplete, config).toEqual([]);
    }
  }, 60_000);

  it('the probe bundle under Node 24 completes every ML-KEM and brainpool handshake and reads the chain through it', () => {
    for (const config of CONFIGS) {
      const out = execFileSync(node24(), [PROBE_BUNDLE, '--json', '--no-vulnerability-checks', `127.0.0.1:${port(config)}`], { encoding: 'utf8' });
      const o = JSON.parse(out) as { status: string; incomplete: unknown[]; groups: string[]; certificates: { protocol: string; chain: { subject: string }[] }[] };
      expect(o.status, config).toBe('ok');
      expect(o.incomplete, config).toEqual([]);
      expect(o.certificates.map((c) => [c.protocol, c.chain.length]), config).toEqual([['TLSv1.3', 1]]);
      expect(o.certificates[0]!.chain[0]!.subject, config).toMatch(/CN=localhost/);
    }
  }, 180_000);

  it('endpoint-no-post-quantum passes ML-KEM alone and fails a classical server; the PQ-only chain is an error under Node 20, never a pass', async () => {
    const judge = async (config: string): Promise<((id: string) => string[]) & { all: string[] }> => {
      const outcome = await auditPassThrough(port(config), { anchors: [pki.pem('root')] });
      const f = (id: string): string[] => outcome.result.findings.filter((x) => x.ruleId === id).map((x) => `${x.status}: ${x.message}`);
      return Object.assign(f, { all: outcome.result.findings.filter((x) => x.ruleId.startsWith('endpoint')).map((x) => `${x.ruleId} ${x.status}: ${x.message}`) });
    };
    const pq = await judge('MLKEM1024');
    expect(pq('endpoint-no-post-quantum')).toEqual([expect.stringMatching(/^pass: /)]);
    expect(pq('endpoint-weak-group')).toEqual([expect.stringMatching(/^pass: /)]);
    // Under Node 20 the chain behind MLKEM1024 cannot be read: the endpoint is an error and no served-chain rule passes.
    expect(pq('endpoint-probe-incomplete')).toEqual([expect.stringMatching(/^error: .*no chain could be read/)]);
    expect(pq.all.filter((line) => line.startsWith('endpoint-served-'))).toEqual([]);
    expect(pq('endpoint-missing-common-group')).toEqual([expect.stringMatching(/^fail: .*negotiates only MLKEM1024/)]);
    const classical = await judge('X25519:P-256');
    expect(classical('endpoint-no-post-quantum')).toEqual([expect.stringMatching(/^fail: .*no post-quantum group \(served: x25519, secp256r1\)/)]);
    expect(classical('endpoint-probe-incomplete')).toEqual([expect.stringMatching(/^pass: /)]);
  }, 120_000);
});
