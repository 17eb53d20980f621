/**
 * The TLS 1.3 chain as served, through Node's tls. The Certificate message is encrypted in 1.3, so the
 * raw engine cannot read it; getPeerX509Certificate() walks issuerCertificate by stack position, which
 * is the served order (getPeerCertificate(true) re-sorts by issuer, drops extras and adds local roots).
 * It empties the peer chain as a side effect, so it is called exactly once, after everything else.
 */
import tls from 'node:tls';
import net from 'node:net';
import type { ConnectionCounter, Dial } from './connection.ts';

export interface NodeChain {
  chain: Buffer[];
  ocspStapled: boolean;
  protocol: string | null;
  /** The server sent more certificates than MAX_SERVED_CHAIN; the rest were not read. */
  cut: boolean;
}

/** Beyond any real deployment (the x509 analysis caps chains at 16): a longer chain is noted as cut, not dropped silently. */
export const MAX_SERVED_CHAIN = 64;

/** Every TLS 1.3 suite OpenSSL implements, CCM included: a server that enables only CCM still gets a client. */
const TLS13_SUITES = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256';

const SIGALGS = {
  ECDSA: 'ecdsa_secp256r1_sha256:ecdsa_secp384r1_sha384:ecdsa_secp521r1_sha512:ed25519:ed448',
  RSA: 'rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:rsa_pss_pss_sha256:rsa_pss_pss_sha384:rsa_pss_pss_sha512',
} as const;

/** Handshakes with TLS 1.3 and returns the peer chain in served order, or the reason it could not. */
export function fetchTls13Chain(
  dial: Dial, sni: string | null, counter: ConnectionCounter, keyType: 'ECDSA' | 'RSA' | null = null,
): Promise<NodeChain | { error: string }> {
  counter.count += 1;
  return new Promise((resolve) => {
    let ocspStapled = false;
    let settled = false;
    // requestOCSP is honoured by tls.connect but missing from its typings.
    const options: tls.ConnectionOptions & { requestOCSP: boolean } = {
      host: dial.host,
      port: dial.port,
      // An empty servername sends no SNI at all (Node would otherwise default it to the host name).
      servername: sni ?? '',
      minVersion: 'TLSv1.3',
      maxVersion: 'TLSv1.3',
      rejectUnauthorized: false,
      requestOCSP: true,
      ciphers: TLS13_SUITES,
      ...(keyType ? { sigalgs: SIGALGS[keyType] } : {}),
    };
    const socket = tls.connect(options);
    const finish = (result: NodeChain | { error: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ error: `TLS 1.3 handshake did not finish within ${dial.timeoutMs} ms` }), dial.timeoutMs);
    socket.on('OCSPResponse', (response: Buffer | null) => { ocspStapled = (response?.length ?? 0) > 0; });
    socket.on('secureConnect', () => {
      const protocol = socket.getProtocol();
      const chain: Buffer[] = [];
      // Must stay the last peer-certificate call on this socket (see the module comment).
      let cert = socket.getPeerX509Certificate();
      while (cert && chain.length < MAX_SERVED_CHAIN) {
        chain.push(cert.raw);
        cert = cert.issuerCertificate;
      }
      finish({ chain, ocspStapled, protocol, cut: cert !== undefined });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish({ error: `TLS 1.3 handshake failed: ${error.code ?? error.message}` }));
    socket.on('close', () => finish({ error: 'connection closed during the TLS 1.3 handshake' }));
  });
}

/** True when a host string is an IP literal (no SNI is sent for those). */
export function isIpLiteral(host: string): boolean {
  return net.isIP(host) !== 0;
}
