/**
 * Hand-built hellos and a parser for the server's first flight. Node's OpenSSL cannot offer SSLv2,
 * SSLv3 or the legacy suites, so the probe speaks the handshake's cleartext part itself and never
 * does client-side crypto: it stops at ServerHelloDone (TLS <= 1.2) or at the ServerHello (TLS 1.3).
 */
import { randomBytes } from 'node:crypto';
import { groups, type CatalogueGroup } from '../catalogue/tls.ts';
import { endsHandshake } from './alerts.ts';

export type WireVersion = 0x0300 | 0x0301 | 0x0302 | 0x0303 | 0x0304;

/** The catalogue's groups that match, most preferred first, then the rest in code order. */
function offerOrder(preferred: readonly number[], match: (g: CatalogueGroup) => boolean): readonly number[] {
  const all = groups().filter(match).map((g) => parseInt(g.code, 16));
  return [...preferred.filter((c) => all.includes(c)), ...all.filter((c) => !preferred.includes(c))];
}
/** Offer order of every TLS 1.3 group in the catalogue: the ML-KEM hybrids first, as ELB policies prefer them. */
export const TLS13_GROUPS: readonly number[] = offerOrder([0x11ec, 0x11eb, 0x11ed, 29, 23, 24, 25, 30], (g) => g.tls13);
/** Offer order of every TLS <= 1.2 ECDHE curve in the catalogue, without ffdhe groups, as legacy clients send it (the server then picks its own DH group). */
export const LEGACY_EC_GROUPS: readonly number[] = offerOrder([29, 23, 24, 25, 30, 26, 27, 28, 22, 21, 19], (g) => g.tls12 && g.kind === 'ec');
/** The same, then the RFC 7919 ffdhe groups, as a modern client sends it. */
export const LEGACY_GROUPS: readonly number[] = [...LEGACY_EC_GROUPS, ...offerOrder([], (g) => g.tls12 && g.kind === 'ffdhe')];

/** Every signature scheme a server may sign with (ECDSA, EdDSA, RSA-PSS, RSA, DSA; SHA-2 and SHA-1), so no certificate type is refused for want of one. */
export const SIGNATURE_ALGORITHMS: readonly number[] = [
  0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b,
  0x0401, 0x0501, 0x0601, 0x0303, 0x0203, 0x0301, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202,
];
/** TLS 1.3 HelloRetryRequest is a ServerHello with this fixed random (RFC 8446 4.1.3). */
export const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');
/** Largest legal TLSCiphertext is 2^14 + 2048; anything larger is a hostile or broken peer. */
export const MAX_RECORD = 16384 + 2048;
/** A handshake message (in practice the Certificate message) larger than this is a hostile peer, not a chain: every protocol. */
export const MAX_HANDSHAKE_MESSAGE = 1 << 20;
/** Warning alerts tolerated before a flight ends (real servers send one at most); a flood is a hostile peer. */
const MAX_WARNINGS = 32;
/** Beyond any real deployment (the x509 analysis caps chains at 16): a longer chain is kept this long and noted as cut, every protocol. */
export const MAX_SERVED_CHAIN = 64;

export interface HelloSpec {
  version: WireVersion;
  suites: readonly number[];
  sni: string | null;
  groups: readonly number[];
  /** TLS 1.3 only: groups to send a (random) key share for; empty asks for a HelloRetryRequest. */
  keyShares?: readonly number[];
  /** TLS 1.3 engine: real key shares (replace keyShares), the same random and session id for a second hello, an HRR cookie. */
  keyShareBytes?: readonly { group: number; bytes: Buffer }[];
  random?: Buffer;
  sessionId?: Buffer;
  cookie?: Buffer;
  /** Overrides the signature_algorithms list (to ask for an RSA or an ECDSA certificate). */
  signatureAlgorithms?: readonly number[];
  /** Ask for signed certificate timestamps (extension 18). */
  requestScts?: boolean;
}

const u8 = (n: number): Buffer => Buffer.from([n & 0xff]);
const u16 = (n: number): Buffer => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u24 = (n: number): Buffer => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
const vec16 = (b: Buffer): Buffer => Buffer.concat([u16(b.length), b]);
const list16 = (xs: readonly number[]): Buffer => vec16(Buffer.concat(xs.map(u16)));
const ext = (type: number, body: Buffer): Buffer => Buffer.concat([u16(type), vec16(body)]);

