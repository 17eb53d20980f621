/**
 * Debian server software started by the test itself on 127.0.0.1 (never as a service), with configs written
 * into the test PKI directory, and oracles that ask openssl s_client / gnutls-cli one suite at a time.
 * A missing binary is a failure, not a skip: .ci/run installs every one of them.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { freePort, serverProcess, type Pki, type RunningServer } from './tls-servers.ts';

/** Runs a client with stdin closed (s_client and gnutls-cli hang up at EOF) and returns its stdout, whatever the exit code. */
function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { timeout: 10_000, maxBuffer: 1 << 22 }, (_error, stdout) => resolve(String(stdout)));
    child.stdin?.end();
  });
}

export function requireBinary(path: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing (apt-get install it; .ci/run lists it)`);
  return path;
}

function startProcess(command: string, args: string[], port: number, cwd: string): Promise<RunningServer> {
  return serverProcess(spawn(requireBinary(command), args, { cwd, stdio: 'ignore' }), port);
}

/** HAProxy with an RSA and an ECDSA certificate for one bind (a multi-cert bundle): it picks by the offered suites. TLS 1.2 only unless maxVersion says otherwise. */
export async function startHaproxyDualCert(pki: Pki, ciphers: string, options: { strictSni?: boolean; maxVersion?: string } = {}): Promise<RunningServer> {
  const port = await freePort();
  writeFileSync(pki.path('site.pem.rsa'), pki.pem('leaf') + pki.pem('int2') + pki.pem('int1') + readKey(pki, 'leaf'));
  writeFileSync(pki.path('site.pem.ecdsa'), pki.pem('leafec') + pki.pem('int2') + pki.pem('int1') + readKey(pki, 'leafec'));
  writeFileSync(pki.path('haproxy.cfg'), [
    'global',
    `  ssl-default-bind-ciphers ${ciphers}`,
    `  ssl-default-bind-options ssl-min-ver TLSv1.2 ssl-max-ver ${options.maxVersion ?? 'TLSv1.2'}`,
    'defaults',
    '  mode http',
    '  timeout connect 5s', '  timeout client 5s', '  timeout server 5s',
    'frontend fe',
    // strict-sni: a hello without SNI, or with a name no certificate holds, is refused (unrecognized_name)
    `  bind 127.0.0.1:${port} ssl crt ${pki.path('site.pem')}${options.strictSni ? ' strict-sni' : ''}`,
    '  http-request return status 200',
    '',
  ].join('\n'));
  return startProcess('/usr/sbin/haproxy', ['-db', '-f', pki.path('haproxy.cfg')], port, pki.dir);
}

/** nginx serving TLS 1.2 (or the given protocols) with the given suites and DH parameters file; optionally only to clients that name it. */
export async function startNginx(pki: Pki, options: { ciphers: string; dhparam?: string; protocols?: string; rejectWithoutSni?: boolean }): Promise<RunningServer> {
  const port = await freePort();
  writeFileSync(pki.path('nginx-chain.pem'), pki.pem('leaf') + pki.pem('int2') + pki.pem('int1'));
  writeFileSync(pki.path('nginx.conf'), [
    'daemon off;', 'master_process off;', `pid ${pki.path('nginx.pid')};`, `error_log ${pki.path('nginx-error.log')};`,
    'events { worker_connections 64; }',
    'http {',
    `  access_log off; client_body_temp_path ${pki.dir}; proxy_temp_path ${pki.dir}; fastcgi_temp_path ${pki.dir}; uwsgi_temp_path ${pki.dir}; scgi_temp_path ${pki.dir};`,
    // rejectWithoutSni: a default server that refuses every handshake (unrecognized_name), the site only under its name
    options.rejectWithoutSni ? `  server { listen 127.0.0.1:${port} ssl default_server; ssl_reject_handshake on; ssl_protocols ${options.protocols ?? 'TLSv1.2'}; }` : '',
    `  server { listen 127.0.0.1:${port} ssl;${options.rejectWithoutSni ? ' server_name localhost;' : ''} ssl_certificate ${pki.path('nginx-chain.pem')}; ssl_certificate_key ${pki.path('leaf.key')};`,
    `    ssl_protocols ${options.protocols ?? 'TLSv1.2'}; ssl_ciphers ${options.ciphers}; ssl_prefer_server_ciphers on;`,
    options.dhparam ? `    ssl_dhparam ${options.dhparam};` : '',
    '    location / { return 200 "ok"; } }',
    '}', '',
  ].join('\n'));
  return startProcess('/usr/sbin/nginx', ['-c', pki.path('nginx.conf'), '-p', pki.dir], port, pki.dir);
}

/** Apache httpd (mod_ssl, mpm_event) in the foreground on 127.0.0.1 with the given SSL directives. */
export async function startApache(pki: Pki, directives: string[]): Promise<RunningServer> {
  const port = await freePort();
  writeFileSync(pki.path('apache-chain.pem'), pki.pem('int2') + pki.pem('int1'));
  // Per-port pid, log, cache and config: two instances may run side by side in one PKI directory.
  const own = (name: string): string => pki.path(`apache-${port}-${name}`);
  const modules = ['mpm_event', 'authz_core', 'socache_shmcb', 'ssl'].map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`);
  writeFileSync(own('conf'), [
    `ServerRoot ${pki.dir}`, ...modules, 'ServerName localhost', `PidFile ${own('pid')}`, `ErrorLog ${own('error.log')}`,
    'User www-data', 'Group www-data', `DefaultRuntimeDir ${pki.dir}`, `Mutex file:${pki.dir} default`,
    `SSLSessionCache shmcb:${own('ssl-cache')}(51200)`,
    `Listen 127.0.0.1:${port}`,
    `<VirtualHost 127.0.0.1:${port}>`, '  SSLEngine on',
    `  SSLCertificateFile ${pki.path('leaf.pem')}`, `  SSLCertificateKeyFile ${pki.path('leaf.key')}`, `  SSLCertificateChainFile ${pki.path('apache-chain.pem')}`,
    ...directives.map((d) => `  ${d}`), '</VirtualHost>', '',
  ].join('\n'));
  return startProcess('/usr/sbin/apache2', ['-f', own('conf'), '-DFOREGROUND'], port, pki.dir);
}

