/**
 * A TLS <= 1.2 server that behaves on the wire like the vulnerable stacks OpenSSL 3 can no longer be made
 * into: it picks DEFLATE compression, ignores TLS_FALLBACK_SCSV, answers over-long heartbeats with its
 * "memory" (Heartbleed), takes an early ChangeCipherSpec (CCS injection), or answers RSA key exchanges
 * by their PKCS#1 padding (ROBOT), optionally asking for a client certificate. It only speaks the cleartext
 * handshake (ServerHello, Certificate, [CertificateRequest,] ServerHelloDone) with TLS_RSA_WITH_AES_128_CBC_SHA;
 * everything after is judged, never decrypted.
 */
import { constants, createPrivateKey, privateDecrypt, X509Certificate } from 'node:crypto';
import net from 'node:net';
import type { RunningServer } from './tls-servers.ts';

export interface Flaws {
  compression?: boolean;
  ignoreFallbackScsv?: boolean;
  heartbleed?: boolean;
  ccsInjection?: boolean;
  robot?: boolean;
  /** Leave renegotiation_info out of the ServerHello. */
  noSecureRenegotiation?: boolean;
  /**
   * Mutual TLS: send a CertificateRequest and expect the client's Certificate before its key exchange (a key
   * exchange or ChangeCipherSpec first is unexpected_message, as OpenSSL answers); 'required' refuses an empty one.
   */
  clientCertificate?: 'optional' | 'required';
}

interface ClientHello { version: number; suites: number[]; compression: number[]; extensions: Map<number, Buffer> }

const SUITE = 0x002f;
const MEMORY = Buffer.from('-----BEGIN RSA PRIVATE KEY----- session cookie=secret; user=admin ', 'ascii');

const u16 = (n: number): Buffer => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u24 = (n: number): Buffer => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
const record = (type: number, version: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([type]), u16(version), u16(body.length), body]);
const handshake = (type: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([type]), u24(body.length), body]);
const alert = (version: number, description: number): Buffer => record(21, version, Buffer.from([2, description]));

function parseClientHello(body: Buffer): ClientHello {
  let at = 0;
  const version = body.readUInt16BE(at); at += 2 + 32;
  at += 1 + body.readUInt8(at);
  const suitesLength = body.readUInt16BE(at); at += 2;
  const suites: number[] = [];
  for (let i = 0; i < suitesLength; i += 2) suites.push(body.readUInt16BE(at + i));
  at += suitesLength;
  const compression = [...body.subarray(at + 1, at + 1 + body.readUInt8(at))];
  at += 1 + body.readUInt8(at);
  const extensions = new Map<number, Buffer>();
  if (at + 2 <= body.length) {
    const end = at + 2 + body.readUInt16BE(at); at += 2;
    while (at + 4 <= end) {
      const length = body.readUInt16BE(at + 2);
      extensions.set(body.readUInt16BE(at), body.subarray(at + 4, at + 4 + length));
      at += 4 + length;
    }
  }
  return { version, suites, compression, extensions };
}

/** PKCS#1 v1.5 type 2 block with a separator after at least 8 padding bytes and a 48-byte secret. */
function wellPadded(block: Buffer): boolean {
  if (block[0] !== 0 || block[1] !== 2) return false;
  const separator = block.indexOf(0, 2);
  return separator >= 10 && block.length - separator - 1 === 48;
}

