/**
 * The raw TLS 1.3 engine: a ClientHello with real key shares, the HelloRetryRequest round when the server
 * wants another group, the handshake key schedule, and decryption of the server's flight as far as its
 * Certificate message. The chain comes back exactly as served (order, duplicates, extras), for any of
 * the five TLS 1.3 suites, without Node's TLS client and its suite and chain limits.
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import type { ConnectionCounter, Dial } from '../connection.ts';
import { ALERT_NAMES } from '../alerts.ts';
import { buildClientHello, HRR_RANDOM, MAX_HANDSHAKE_MESSAGE, MAX_RECORD, MAX_SERVED_CHAIN } from '../wire.ts';
import { ENGINE_SUITES, openRecord, serverHandshakeKeys, suiteCrypto, transcriptHash, type SuiteCrypto, type TrafficKeys } from './key-schedule.ts';
import { engineGroups, makeKeyShare, type KeyShare } from './key-share.ts';

export interface Tls13Chain {
  chain: Buffer[];
  ocspStapled: boolean;
  /** Signed certificate timestamps in the leaf's CertificateEntry (RFC 6962 via RFC 8446 4.4.2.1). */
  sctCount: number;
  protocol: 'TLSv1.3';
  /** The server sent more certificates than MAX_SERVED_CHAIN; the rest were not kept. */
  cut: boolean;
  suite: number;
  group: number;
}


const SIGALGS = {
  ECDSA: [0x0403, 0x0503, 0x0603],
  RSA: [0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b],
  Ed25519: [0x0807],
  Ed448: [0x0808],
} as const;
export type Tls13KeyFamily = keyof typeof SIGALGS;

export interface Tls13ChainOptions {
  /** Ask for this certificate type through signature_algorithms (dual-certificate servers). */
  keyType?: Tls13KeyFamily | null;
  /** Suites to offer (the ones the enumeration found accepted); those the engine cannot decrypt are left out. */
  suites?: readonly number[];
}

/** Why the handshake stopped; `alert` when the server said so with an alert. */
class Fail extends Error {
  constructor(message: string, readonly alert: number | null = null) { super(message); }
}

/** A handshake that did not reach the Certificate message: why, and the server's alert if it sent one. */
export interface Tls13Failure { error: string; alert: number | null }

/** Bytes from the socket as TLS records, with the record-size cap and a clear reason when the peer stops. */
class RecordReader {
  private buffer = Buffer.alloc(0);
  private ended: string | null = null;
  private wake: (() => void) | null = null;

  constructor(socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => { this.buffer = Buffer.concat([this.buffer, chunk]); this.poke(); });
    socket.on('close', () => { this.ended ??= 'connection closed during the TLS 1.3 handshake'; this.poke(); });
    socket.on('error', (error: NodeJS.ErrnoException) => { this.ended = `TLS 1.3 handshake failed: ${error.code ?? error.message}`; this.poke(); });
  }

  stop(reason: string): void { this.ended ??= reason; this.poke(); }

  private poke(): void { const w = this.wake; this.wake = null; w?.(); }

  async record(): Promise<{ type: number; header: Buffer; fragment: Buffer }> {
    while (true) {
      if (this.buffer.length >= 5) {
        const type = this.buffer[0] ?? 0;
        const length = this.buffer.readUInt16BE(3);
        if (type < 20 || type > 24 || this.buffer[1] !== 3) throw new Fail(`not a TLS record (first bytes ${this.buffer.subarray(0, 5).toString('hex')})`);
        if (length > MAX_RECORD) throw new Fail(`oversized record (${length} bytes)`);
        if (this.buffer.length >= 5 + length) {
          const header = this.buffer.subarray(0, 5);
          const fragment = this.buffer.subarray(5, 5 + length);
          this.buffer = this.buffer.subarray(5 + length);
          return { type, header, fragment };
        }
      }
      if (this.ended) throw new Fail(this.ended);
      await new Promise<void>((resolve) => { this.wake = resolve; });
    }
  }
}

/** Handshake messages reassembled across records; plaintext before ServerHello, decrypted after it. */
class HandshakeBuffer {
  private data = Buffer.alloc(0);
  push(bytes: Buffer): void { this.data = Buffer.concat([this.data, bytes]); }
  /** The next whole message (type, body, full bytes), or null when more records are needed. */
  next(limit: number): { type: number; body: Buffer; raw: Buffer } | null {
    if (this.data.length < 4) return null;
    const length = this.data.readUIntBE(1, 3);
    if (length > limit) throw new Fail(`handshake message type ${this.data[0]} of ${length} bytes`);
    if (this.data.length < 4 + length) return null;
    const raw = this.data.subarray(0, 4 + length);
    this.data = this.data.subarray(4 + length);
    return { type: raw[0] ?? 0, body: raw.subarray(4), raw };
  }
}

interface ServerHello {
  version: number;
  retry: boolean;
  suite: number;
  group: number | null;
  share: Buffer | null;
  cookie: Buffer | null;
}