/** lighttpd (mod_openssl) in the foreground with OpenSSL SSL_CONF commands (e.g. Options +PrioritizeChaCha). */
export async function startLighttpd(pki: Pki, confCommands: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  writeFileSync(pki.path('lighttpd-chain.pem'), pki.pem('leaf') + pki.pem('int2') + pki.pem('int1'));
  const commands = Object.entries(confCommands).map(([k, v]) => `"${k}" => "${v}"`).join(', ');
  writeFileSync(pki.path(`lighttpd-${port}.conf`), [
    `server.document-root = "${pki.dir}"`, `server.bind = "127.0.0.1"`, `server.port = ${port}`,
    'server.modules = ( "mod_openssl" )', 'ssl.engine = "enable"',
    `ssl.pemfile = "${pki.path('lighttpd-chain.pem')}"`, `ssl.privkey = "${pki.path('leaf.key')}"`,
    `ssl.openssl.ssl-conf-cmd = ( ${commands} )`, '',
  ].join('\n'));
  return startProcess('/usr/sbin/lighttpd', ['-D', '-f', pki.path(`lighttpd-${port}.conf`)], port, pki.dir);
}

/** stunnel in the foreground terminating TLS for a dummy back end, with its ciphers and options lines. */
export async function startStunnel(pki: Pki, lines: string[]): Promise<RunningServer> {
  const port = await freePort();
  writeFileSync(pki.path('stunnel-chain.pem'), pki.pem('leaf') + pki.pem('int2') + pki.pem('int1'));
  writeFileSync(pki.path(`stunnel-${port}.conf`), [
    'foreground = yes', 'pid =', 'debug = 3', '[tls]', `accept = 127.0.0.1:${port}`, 'connect = 127.0.0.1:9',
    `cert = ${pki.path('stunnel-chain.pem')}`, `key = ${pki.path('leaf.key')}`, ...lines, '',
  ].join('\n'));
  return startProcess('/usr/bin/stunnel4', [pki.path(`stunnel-${port}.conf`)], port, pki.dir);
}

/**
 * gnutls-serv with a GnuTLS priority string (it serves suites OpenSSL has none of, e.g. Camellia-GCM and
 * RFC 9189's GOST suite). By default it holds the PKI's RSA leaf and chain; `certificates` replaces that
 * with other (certificate, key) files of the PKI folder, GnuTLS choosing among them by the suite.
 */
export async function startGnutlsServ(pki: Pki, priority: string, certificates?: [string, string][]): Promise<RunningServer> {
  const port = await freePort();
  writeFileSync(pki.path('gnutls-chain.pem'), pki.pem('leaf') + pki.pem('int2') + pki.pem('int1'));
  const pairs = certificates ?? [['gnutls-chain.pem', 'leaf.key']];
  return startProcess('/usr/bin/gnutls-serv', ['--http', '--port', String(port),
    ...pairs.flatMap(([cert, key]) => ['--x509certfile', pki.path(cert), '--x509keyfile', pki.path(key)]), '--priority', priority, '--quiet'], port, pki.dir);
}