/** Starts the peer; certificate and key are PEM (an RSA leaf, for ROBOT). */
export function startVulnerablePeer(flaws: Flaws, certificatePem: string, keyPem: string, maxVersion = 0x0303): Promise<RunningServer> {
  const der = new X509Certificate(certificatePem).raw;
  const key = createPrivateKey(keyPem);
  const server = net.createServer((socket) => {
    let buffer = Buffer.alloc(0);
    let version = 0x0303;
    let phase: 'hello' | 'clientCertificate' | 'keyExchange' | 'earlyCcs' | 'done' = 'hello';
    const fail = (description: number): void => { phase = 'done'; socket.end(alert(version, description)); };
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 5 && phase !== 'done') {
        if ((buffer[0] ?? 0) & 0x80) { socket.destroy(); return; } // SSLv2 hello: not spoken here
        const length = buffer.readUInt16BE(3);
        if (buffer.length < 5 + length) return;
        const type = buffer[0] ?? 0;
        const fragment = buffer.subarray(5, 5 + length);
        buffer = buffer.subarray(5 + length);
        if (phase === 'hello') {
          if (type !== 22 || fragment[0] !== 1) { fail(10); return; }
          const hello = parseClientHello(fragment.subarray(4));
          if (hello.version < 0x0301) { fail(70); return; }
          version = Math.min(hello.version, maxVersion);
          if (!flaws.ignoreFallbackScsv && hello.suites.includes(0x5600) && hello.version < maxVersion) { fail(86); return; }
          if (!hello.suites.includes(SUITE)) { fail(40); return; }
          const exts: Buffer[] = [];
          const wantsRi = hello.extensions.has(0xff01) || hello.suites.includes(0x00ff);
          if (wantsRi && !flaws.noSecureRenegotiation) exts.push(Buffer.from([0xff, 0x01, 0, 1, 0]));
          if (flaws.heartbleed && hello.extensions.has(15)) exts.push(Buffer.from([0, 15, 0, 1, 1]));
          const method = flaws.compression && hello.compression.includes(1) ? 1 : 0;
          const extBytes = Buffer.concat(exts);
          const serverHello = Buffer.concat([u16(version), Buffer.alloc(32, 7), Buffer.from([0]), u16(SUITE), Buffer.from([method]),
            exts.length ? Buffer.concat([u16(extBytes.length), extBytes]) : Buffer.alloc(0)]);
          const certificates = Buffer.concat([u24(der.length + 3), u24(der.length), der]);
          // CertificateRequest (RFC 5246 7.4.4): rsa_sign, rsa_pkcs1_sha256 (TLS 1.2 only), no CA names.
          const request = flaws.clientCertificate
            ? [handshake(13, Buffer.concat([Buffer.from([1, 1]), version >= 0x0303 ? Buffer.from([0, 2, 4, 1]) : Buffer.alloc(0), u16(0)]))]
            : [];
          socket.write(record(22, version, Buffer.concat([handshake(2, serverHello), handshake(11, certificates), ...request, handshake(14, Buffer.alloc(0))])));
          phase = flaws.clientCertificate ? 'clientCertificate' : 'keyExchange';
        } else if (phase === 'clientCertificate') {
          if (type !== 22 || fragment[0] !== 11) { fail(10); return; }
          const empty = fragment.length >= 7 && fragment.readUIntBE(4, 3) === 0;
          if (empty && flaws.clientCertificate === 'required') { fail(40); return; }
          phase = 'keyExchange';
        } else if (type === 24) {
          if (!flaws.heartbleed || fragment[0] !== 1) continue;
          // The bug: trust the request's payload_length, not the record's.
          const claimed = fragment.readUInt16BE(1);
          const leak = Buffer.alloc(claimed + 16);
          for (let i = 0; i < leak.length; i++) leak[i] = MEMORY[i % MEMORY.length] ?? 0;
          socket.write(record(24, version, Buffer.concat([Buffer.from([2]), u16(claimed), leak])));
        } else if (type === 20) {
          if (phase === 'keyExchange' && !flaws.ccsInjection) { fail(10); return; }
          // Either the CCS after a key exchange, or (CCS injection) one the server should have refused.
          if (phase === 'earlyCcs') { fail(20); return; }
          if (phase === 'keyExchange') phase = 'earlyCcs';
        } else if (type === 22 && phase === 'keyExchange' && fragment[0] === 16) {
          const encrypted = fragment.subarray(6, 4 + fragment.readUIntBE(1, 3));
          let padded = true;
          try {
            padded = wellPadded(privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, encrypted));
          } catch {
            padded = false;
          }
          // A constant-time server answers every key exchange alike once the (garbage) Finished arrives.
          if (flaws.robot && !padded) { fail(51); return; }
          phase = 'done';
          setImmediate(() => socket.end(alert(version, 20)));
        } else if (phase === 'earlyCcs') {
          fail(20);
          return;
        }
      }
    });
  });
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: (server.address() as net.AddressInfo).port,
    stop: () => new Promise<void>((done) => { for (const s of sockets) s.destroy(); server.close(() => done()); }),
  })));
}
