/**
 * The probe's connection economy in process, against a local openssl s_server (TLS 1.2 + 1.3 defaults, RSA
 * leaf + 2 intermediates): connections against the lower bound (accepted suites + protocols tried + 1).
 * Comparisons with sslscan and testssl.sh are whole process against whole process: probe-process.bench.ts.
 */
import { TLS_PROTOCOLS } from '../src/model/snapshot.ts';
import { probeEndpoint } from '../src/probe/index.ts';
import { makePki, startSServer } from '../test/helpers/tls-servers.ts';

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Prints one BENCH line for the probe. */
export async function run(): Promise<void> {
  const pki = makePki();
  const server = await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-cert_chain', 'chain_good.pem']);
  try {
    const target = { host: '127.0.0.1', port: server.port, sni: null };
    const seconds: number[] = [];
    let observation = await probeEndpoint(target, { groups: false });
    for (let i = 0; i < 5; i++) seconds.push(await timed(async () => { observation = await probeEndpoint(target, { groups: false }); }));
    const withGroups = await probeEndpoint(target, { groups: true });
    const accepted = TLS_PROTOCOLS.reduce((n, p) => n + (observation.cipherSuites[p]?.length ?? 0), 0);
    const lowerBound = accepted + TLS_PROTOCOLS.length + 1;
    const s = median(seconds);
    console.log([
      'BENCH name=probe', `connections=${observation.connections}`, `lowerBound=${lowerBound}`,
      `ratio=${(observation.connections / lowerBound).toFixed(2)}`, `acceptedSuites=${accepted}`, `inProcessSeconds=${s.toFixed(3)}`,
      `connectionsWithGroups=${withGroups.connections}`, `groups=${withGroups.groups.length}`,
    ].join(' '));
  } finally {
    await server.stop();
    pki.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
