/**
 * Real TLS servers on 127.0.0.1 for probe tests: `openssl s_server` with a PKI made at test time,
 * Node tls servers for what s_server makes awkward, and hostile peers. Every start returns a stop().
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pki {
  dir: string;
  path: (name: string) => string;
  pem: (name: string) => string;
  cleanup: () => void;
}

const CA_EXT = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n';
const leafExt = (names: string[]): string =>
  `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${names.map((n) => `DNS:${n}`).join(',')},IP:127.0.0.1\n`;

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

/**
 * root -> int1 -> int2 -> leaf (RSA, localhost), an ECDSA leaf under int2, a leaf for other.test,
 * an unrelated self-signed cert, and chain files: good (I2, I1), misordered (I1, I2, root), extra (unrelated, I2, I1).
 */
export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'probe-pki-'));
  writeFileSync(join(dir, 'ca.ext'), CA_EXT);
  writeFileSync(join(dir, 'leaf.ext'), leafExt(['localhost', 'a.test']));
  writeFileSync(join(dir, 'other.ext'), leafExt(['other.test']));
  const rsa = ['-newkey', 'rsa:2048'];
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  openssl(['req', '-x509', ...rsa, '-nodes', '-keyout', 'root.key', '-out', 'root.pem', '-days', '30', '-subj', '/CN=Test Root CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  const issue = (name: string, key: string[], subject: string, ca: string, ext: string): void => {
    openssl(['req', ...key, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`,
      '-days', '20', '-sha256', '-extfile', ext], dir);
  };
  issue('int1', rsa, '/CN=Test Intermediate 1', 'root', 'ca.ext');
  issue('int2', rsa, '/CN=Test Intermediate 2', 'int1', 'ca.ext');
  issue('leaf', rsa, '/CN=localhost', 'int2', 'leaf.ext');
  issue('leafec', ec, '/CN=localhost ECDSA', 'int2', 'leaf.ext');
  issue('other', rsa, '/CN=other.test', 'int2', 'other.ext');
  openssl(['req', '-x509', ...ec, '-nodes', '-keyout', 'unrel.key', '-out', 'unrel.pem', '-days', '30', '-subj', '/CN=Unrelated Extra CA'], dir);
  const read = (name: string): string => readFileSync(join(dir, `${name}.pem`), 'utf8');
  writeFileSync(join(dir, 'chain_good.pem'), read('int2') + read('int1'));
  writeFileSync(join(dir, 'chain_misordered.pem'), read('int1') + read('int2') + read('root'));
  writeFileSync(join(dir, 'chain_extra.pem'), read('unrel') + read('int2') + read('int1'));
  return { dir, path: (n) => join(dir, n), pem: read, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A free loopback port (bound, read, released). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`server on ${port} did not start`);
}

export interface RunningServer {
  port: number;
  stop: () => Promise<void>;
}

/** Starts `openssl s_server -www` on a free loopback port with extra arguments (paths relative to the PKI dir). */
export async function startSServer(pki: Pki, args: string[]): Promise<RunningServer> {
  const port = await freePort();
  return serverProcess(spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-www', '-quiet', ...args], { cwd: pki.dir, stdio: 'ignore' }), port);
}

/** Waits until a spawned server listens on the port; stop() ends it (once, however often it is called). */
export async function serverProcess(child: ChildProcess, port: number): Promise<RunningServer> {
  await waitForPort(port, child);
  return {
    port,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function listen(server: net.Server): Promise<RunningServer> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => undefined); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    stop: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

/** A Node tls server (used for OCSP stapling, which Node lets a test fake with any bytes). */
export function startNodeTlsServer(options: tls.TlsOptions, staple: Buffer | null = null): Promise<RunningServer> {
  const server = tls.createServer(options, (socket) => socket.end('HTTP/1.0 200 OK\r\n\r\n'));
  if (staple) server.on('OCSPRequest', (_cert: Buffer, _issuer: Buffer, callback: (err: Error | null, resp: Buffer) => void) => callback(null, staple));
  server.on('tlsClientError', () => undefined);
  return listen(server);
}

export type HostileBehaviour = 'garbage' | 'stall' | 'reset' | 'oversized' | 'warnings';

/** A peer that misbehaves after reading the client's first bytes. */
export function startHostilePeer(behaviour: HostileBehaviour): Promise<RunningServer> {
  const server = net.createServer((socket) => {
    socket.once('data', () => {
      if (behaviour === 'garbage') socket.write(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\nthis is not TLS at all'));
      if (behaviour === 'reset') {
        // A ServerHello header that promises more, then a TCP reset mid-handshake.
        socket.write(Buffer.from('160303004a02000046', 'hex'));
        setTimeout(() => socket.resetAndDestroy(), 20);
      }
      if (behaviour === 'oversized') socket.write(Buffer.from('1603037fff020000', 'hex'));
      // A flood of warning alerts (level 1, user_canceled) that never reaches a ServerHello.
      if (behaviour === 'warnings') socket.write(Buffer.from('1503030002015a'.repeat(5000), 'hex'));
      // 'stall': say nothing, keep the connection open.
    });
  });
  return listen(server);
}