function parseServerHello(body: Buffer): ServerHello {
  const hello: ServerHello = { version: body.readUInt16BE(0), retry: body.subarray(2, 34).equals(HRR_RANDOM), suite: 0, group: null, share: null, cookie: null };
  let at = 34;
  at += 1 + body.readUInt8(at);
  hello.suite = body.readUInt16BE(at); at += 3;
  if (at + 2 > body.length) return hello;
  const end = Math.min(body.length, at + 2 + body.readUInt16BE(at)); at += 2;
  while (at + 4 <= end) {
    const type = body.readUInt16BE(at);
    const data = body.subarray(at + 4, at + 4 + body.readUInt16BE(at + 2));
    at += 4 + data.length;
    if (type === 43 && data.length >= 2) hello.version = data.readUInt16BE(0);
    if (type === 51 && data.length >= 2) {
      hello.group = data.readUInt16BE(0);
      // In a HelloRetryRequest the extension is only the selected group; in a ServerHello it carries the share.
      if (!hello.retry && data.length >= 4) hello.share = data.subarray(4, 4 + data.readUInt16BE(2));
    }
    if (type === 44 && data.length >= 2) hello.cookie = data.subarray(2, 2 + data.readUInt16BE(0));
  }
  return hello;
}

interface ParsedCertificate {
  chain: Buffer[];
  cut: boolean;
  ocspStapled: boolean;
  sctCount: number;
}

/** Certificate (RFC 8446 4.4.2): the entries in served order, the leaf's OCSP response and SCTs. */
function parseCertificate(body: Buffer): ParsedCertificate {
  let at = 1 + body.readUInt8(0);
  const end = Math.min(body.length, at + 3 + body.readUIntBE(at, 3)); at += 3;
  const result: ParsedCertificate = { chain: [], cut: false, ocspStapled: false, sctCount: 0 };
  let first = true;
  while (at + 3 <= end) {
    const length = body.readUIntBE(at, 3);
    if (length === 0 || at + 3 + length > end) throw new Fail('malformed CertificateEntry');
    const der = body.subarray(at + 3, at + 3 + length);
    at += 3 + length;
    const extEnd = at + 2 + body.readUInt16BE(at); at += 2;
    while (at + 4 <= extEnd) {
      const type = body.readUInt16BE(at);
      const data = body.subarray(at + 4, at + 4 + body.readUInt16BE(at + 2));
      at += 4 + data.length;
      if (first && type === 5) result.ocspStapled = data[0] === 1 && data.length > 4;
      if (first && type === 18 && data.length >= 2) result.sctCount = countScts(data);
    }
    at = extEnd;
    first = false;
    if (result.chain.length < MAX_SERVED_CHAIN) result.chain.push(Buffer.from(der));
    else result.cut = true;
  }
  return result;
}

function countScts(data: Buffer): number {
  let count = 0;
  const end = Math.min(data.length, 2 + data.readUInt16BE(0));
  for (let at = 2; at + 2 <= end; at += 2 + data.readUInt16BE(at)) count++;
  return count;
}

const alertText = (fragment: Buffer): string => `alert ${fragment[1] ?? '?'} (${ALERT_NAMES[fragment[1] ?? -1] ?? 'unknown'})`;

