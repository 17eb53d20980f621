/**
 * Probe cost against a local openssl s_server (TLS 1.2 + 1.3 defaults, RSA leaf + 2 intermediates), next to
 * sslscan and testssl.sh on the same server in the same run. Coverage compared: protocols + every suite per
 * protocol (sslscan with its extra checks off, testssl.sh -p -E). Lower bound = accepted suites + protocols tried + 1.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TLS_PROTOCOLS } from '../src/model/snapshot.ts';
import { probeEndpoint } from '../src/probe/index.ts';
import { makePki, startSServer } from '../test/helpers/tls-servers.ts';

const exec = promisify(execFile);

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

async function toolSeconds(cmd: string, args: string[]): Promise<number | 'missing'> {
  try {
    await exec('which', [cmd]);
  } catch {
    return 'missing';
  }
  return timed(() => exec(cmd, args, { maxBuffer: 1 << 26 }).catch(() => undefined));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const fmt = (v: number | 'missing'): string => (typeof v === 'number' ? v.toFixed(3) : v);

/** Prints one BENCH line for the probe. */
export async function run(): Promise<void> {
  const pki = makePki();
  const server = await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-cert_chain', 'chain_good.pem']);
  try {
    const target = { host: '127.0.0.1', port: server.port, sni: null };
    const seconds: number[] = [];
    let observation = await probeEndpoint(target, { groups: false, vulnerabilities: false });
    for (let i = 0; i < 5; i++) seconds.push(await timed(async () => { observation = await probeEndpoint(target, { groups: false, vulnerabilities: false }); }));
    const withGroups = await probeEndpoint(target, { groups: true, vulnerabilities: false });
    const accepted = TLS_PROTOCOLS.reduce((n, p) => n + (observation.cipherSuites[p]?.length ?? 0), 0);
    const lowerBound = accepted + TLS_PROTOCOLS.length + 1;
    const sslscanSeconds = await toolSeconds('sslscan', ['--no-colour', '--no-groups', '--no-heartbleed', '--no-renegotiation',
      '--no-compression', '--no-fallback', `127.0.0.1:${server.port}`]);
    const testsslSeconds = await toolSeconds(await exec('which', ['testssl.sh']).then(() => 'testssl.sh', () => 'testssl'),
      ['--color', '0', '--warnings', 'batch', '-p', '-E', `127.0.0.1:${server.port}`]);
    const s = median(seconds);
    // Whole process against whole process: the committed CLI bundle, and Node's own start-up floor.
    const processRuns: number[] = [];
    for (let i = 0; i < 3; i++) processRuns.push(await timed(() => exec('node', ['dist/cli.js', 'probe', `127.0.0.1:${server.port}`, '--json', '--no-vulnerability-checks'], { maxBuffer: 1 << 24 }).catch(() => undefined)));
    const nodeFloor = median(await Promise.all([0, 1, 2].map(() => timed(() => exec('node', ['-e', '0'])))));
    const processSeconds = median(processRuns);
    console.log([
      'BENCH name=probe', `connections=${observation.connections}`, `lowerBound=${lowerBound}`,
      `ratio=${(observation.connections / lowerBound).toFixed(2)}`, `acceptedSuites=${accepted}`, `seconds=${s.toFixed(3)}`,
      `sslscanSeconds=${fmt(sslscanSeconds)}`, `testsslSeconds=${fmt(testsslSeconds)}`,
      `vsSslscan=${typeof sslscanSeconds === 'number' ? (sslscanSeconds / s).toFixed(1) : 'n/a'}x`,
      `vsTestssl=${typeof testsslSeconds === 'number' ? (testsslSeconds / s).toFixed(1) : 'n/a'}x`,
      `connectionsWithGroups=${withGroups.connections}`, `groups=${withGroups.groups.length}`,
      `processSeconds=${processSeconds.toFixed(3)}`, `nodeFloorSeconds=${nodeFloor.toFixed(3)}`,
      `processVsSslscan=${typeof sslscanSeconds === 'number' ? (sslscanSeconds / processSeconds).toFixed(2) : 'n/a'}x`,
      `processVsTestssl=${typeof testsslSeconds === 'number' ? (testsslSeconds / processSeconds).toFixed(1) : 'n/a'}x`,
    ].join(' '));
  } finally {
    await server.stop();
    pki.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