/** Key share sizes for random shares (servers accept random X25519 bytes; others may alert, which the caller handles). */
const SHARE_SIZE: Record<number, number> = { 29: 32, 30: 56, 23: 65, 24: 97, 25: 133, 0x11ec: 1216, 0x11eb: 1249, 0x11ed: 1665 };

/** Builds one TLS record carrying a ClientHello (SSLv3 through TLS 1.3). */
export function buildClientHello(spec: HelloSpec): Buffer {
  const tls13 = spec.version === 0x0304;
  const exts: Buffer[] = [];
  if (spec.version >= 0x0301) {
    if (spec.sni !== null) {
      const name = Buffer.from(spec.sni, 'ascii');
      exts.push(ext(0, vec16(Buffer.concat([u8(0), vec16(name)]))));
    }
    exts.push(ext(10, list16(spec.groups)));
    exts.push(ext(11, Buffer.from([1, 0])));
    if (spec.version >= 0x0303) exts.push(ext(13, list16(spec.signatureAlgorithms ?? SIGNATURE_ALGORITHMS)));
    if (spec.requestScts) exts.push(ext(18, Buffer.alloc(0)));
    exts.push(ext(5, Buffer.from([1, 0, 0, 0, 0])));
    exts.push(ext(0xff01, Buffer.from([0])));
    exts.push(ext(23, Buffer.alloc(0)));
    if (tls13) {
      exts.push(ext(43, Buffer.concat([u8(2), u16(0x0304)])));
      exts.push(ext(45, Buffer.from([1, 1])));
      const shares = spec.keyShareBytes
        ? spec.keyShareBytes.map((s) => Buffer.concat([u16(s.group), vec16(s.bytes)]))
        : (spec.keyShares ?? []).map((g) => Buffer.concat([u16(g), vec16(randomBytes(SHARE_SIZE[g] ?? 32))]));
      exts.push(ext(51, vec16(Buffer.concat(shares))));
      if (spec.cookie) exts.push(ext(44, vec16(spec.cookie)));
    }
  }
  // SSLv3 servers predate extensions; signal secure renegotiation with the SCSV instead.
  const suites = spec.version === 0x0300 ? [...spec.suites, 0x00ff] : spec.suites;
  const body = Buffer.concat([
    u16(tls13 ? 0x0303 : spec.version),
    spec.random ?? randomBytes(32),
    tls13 ? Buffer.concat([u8(32), spec.sessionId ?? randomBytes(32)]) : u8(0),
    list16(suites),
    Buffer.from([1, 0]),
    exts.length > 0 ? vec16(Buffer.concat(exts)) : Buffer.alloc(0),
  ]);
  const handshake = Buffer.concat([u8(1), u24(body.length), body]);
  return Buffer.concat([u8(0x16), u16(spec.version === 0x0300 ? 0x0300 : 0x0301), vec16(handshake)]);
}