async function handshake(socket: net.Socket, reader: RecordReader, sni: string | null, options: Tls13ChainOptions): Promise<Tls13Chain> {
  const suites = (options.suites ?? ENGINE_SUITES).filter((s) => suiteCrypto(s) !== undefined);
  if (suites.length === 0) throw new Fail('the server accepts no TLS 1.3 suite the engine implements');
  const random = randomBytes(32);
  const sessionId = randomBytes(32);
  const signatureAlgorithms = options.keyType ? SIGALGS[options.keyType] : undefined;
  const helloFor = (shares: KeyShare[], cookie: Buffer | null): Buffer => buildClientHello({
    version: 0x0304, suites, sni, groups: engineGroups(), random, sessionId, requestScts: true,
    keyShareBytes: shares.map((s) => ({ group: s.group, bytes: s.publicBytes })),
    ...(cookie ? { cookie } : {}), ...(signatureAlgorithms ? { signatureAlgorithms } : {}),
  });
  let shares = [makeKeyShare(29), makeKeyShare(23)].filter((s): s is KeyShare => s !== undefined);
  const first = helloFor(shares, null);
  socket.write(first);
  const plain = new HandshakeBuffer();
  const readPlain = async (): Promise<{ type: number; body: Buffer; raw: Buffer }> => {
    while (true) {
      const message = plain.next(1 << 16);
      if (message) return message;
      const record = await reader.record();
      if (record.type === 21) throw new Fail(alertText(record.fragment), record.fragment[1] ?? null);
      if (record.type === 20) continue;
      if (record.type !== 22) throw new Fail(`record type ${record.type} before the ServerHello`);
      plain.push(record.fragment);
    }
  };
  let message = await readPlain();
  if (message.type !== 2) throw new Fail(`handshake type ${message.type} instead of ServerHello`);
  let hello = parseServerHello(message.body);
  let transcript: Buffer[] = [first.subarray(5)];
  if (hello.retry) {
    const share = hello.group === null ? undefined : makeKeyShare(hello.group);
    if (!share) throw new Fail(`the server asks for group 0x${(hello.group ?? 0).toString(16)}, which the engine does not implement`);
    const crypto = suiteCrypto(hello.suite);
    if (!crypto) throw new Fail(`HelloRetryRequest names suite 0x${hello.suite.toString(16)} that was not offered`);
    // RFC 8446 4.4.1: the first ClientHello is replaced by a synthetic message_hash message.
    const digest = transcriptHash(crypto.hash, transcript);
    transcript = [Buffer.concat([Buffer.from([254, 0, 0, digest.length]), digest]), message.raw];
    shares = [share];
    const second = helloFor(shares, hello.cookie);
    transcript.push(second.subarray(5));
    socket.write(second);
    message = await readPlain();
    if (message.type !== 2) throw new Fail(`handshake type ${message.type} instead of ServerHello`);
    hello = parseServerHello(message.body);
    if (hello.retry) throw new Fail('a second HelloRetryRequest');
  }
  if (hello.version !== 0x0304) throw new Fail(`server answered with version 0x${hello.version.toString(16)}`);
  const suite = suiteCrypto(hello.suite);
  if (!suite || !suites.includes(hello.suite)) throw new Fail(`server chose suite 0x${hello.suite.toString(16)} that was not offered`);
  const share = shares.find((s) => s.group === hello.group);
  if (!share || !hello.share) throw new Fail(`server key share for group 0x${(hello.group ?? 0).toString(16)} that was not sent`);
  transcript.push(message.raw);
  let secret: Buffer;
  try { secret = share.agree(hello.share); } catch (error) { throw new Fail(`unusable server key share: ${(error as Error).message}`); }
  const keys = serverHandshakeKeys(suite, secret, transcriptHash(suite.hash, transcript));
  const parsed = await readEncrypted(reader, suite, keys);
  return { ...parsed, protocol: 'TLSv1.3', suite: hello.suite, group: share.group };
}

/** Decrypts the server's flight until its Certificate message. */
async function readEncrypted(reader: RecordReader, suite: SuiteCrypto, keys: TrafficKeys): Promise<ParsedCertificate> {
  const messages = new HandshakeBuffer();
  let sequence = 0n;
  while (true) {
    for (let m = messages.next(MAX_HANDSHAKE_MESSAGE); m; m = messages.next(MAX_HANDSHAKE_MESSAGE)) {
      if (m.type === 11) return parseCertificate(m.body);
      if (m.type === 15 || m.type === 20) throw new Fail('the server sent no Certificate message');
    }
    const record = await reader.record();
    if (record.type === 20) continue;
    if (record.type === 21) throw new Fail(alertText(record.fragment), record.fragment[1] ?? null);
    if (record.type !== 23) throw new Fail(`cleartext record type ${record.type} after the ServerHello`);
    let inner: { type: number; content: Buffer };
    try { inner = openRecord(suite, keys, sequence, record.header, record.fragment); } catch (error) {
      throw new Fail(`could not decrypt the server's handshake flight: ${(error as Error).message}`);
    }
    sequence += 1n;
    if (inner.type === 21) throw new Fail(alertText(inner.content), inner.content[1] ?? null);
    if (inner.type !== 22) throw new Fail(`inner content type ${inner.type} before the Certificate message`);
    messages.push(inner.content);
  }
}

/** Handshakes with TLS 1.3 and returns the peer chain as served, or the reason it could not. */
export function fetchTls13Chain(dial: Dial, sni: string | null, counter: ConnectionCounter, options: Tls13ChainOptions = {}): Promise<Tls13Chain | Tls13Failure> {
  counter.count += 1;
  return new Promise((resolve) => {
    const socket = net.connect({ host: dial.host, port: dial.port });
    socket.setNoDelay(true);
    const reader = new RecordReader(socket);
    let settled = false;
    const finish = (result: Tls13Chain | Tls13Failure): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => {
      reader.stop(`TLS 1.3 handshake did not reach the Certificate message within ${dial.timeoutMs} ms`);
      finish({ error: `TLS 1.3 handshake did not reach the Certificate message within ${dial.timeoutMs} ms`, alert: null });
    }, dial.timeoutMs);
    let connected = false;
    socket.once('connect', () => {
      connected = true;
      handshake(socket, reader, sni, options).then(finish, (error: unknown) => {
        if (error instanceof Fail) finish({ error: `TLS 1.3 handshake failed: ${error.message}`, alert: error.alert });
        // Reads past the end of a message (RangeError) are a malformed peer, not an engine fault.
        else finish({ error: `TLS 1.3 handshake failed: malformed server message (${(error as Error).message})`, alert: null });
      });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => { if (!connected) finish({ error: `TCP connect to ${dial.host}:${dial.port} failed: ${error.code ?? error.message}`, alert: null }); });
  });
}
