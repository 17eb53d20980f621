/**
 * A raw TLS conversation for the vulnerability checks: unlike sendHello, it stays open after the
 * server's first flight so a check can send what comes next (an early ChangeCipherSpec, a heartbeat,
 * a ClientKeyExchange) and classify what the server does with it. Every wait is bounded.
 */
import net from 'node:net';
import type { ConnectionCounter, Dial } from '../connection.ts';
import { endsHandshake } from '../alerts.ts';
import { MAX_HANDSHAKE_MESSAGE, MAX_RECORD } from '../wire.ts';

/** Records one conversation keeps; more is a peer streaming at the probe. */
const MAX_RECORDS = 256;

const isEndingAlert = (r: TlsRecord): boolean => r.type === 21 && r.fragment.length >= 2 && endsHandshake(r.fragment);

export interface TlsRecord {
  type: number;
  version: number;
  fragment: Buffer;
}

/** How a wait ended: the predicate matched, or the peer went quiet, hung up or misbehaved. */
export type WaitEnd = 'matched' | 'timeout' | 'closed' | 'reset' | 'malformed' | 'unreachable';

export interface ServerHelloInfo {
  version: number;
  suite: number;
  compression: number;
  /** Extension type to body, as the server sent them. */
  extensions: Map<number, Buffer>;
}

/** One open connection with a record reader; records arrive in `records`, handshake messages in `handshakes`. */
export class RawSession {
  readonly records: TlsRecord[] = [];
  readonly handshakes: { type: number; body: Buffer }[] = [];
  private buffer = Buffer.alloc(0);
  private handshakeBuffer = Buffer.alloc(0);
  private ended: WaitEnd | null = null;
  private wake: (() => void) | null = null;
  private readonly socket: net.Socket;
  private readonly connected: Promise<boolean>;

  constructor(private readonly dial: Dial, counter: ConnectionCounter) {
    counter.count += 1;
    this.socket = net.connect({ host: dial.host, port: dial.port });
    this.socket.setNoDelay(true);
    this.connected = new Promise((resolve) => {
      const timer = setTimeout(() => { this.finish('unreachable'); resolve(false); }, dial.timeoutMs);
      this.socket.once('connect', () => { clearTimeout(timer); resolve(true); });
      this.socket.once('error', () => { clearTimeout(timer); resolve(false); });
    });
    this.socket.on('data', (chunk: Buffer) => this.feed(chunk));
    this.socket.on('error', (error: NodeJS.ErrnoException) => this.finish(error.code === 'ECONNRESET' || error.code === 'EPIPE' ? 'reset' : 'unreachable'));
    this.socket.on('close', () => this.finish('closed'));
  }

  /** Connects and sends the bytes; false when TCP did not come up. */
  async open(first: Buffer): Promise<boolean> {
    if (!(await this.connected)) return false;
    this.socket.write(first);
    return true;
  }

  /** Sends more bytes; false when the connection is already gone. */
  send(bytes: Buffer): boolean {
    if (this.ended !== null && this.ended !== 'timeout') return false;
    this.socket.write(bytes);
    return true;
  }

  /** The end state if the peer already hung up or misbehaved, else null. */
  get gone(): WaitEnd | null {
    return this.ended;
  }

  /** Waits until the predicate holds over what arrived, the peer ends, or waitMs passes (capped by the dial timeout). */
  async waitFor(predicate: () => boolean, waitMs = this.dial.timeoutMs): Promise<WaitEnd> {
    const until = Date.now() + Math.min(waitMs, this.dial.timeoutMs);
    while (true) {
      if (predicate()) return 'matched';
      if (this.ended !== null) return this.ended;
      const left = until - Date.now();
      if (left <= 0) return 'timeout';
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { this.wake = null; resolve(); }, left);
        this.wake = () => { clearTimeout(timer); this.wake = null; resolve(); };
      });
    }
  }

  /** Reads the ClientHello's answer up to ServerHelloDone (or the first alert); null when none came. */
  async serverHello(): Promise<{ hello: ServerHelloInfo | null; end: WaitEnd }> {
    const end = await this.waitFor(() => this.handshakes.some((h) => h.type === 14) || this.alert() !== null);
    const raw = this.handshakes.find((h) => h.type === 2);
    return { hello: raw && end === 'matched' && this.alert() === null ? parseServerHello(raw.body) : null, end };
  }

  /** The first alert's description that ends the handshake (fatal, or close_notify), or null: warnings do not. */
  alert(): number | null {
    const record = this.records.find(isEndingAlert);
    return record ? record.fragment[1] ?? null : null;
  }

  /** Alerts that end the handshake received after the first `skip` records. */
  alertsAfter(skip: number): number[] {
    return this.records.slice(skip).filter(isEndingAlert).map((r) => r.fragment[1] ?? 0);
  }

  close(): void {
    this.finish('closed');
    this.socket.removeAllListeners('data');
    this.socket.on('error', () => undefined);
    this.socket.destroy();
  }

  private finish(end: WaitEnd): void {
    if (this.ended === null) this.ended = end;
    this.wake?.();
  }

  private feed(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 5) {
      const type = this.buffer[0] ?? 0;
      const length = this.buffer.readUInt16BE(3);
      if (type < 20 || type > 24 || this.buffer[1] !== 3 || length > MAX_RECORD) {
        this.finish('malformed');
        break;
      }
      if (this.buffer.length < 5 + length) break;
      const fragment = Buffer.from(this.buffer.subarray(5, 5 + length));
      // A check reads a handful of records; a peer that streams them is hostile, not slow.
      if (this.records.length >= MAX_RECORDS) { this.finish('malformed'); break; }
      this.records.push({ type, version: this.buffer.readUInt16BE(1), fragment });
      this.buffer = this.buffer.subarray(5 + length);
      if (type === 22 && !this.records.some((r) => r.type === 20)) this.feedHandshake(fragment);
    }
    this.wake?.();
  }

  private feedHandshake(fragment: Buffer): void {
    this.handshakeBuffer = Buffer.concat([this.handshakeBuffer, fragment]);
    while (this.handshakeBuffer.length >= 4) {
      const length = this.handshakeBuffer.readUIntBE(1, 3);
      if (length > MAX_HANDSHAKE_MESSAGE) { this.finish('malformed'); return; }
      if (this.handshakeBuffer.length < 4 + length) return;
      this.handshakes.push({ type: this.handshakeBuffer[0] ?? 0, body: Buffer.from(this.handshakeBuffer.subarray(4, 4 + length)) });
      this.handshakeBuffer = this.handshakeBuffer.subarray(4 + length);
    }
  }
}

/** Version, suite, compression method and extensions of a TLS <= 1.2 ServerHello; null when it does not parse. */
export function parseServerHello(body: Buffer): ServerHelloInfo | null {
  try {
    let at = 0;
    const version = body.readUInt16BE(at); at += 2 + 32;
    at += 1 + body.readUInt8(at);
    const suite = body.readUInt16BE(at); at += 2;
    const compression = body.readUInt8(at); at += 1;
    const extensions = new Map<number, Buffer>();
    if (at + 2 <= body.length) {
      const end = Math.min(body.length, at + 2 + body.readUInt16BE(at)); at += 2;
      while (at + 4 <= end) {
        const type = body.readUInt16BE(at);
        const length = body.readUInt16BE(at + 2);
        extensions.set(type, Buffer.from(body.subarray(at + 4, at + 4 + length)));
        at += 4 + length;
      }
    }
    return { version, suite, compression, extensions };
  } catch {
    return null;
  }
}