/** Builds an SSLv2 CLIENT-HELLO offering the given 3-byte cipher specs. */
export function buildSslv2ClientHello(specs: readonly number[]): Buffer {
  const specBytes = Buffer.concat(specs.map((c) => Buffer.from([(c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff])));
  const body = Buffer.concat([u8(1), u16(0x0002), u16(specBytes.length), u16(0), u16(16), specBytes, randomBytes(16)]);
  return Buffer.concat([u16(0x8000 | body.length), body]);
}

/** What the server's first flight said, as far as the probe reads it. */
export interface ServerFlight {
  version: number;
  suite: number;
  helloRetry: boolean;
  /** Group from the TLS 1.3 key_share / HRR, or the TLS <= 1.2 ServerKeyExchange named curve. */
  group: number | null;
  /** DER certificates in the order the server sent them (TLS <= 1.2 and SSLv2 only), at most MAX_SERVED_CHAIN. */
  certificates: Buffer[];
  /** The server sent more than MAX_SERVED_CHAIN certificates; the rest were not kept. */
  certificatesCut: boolean;
  ocspStapled: boolean;
  /** Raw ServerKeyExchange body (TLS <= 1.2), decoded once the suite's key exchange is known. */
  serverKeyExchange: Buffer | null;
  /** SSLv2 only: every cipher spec the server listed. */
  sslv2Specs: number[];
  /** Warning alerts (descriptions) that came before the flight ended, which do not end it. */
  warnings: number[];
}

export type ParseResult =
  | { state: 'more' }
  | { state: 'done'; flight: ServerFlight }
  | { state: 'alert'; level: number; description: number }
  | { state: 'malformed'; detail: string };

/** Incremental parser for the server's answer; feed it every chunk until it is not 'more'. */
export class FlightParser {
  private buffer = Buffer.alloc(0);
  private handshake = Buffer.alloc(0);
  private readonly flight: ServerFlight = {
    version: 0, suite: -1, helloRetry: false, group: null, certificates: [], certificatesCut: false, ocspStapled: false, serverKeyExchange: null, sslv2Specs: [], warnings: [],
  };

  constructor(private readonly expectSslv2: boolean) {}

  /** Consumes bytes and reports whether the flight is complete. */
  feed(chunk: Buffer): ParseResult {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (true) {
      const first = this.buffer[0];
      if (first === undefined) return { state: 'more' };
      if (this.expectSslv2 && (first & 0x80) !== 0 && this.flight.version === 0) return this.parseSslv2();
      if (this.buffer.length < 5) return { state: 'more' };
      const type = first;
      const major = this.buffer[1];
      const length = this.buffer.readUInt16BE(3);
      if (type < 20 || type > 24 || major !== 3) return { state: 'malformed', detail: `not a TLS record (first bytes ${this.buffer.subarray(0, 5).toString('hex')})` };
      if (length > MAX_RECORD) return { state: 'malformed', detail: `oversized record (${length} bytes)` };
      if (this.buffer.length < 5 + length) return { state: 'more' };
      const fragment = this.buffer.subarray(5, 5 + length);
      this.buffer = this.buffer.subarray(5 + length);
      if (type === 21) {
        if (fragment.length < 2) return { state: 'malformed', detail: 'short alert' };
        if (!endsHandshake(fragment)) {
          if (this.flight.warnings.length >= MAX_WARNINGS) return { state: 'malformed', detail: `more than ${MAX_WARNINGS} warning alerts` };
          this.flight.warnings.push(fragment[1] ?? 0);
          continue;
        }
        return { state: 'alert', level: fragment[0] ?? 0, description: fragment[1] ?? 0 };
      }
      if (type !== 22) return { state: 'malformed', detail: `unexpected record type ${type} before the server's first flight ended` };
      this.handshake = Buffer.concat([this.handshake, fragment]);
      const result = this.drainHandshake();
      if (result.state !== 'more') return result;
    }
  }

  private drainHandshake(): ParseResult {
    while (this.handshake.length >= 4) {
      const type = this.handshake[0] ?? 0;
      const length = this.handshake.readUIntBE(1, 3);
      if (length > MAX_HANDSHAKE_MESSAGE) return { state: 'malformed', detail: `handshake message of ${length} bytes` };
      if (this.handshake.length < 4 + length) return { state: 'more' };
      const body = this.handshake.subarray(4, 4 + length);
      this.handshake = this.handshake.subarray(4 + length);
      try {
        if (type === 2) {
          this.parseServerHello(body);
          if (this.flight.version === 0x0304 || this.flight.helloRetry) return { state: 'done', flight: this.flight };
        } else if (this.flight.version === 0) {
          return { state: 'malformed', detail: `handshake type ${type} before ServerHello` };
        } else if (type === 11) {
          const all = parseCertificateList(body);
          this.flight.certificatesCut = all.length > MAX_SERVED_CHAIN;
          this.flight.certificates = all.slice(0, MAX_SERVED_CHAIN);
        } else if (type === 22) {
          this.flight.ocspStapled = body[0] === 1 && body.length > 4;
        } else if (type === 12) {
          this.flight.serverKeyExchange = Buffer.from(body);
        } else if (type === 14) {
          return { state: 'done', flight: this.flight };
        }
      } catch (error) {
        return { state: 'malformed', detail: `bad handshake message ${type}: ${(error as Error).message}` };
      }
    }
    return { state: 'more' };
  }

  private parseServerHello(body: Buffer): void {
    let at = 0;
    this.flight.version = body.readUInt16BE(at); at += 2;
    this.flight.helloRetry = body.subarray(at, at + 32).equals(HRR_RANDOM); at += 32;
    const sidLength = body.readUInt8(at); at += 1 + sidLength;
    this.flight.suite = body.readUInt16BE(at); at += 2;
    at += 1; // compression method
    if (at + 2 > body.length) return;
    const end = at + 2 + body.readUInt16BE(at); at += 2;
    while (at + 4 <= end) {
      const type = body.readUInt16BE(at);
      const length = body.readUInt16BE(at + 2);
      const data = body.subarray(at + 4, at + 4 + length);
      at += 4 + length;
      if (type === 43 && data.length >= 2) this.flight.version = data.readUInt16BE(0);
      if (type === 51 && data.length >= 2) this.flight.group = data.readUInt16BE(0);
    }
  }

  private parseSslv2(): ParseResult {
    const b = this.buffer;
    if (b.length < 2) return { state: 'more' };
    const length = (((b[0] ?? 0) & 0x7f) << 8) | (b[1] ?? 0);
    if (b.length < 2 + length) return { state: 'more' };
    const msg = b.subarray(2, 2 + length);
    if (msg[0] !== 4 || msg.length < 11) return { state: 'malformed', detail: `SSLv2 message type ${msg[0]} instead of SERVER-HELLO` };
    const version = msg.readUInt16BE(3);
    const certLength = msg.readUInt16BE(5);
    const specLength = msg.readUInt16BE(7);
    if (11 + certLength + specLength > msg.length) return { state: 'malformed', detail: 'truncated SSLv2 SERVER-HELLO' };
    const specs = msg.subarray(11 + certLength, 11 + certLength + specLength);
    this.flight.version = version === 2 ? 0x0002 : version;
    this.flight.certificates = certLength > 0 ? [Buffer.from(msg.subarray(11, 11 + certLength))] : [];
    for (let i = 0; i + 3 <= specs.length; i += 3) this.flight.sslv2Specs.push(specs.readUIntBE(i, 3));
    return { state: 'done', flight: this.flight };
  }
}

function parseCertificateList(body: Buffer): Buffer[] {
  const certificates: Buffer[] = [];
  const end = 3 + body.readUIntBE(0, 3);
  let at = 3;
  while (at + 3 <= end) {
    const length = body.readUIntBE(at, 3);
    certificates.push(Buffer.from(body.subarray(at + 3, at + 3 + length)));
    at += 3 + length;
  }
  return certificates;
}

/**
 * Reads the named curve or the DH prime size out of a ServerKeyExchange. PSK key exchanges put the
 * server's psk_identity_hint first (RFC 4279 2, RFC 5489 2). A length that runs past the message is
 * an error, never a size read from what is there.
 */
export function decodeServerKeyExchange(ske: Buffer, dhe: boolean, pskHint = false): { group: number | null; dhBits: number | null } {
  let at = 0;
  if (pskHint) {
    if (ske.length < 2) throw new Error('ServerKeyExchange too short for its psk_identity_hint');
    at = 2 + ske.readUInt16BE(0);
  }
  if (dhe) {
    if (ske.length < at + 2) throw new Error('ServerKeyExchange too short for its DH prime');
    const pLength = ske.readUInt16BE(at);
    if (pLength === 0 || ske.length < at + 2 + pLength) throw new Error(`DH prime of ${pLength} bytes runs past the ServerKeyExchange`);
    let p = ske.subarray(at + 2, at + 2 + pLength);
    while (p.length > 0 && p[0] === 0) p = p.subarray(1);
    if (p.length === 0) throw new Error('DH prime is zero');
    const top = p[0] ?? 0;
    return { group: null, dhBits: (p.length - 1) * 8 + (32 - Math.clz32(top)) };
  }
  if (ske[at] === 3 && ske.length >= at + 3) return { group: ske.readUInt16BE(at + 1), dhBits: null };
  return { group: null, dhBits: null };
}
