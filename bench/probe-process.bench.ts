/**
 * The probe as a process against sslscan and testssl.sh as processes, on the same real servers, side by side
 * in one run: wall time, CPU (user+sys), peak RSS and TCP connections, each counted by one loopback proxy in
 * front of the server so every tool is measured the same way. Coverage compared: protocols and every suite
 * per protocol plus the certificate (sslscan with its extra checks off; testssl.sh -p -E). The probe also
 * enumerates groups, DH sizes and server order, which the others skip in this mode, so it does more.
 * Then 200 endpoints (one nginx, 200 ports): one probe process for all of them against sslscan on each,
 * 8 sslscan processes at a time (the probe's total concurrency is 32, at most 4 connections per endpoint).
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { startHaproxyDualCert, startNginx } from '../test/helpers/lab-servers.ts';
import { freePort, makePki, serverProcess, startSServer, type Pki, type RunningServer } from '../test/helpers/tls-servers.ts';

interface ProcessCost { seconds: number; cpu: number; maxRssKb: number; connections: number; exit: number | null }

/** A TCP relay that counts the connections it accepts. */
async function countingRelay(port: number): Promise<{ port: number; take: () => number; stop: () => Promise<void> }> {
  let count = 0;
  const server = net.createServer((client) => {
    count++;
    const upstream = net.connect({ host: '127.0.0.1', port });
    client.pipe(upstream).pipe(client);
    const end = (): void => { client.destroy(); upstream.destroy(); };
    client.on('error', end); upstream.on('error', end); client.on('close', end); upstream.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    take: () => { const n = count; count = 0; return n; },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const hasTime = existsSync('/usr/bin/time');

/** Runs a command under GNU time (wall, user+sys, max RSS); stdout discarded. */
function measure(cmd: string, args: string[]): Promise<Omit<ProcessCost, 'connections'>> {
  return new Promise((resolve) => {
    const started = performance.now();
    const argv = hasTime ? ['-f', '@@%U %S %M', cmd, ...args] : args;
    const child = spawn(hasTime ? '/usr/bin/time' : cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const m = /@@([\d.]+) ([\d.]+) (\d+)/.exec(err);
      resolve({ seconds, cpu: m ? Number(m[1]) + Number(m[2]) : NaN, maxRssKb: m ? Number(m[3]) : NaN, exit: code });
    });
  });
}

const testssl = existsSync('/usr/bin/testssl') ? '/usr/bin/testssl' : 'testssl.sh';
const SSLSCAN_SAME_COVERAGE = ['--no-colour', '--no-groups', '--no-heartbleed', '--no-renegotiation', '--no-compression', '--no-fallback'];

const tools: Record<string, (port: number) => [string, string[]]> = {
  probe: (port) => ['node', ['dist/probe.js', '--no-groups', '--no-vulnerability-checks', `127.0.0.1:${port}`, '--json']],
  sslscan: (port) => ['sslscan', [...SSLSCAN_SAME_COVERAGE, `127.0.0.1:${port}`]],
  testssl: (port) => [testssl, ['--color', '0', '--warnings', 'batch', '--quiet', '-p', '-E', `127.0.0.1:${port}`]],
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const f3 = (n: number): string => (Number.isFinite(n) ? n.toFixed(3) : 'n/a');

async function costOf(tool: string, relay: Awaited<ReturnType<typeof countingRelay>>, runs: number): Promise<ProcessCost> {
  const results: ProcessCost[] = [];
  for (let i = 0; i < runs; i++) {
    relay.take();
    const [cmd, args] = tools[tool]!(relay.port);
    const r = await measure(cmd, args);
    results.push({ ...r, connections: relay.take() });
  }
  return {
    seconds: median(results.map((r) => r.seconds)), cpu: median(results.map((r) => r.cpu)),
    maxRssKb: median(results.map((r) => r.maxRssKb)), connections: median(results.map((r) => r.connections)), exit: results[0]?.exit ?? null,
  };
}

async function serverLine(name: string, server: RunningServer): Promise<void> {
  const relay = await countingRelay(server.port);
  try {
    const probe = await costOf('probe', relay, 5);
    const sslscan = await costOf('sslscan', relay, 5);
    const tssl = await costOf('testssl', relay, 1);
    const floor = median(await Promise.all([0, 1, 2].map(() => measure('node', ['-e', '0']).then((r) => r.seconds))));
    console.log([
      'BENCH name=probe-process', `server=${name}`,
      `probeSeconds=${f3(probe.seconds)}`, `probeCpu=${f3(probe.cpu)}`, `probeMaxRssMiB=${(probe.maxRssKb / 1024).toFixed(1)}`, `probeConnections=${probe.connections}`,
      `sslscanSeconds=${f3(sslscan.seconds)}`, `sslscanCpu=${f3(sslscan.cpu)}`, `sslscanMaxRssMiB=${(sslscan.maxRssKb / 1024).toFixed(1)}`, `sslscanConnections=${sslscan.connections}`,
      `testsslSeconds=${f3(tssl.seconds)}`, `testsslConnections=${tssl.connections}`,
      `nodeFloorSeconds=${f3(floor)}`,
      `sslscanOverProbe=${(sslscan.seconds / probe.seconds).toFixed(2)}x`, `testsslOverProbe=${(tssl.seconds / probe.seconds).toFixed(1)}x`,
    ].join(' '));
  } finally {
    await relay.stop();
  }
}

/** One nginx listening on n ports (TLS 1.2 + 1.3, the PKI's RSA chain). */
async function nginxMany(pki: Pki, n: number): Promise<{ ports: number[]; server: RunningServer }> {
  const ports: number[] = [];
  for (let i = 0; i < n; i++) ports.push(await freePort());
  writeFileSync(pki.path('many-chain.pem'), pki.pem('leaf') + pki.pem('int2') + pki.pem('int1'));
  const servers = ports.map((p) => `  server { listen 127.0.0.1:${p} ssl; ssl_certificate ${pki.path('many-chain.pem')}; ssl_certificate_key ${pki.path('leaf.key')}; ssl_protocols TLSv1.2 TLSv1.3; location / { return 200 "ok"; } }`);
  writeFileSync(pki.path('many.conf'), [
    'daemon off;', 'master_process off;', `pid ${pki.path('many.pid')};`, `error_log ${pki.path('many-error.log')};`, 'worker_rlimit_nofile 8192;',
    'events { worker_connections 4096; }',
    'http {', `  access_log off; client_body_temp_path ${pki.dir}; proxy_temp_path ${pki.dir}; fastcgi_temp_path ${pki.dir}; uwsgi_temp_path ${pki.dir}; scgi_temp_path ${pki.dir};`,
    ...servers, '}', '',
  ].join('\n'));
  const server = await serverProcess(spawn('/usr/sbin/nginx', ['-c', pki.path('many.conf'), '-p', pki.dir], { stdio: 'ignore' }), ports[ports.length - 1]!);
  return { ports, server };
}

async function manyLine(pki: Pki): Promise<void> {
  const { ports, server } = await nginxMany(pki, 200);
  try {
    const probe = await measure('node', ['dist/probe.js', '--concurrency', '32', '--no-groups', '--no-vulnerability-checks', '--json', ...ports.map((p) => `127.0.0.1:${p}`)]);
    const started = performance.now();
    let cpu = 0;
    const queue = [...ports];
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let p = queue.shift(); p !== undefined; p = queue.shift()) cpu += (await measure('sslscan', [...SSLSCAN_SAME_COVERAGE, `127.0.0.1:${p}`])).cpu;
    }));
    const sslscanSeconds = (performance.now() - started) / 1000;
    console.log([
      'BENCH name=probe-200-endpoints', 'endpoints=200', `probeSeconds=${f3(probe.seconds)}`, `probeCpu=${f3(probe.cpu)}`,
      `probeMaxRssMiB=${(probe.maxRssKb / 1024).toFixed(1)}`, `probeExit=${probe.exit}`,
      `sslscanEachSeconds=${f3(sslscanSeconds)}`, `sslscanEachCpu=${f3(cpu)}`, 'sslscanParallel=8',
      `sslscanOverProbe=${(sslscanSeconds / probe.seconds).toFixed(2)}x`,
    ].join(' '));
  } finally {
    await server.stop();
  }
}

/** Prints the whole-process BENCH lines. */
export async function run(): Promise<void> {
  if (!existsSync('dist/probe.js')) throw new Error('dist/probe.js is missing: npm run build first');
  const pki = makePki();
  const started: RunningServer[] = [];
  try {
    const sServer = await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-cert_chain', 'chain_good.pem']);
    started.push(sServer);
    await serverLine('openssl-s_server', sServer);
    const nginx = await startNginx(pki, { ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:AES128-SHA', protocols: 'TLSv1.2 TLSv1.3' });
    started.push(nginx);
    await serverLine('nginx', nginx);
    const haproxy = await startHaproxyDualCert(pki, 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305:AES128-SHA');
    started.push(haproxy);
    await serverLine('haproxy-dual-cert', haproxy);
    await manyLine(pki);
  } finally {
    for (const s of started) await s.stop();
    pki.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