/** A self-signed GOST R 34.10-2012 (256-bit) certificate for localhost made by GnuTLS certtool: gost.pem, gost.key in the PKI folder. */
export function makeGostCertificate(pki: Pki): void {
  const certtool = requireBinary('/usr/bin/certtool');
  writeFileSync(pki.path('gost.tmpl'), 'cn = localhost\ndns_name = localhost\nexpiration_days = 30\nsigning_key\nencryption_key\ntls_www_server\n');
  execFileSync(certtool, ['--generate-privkey', '--key-type', 'gost12-256', '--outfile', pki.path('gost.key')], { stdio: 'ignore' });
  execFileSync(certtool, ['--generate-self-signed', '--load-privkey', pki.path('gost.key'), '--template', pki.path('gost.tmpl'), '--outfile', pki.path('gost.pem')], { stdio: 'ignore' });
}

function readKey(pki: Pki, name: string): string {
  return execFileSync('cat', [pki.path(`${name}.key`)], { encoding: 'utf8' });
}

/** A DH parameters file of the given size (DSA-style generation: seconds, not minutes). */
export function makeDhParams(pki: Pki, bits: number): string {
  const path = pki.path(`dh${bits}.pem`);
  execFileSync('openssl', ['dhparam', '-dsaparam', '-out', path, String(bits)], { stdio: 'ignore' });
  return path;
}

const S_CLIENT_VERSION: Record<string, string> = { 'TLSv1.0': '-tls1', 'TLSv1.1': '-tls1_1', 'TLSv1.2': '-tls1_2', 'TLSv1.3': '-tls1_3' };

export interface OracleAnswer { accepted: boolean; suite: string | null; tempKey: string | null; output: string }

/** One openssl s_client handshake offering exactly the given OpenSSL cipher string (or TLS 1.3 suites). */
export async function sClient(port: number, protocol: string, cipher: string, extra: string[] = []): Promise<OracleAnswer> {
  const suiteArgs = protocol === 'TLSv1.3' ? ['-ciphersuites', cipher] : ['-cipher', `${cipher}:@SECLEVEL=0`];
  return parseSClient(await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, S_CLIENT_VERSION[protocol] ?? '-tls1_2', ...suiteArgs,
    '-servername', 'localhost', ...extra]));
}

function parseSClient(out: string): OracleAnswer {
  const suite = /Cipher is (\S+)/.exec(out)?.[1] ?? null;
  return { accepted: suite !== null && suite !== '(NONE)', suite: suite === '(NONE)' ? null : suite, tempKey: /Server Temp Key: (.+)/.exec(out)?.[1]?.trim() ?? null, output: out };
}

/** The OpenSSL names s_client can offer for a protocol (the per-suite oracle's candidate list). */
export function opensslSuites(protocol: string): string[] {
  // Every TLS 1.3 suite OpenSSL implements (its default list leaves the CCM ones out).
  if (protocol === 'TLSv1.3') return ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_8_SHA256'];
  const out = execFileSync('openssl', ['ciphers', '-s', 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'], { encoding: 'utf8' });
  return out.trim().split(':').filter((n) => !n.startsWith('TLS_'));
}

/** Which of the candidate OpenSSL suites the server accepts, one handshake each (a few at a time). */
export async function oracleSuites(port: number, protocol: string, candidates: string[], extra: string[] = []): Promise<string[]> {
  const accepted: string[] = [];
  for (let i = 0; i < candidates.length; i += 8) {
    const batch = candidates.slice(i, i + 8);
    const answers = await Promise.all(batch.map((c) => sClient(port, protocol, c, extra)));
    answers.forEach((a, j) => { if (a.accepted && a.suite === batch[j]) accepted.push(batch[j]!); });
  }
  return accepted;
}

/** gnutls-cli handshake with a priority string; returns GnuTLS's session description (version, kx, sig, cipher), or null. */
export async function gnutlsCli(port: number, priority: string): Promise<string | null> {
  const out = await run(requireBinary('/usr/bin/gnutls-cli'), ['--insecure', '--priority', priority, '-p', String(port), '127.0.0.1']);
  return /Description: (.+)/.exec(out)?.[1]?.trim() ?? null;
}

