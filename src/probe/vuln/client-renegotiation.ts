/**
 * Client-initiated renegotiation (CVE-2011-1473: each renegotiation costs the server a full
 * handshake, a cheap denial of service, and without RFC 5746 it is the splicing attack of
 * CVE-2009-3555). It needs a completed handshake, so it uses Node's TLS client (loaded only here),
 * which can renegotiate TLS 1.2 and older. It offers every suite Node's OpenSSL has, NULL encryption included;
 * a server that serves only suites it lacks (or only PSK ones) leaves the check unknown. It lists the curves
 * the server was seen to choose, so a server with only unusual ones (sect233k1, secp160r1) is still reached.
 */
import type { VulnerabilityResult } from '../../model/snapshot.ts';
import type { ConnectionCounter, Dial } from '../connection.ts';

const NODE_VERSION: Record<string, 'TLSv1' | 'TLSv1.1' | 'TLSv1.2'> = { 'TLSv1.0': 'TLSv1', 'TLSv1.1': 'TLSv1.1', 'TLSv1.2': 'TLSv1.2' };

/** Completes a TLS <= 1.2 handshake, asks to renegotiate, and reports whether the server went along. */
export async function checkClientRenegotiation(dial: Dial, counter: ConnectionCounter, sni: string | null, protocol: string, curves: readonly string[] = []): Promise<VulnerabilityResult> {
  const version = NODE_VERSION[protocol];
  if (!version) return { status: 'unknown', detail: `Node's TLS client cannot renegotiate over ${protocol}` };
  const tls = await import('node:tls');
  const { constants } = await import('node:crypto');
  // OpenSSL refuses the whole list for one name it lacks; Node's defaults are then the best it can offer.
  let ecdhCurve: string | undefined = curves.length > 0 ? curves.join(':') : undefined;
  try { if (ecdhCurve) tls.createSecureContext({ ecdhCurve }); } catch { ecdhCurve = undefined; }
  counter.count += 1;
  return new Promise((resolve) => {
    let settled = false;
    const socket = tls.connect({
      host: dial.host, port: dial.port, ...(sni !== null && !/^[\d.:]+$/.test(sni) ? { servername: sni } : {}),
      rejectUnauthorized: false, minVersion: version, maxVersion: version, ciphers: 'ALL:COMPLEMENTOFALL:@SECLEVEL=0', ...(ecdhCurve ? { ecdhCurve } : {}),
      // A server without RFC 5746 is still asked: that is the worse case, not a reason to stop.
      secureOptions: constants.SSL_OP_LEGACY_SERVER_CONNECT,
    });
    let handshook = false;
    // Application data the server sends by itself, before any renegotiation could be answered (a banner, or a
    // response it writes and then closes on); a close after that says nothing about renegotiation.
    let spoke = false;
    const finish = (result: VulnerabilityResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish(handshook
      ? { status: 'not-vulnerable', detail: `the server did not answer a client renegotiation request within ${dial.timeoutMs} ms` }
      : { status: 'unknown', detail: `no ${protocol} handshake with Node's TLS client within ${dial.timeoutMs} ms` }), dial.timeoutMs);
    socket.once('secureConnect', () => {
      handshook = true;
      const cipher = socket.getCipher().name;
      // Read (and drop) what the server sends, so its close is seen at once instead of at the timeout.
      socket.on('data', () => { spoke = true; });
      const asked = socket.renegotiate({ rejectUnauthorized: false }, (error) => {
        finish(error
          ? { status: 'not-vulnerable', detail: `refused a client-initiated renegotiation over ${protocol} (${error.message.split('\n')[0]})` }
          : { status: 'vulnerable', detail: `accepted a client-initiated renegotiation over ${protocol} (${cipher}): each costs the server a full handshake (CVE-2011-1473)` });
      });
      if (!asked) finish({ status: 'unknown', detail: 'Node\'s TLS client could not start a renegotiation' });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!handshook) finish({ status: 'unknown', detail: `no ${protocol} handshake with Node's TLS client: ${error.code ?? error.message}` });
      else finish({ status: 'not-vulnerable', detail: `refused a client-initiated renegotiation over ${protocol} (${error.code ?? error.message})` });
    });
    const closed = (): void => finish(!handshook
      ? { status: 'unknown', detail: `the server closed before a ${protocol} handshake completed` }
      : spoke
        ? { status: 'unknown', detail: `the server sent its own data and closed the connection over ${protocol}: whether it renegotiates could not be seen` }
        : { status: 'not-vulnerable', detail: `closed the connection on a client-initiated renegotiation over ${protocol}` });
    socket.on('end', closed);
    socket.on('close', closed);
  });
}
