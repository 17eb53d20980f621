/** Runs the Debian sslscan against a loopback port and reads its XML: accepted protocols and suites (IANA names). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { lookupSuite } from '../../src/catalogue/tls.ts';
import type { TlsProtocol } from '../../src/model/snapshot.ts';

const run = promisify(execFile);
const PROTOCOL: Record<string, TlsProtocol> = {
  'ssl2.0': 'SSLv2', 'ssl3.0': 'SSLv3', 'tls1.0': 'TLSv1.0', 'tls1.1': 'TLSv1.1', 'tls1.2': 'TLSv1.2', 'tls1.3': 'TLSv1.3',
};

export interface SslscanView {
  protocols: Partial<Record<TlsProtocol, boolean>>;
  cipherSuites: Partial<Record<TlsProtocol, string[]>>;
}

/** sslscan --xml=- with the checks that are not protocol/suite enumeration turned off. */
export async function sslscan(port: number, extraArgs: string[] = []): Promise<SslscanView> {
  const { stdout } = await run('sslscan', ['--no-colour', '--xml=-', '--no-groups', '--no-heartbleed', '--no-renegotiation',
    '--no-compression', '--no-fallback', '--no-check-certificate', ...extraArgs, `127.0.0.1:${port}`], { maxBuffer: 1 << 24 });
  const view: SslscanView = { protocols: {}, cipherSuites: {} };
  for (const m of stdout.matchAll(/<protocol type="(ssl|tls)" version="([\d.]+)" enabled="(\d)"/g)) {
    const p = PROTOCOL[`${m[1]}${m[2]}`];
    if (p) view.protocols[p] = m[3] === '1';
  }
  for (const m of stdout.matchAll(/<cipher status="(accepted|preferred)" sslversion="([^"]+)"[^>]*cipher="([^"]+)"/g)) {
    const p = ({ SSLv2: 'SSLv2', SSLv3: 'SSLv3', 'TLSv1.0': 'TLSv1.0', 'TLSv1.1': 'TLSv1.1', 'TLSv1.2': 'TLSv1.2', 'TLSv1.3': 'TLSv1.3' } as Record<string, TlsProtocol>)[m[2] ?? ''];
    if (!p) continue;
    const name = lookupSuite(m[3] ?? '')?.iana ?? m[3] ?? '';
    (view.cipherSuites[p] ??= []).push(name);
  }
  return view;
}
