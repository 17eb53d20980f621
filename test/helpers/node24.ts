/**
 * A real Node 24 binary, the runtime the Action (runs.using: node24) and the Lambda (nodejs24.x) ship on: the
 * npm package node@24, installed once into .tmp/node24 (.ci/run installs it before `npm test`; a test that
 * finds it missing installs it the same way). Its OpenSSL is 3.5, so it also serves the ML-KEM groups that
 * Debian's OpenSSL 3.0 lacks.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Pki, RunningServer } from './tls-servers.ts';
import { freePort, serverProcess } from './tls-servers.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const HOME = join(ROOT, '.tmp', 'node24');
const BINARY = join(HOME, 'node_modules', 'node', 'bin', 'node');

/** Path of the Node 24 binary; installs node@24 from npm when it is not there yet. */
export function node24(): string {
  if (!existsSync(BINARY)) {
    // Installed beside the final folder and renamed into place, so two test files installing at once never share a half-written tree.
    const staging = `${HOME}-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', staging, 'node@24'], { stdio: 'pipe' });
    try { renameSync(staging, HOME); } catch { rmSync(staging, { recursive: true, force: true }); }
  }
  const major = execFileSync(BINARY, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).trim();
  if (major !== '24') throw new Error(`${BINARY} is Node ${major}, not 24`);
  return BINARY;
}

const SERVER = `
const tls = require('node:tls');
const [key, cert, groups, minVersion, port] = process.argv.slice(1);
const server = tls.createServer({ key: require('node:fs').readFileSync(key), cert: require('node:fs').readFileSync(cert), ecdhCurve: groups, minVersion },
  (socket) => socket.end('HTTP/1.0 200 OK\\r\\n\\r\\n'));
server.on('tlsClientError', () => undefined);
server.listen(Number(port), '127.0.0.1');
`;

/** A Node 24 TLS server (OpenSSL 3.5) on 127.0.0.1 with the PKI's RSA leaf and exactly these groups (OpenSSL names, colon-separated). */
export async function startNode24TlsServer(pki: Pki, groups: string, minVersion: 'TLSv1.2' | 'TLSv1.3' = 'TLSv1.3'): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(node24(), ['-e', SERVER, pki.path('leaf.key'), pki.path('leaf.pem'), groups, minVersion, String(port)], { stdio: 'ignore' });
  return serverProcess(child, port);
}

/**
 * The oracle for TLS 1.3 groups: one Node 24 client (OpenSSL 3.5) handshake per candidate, offering only that
 * group; returns the candidates the server completed a handshake with. Names OpenSSL 3.5 does not know are skipped.
 */
export function node24ServedGroups(port: number, candidates: readonly string[]): string[] {
  const script = `
const tls = require('node:tls');
const tryGroup = (group) => new Promise((resolve) => {
  try { tls.createSecureContext({ ecdhCurve: group }); } catch { resolve(false); return; }
  const s = tls.connect({ host: '127.0.0.1', port: ${port}, rejectUnauthorized: false, ecdhCurve: group, minVersion: 'TLSv1.3' },
    () => { s.destroy(); resolve(true); });
  s.on('error', () => resolve(false));
});
(async () => { const ok = []; for (const g of ${JSON.stringify(candidates)}) if (await tryGroup(g)) ok.push(g); process.stdout.write(JSON.stringify(ok)); })();`;
  return JSON.parse(execFileSync(node24(), ['-e', script], { encoding: 'utf8' })) as string[];
}
