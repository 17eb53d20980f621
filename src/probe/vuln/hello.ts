/** ClientHellos and client records for the vulnerability checks (TLS 1.0-1.2 and SSLv3; TLS 1.3 has none of these flaws). */
import { randomBytes } from 'node:crypto';
import { LEGACY_EC_GROUPS, SIGNATURE_ALGORITHMS } from '../wire.ts';

export interface VulnHelloSpec {
  version: number;
  suites: readonly number[];
  sni: string | null;
  /** Compression methods offered, in order (default: null only). */
  compression?: readonly number[];
  /** Send the empty renegotiation_info extension (RFC 5746) - default true. */
  renegotiationInfo?: boolean;
  /** Advertise the heartbeat extension (RFC 6520, peer_allowed_to_send). */
  heartbeat?: boolean;
}

const u16 = (n: number): Buffer => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const vec16 = (b: Buffer): Buffer => Buffer.concat([u16(b.length), b]);
const ext = (type: number, body: Buffer): Buffer => Buffer.concat([u16(type), vec16(body)]);


/** One handshake record carrying a ClientHello. */
export function buildVulnHello(spec: VulnHelloSpec): Buffer {
  const exts: Buffer[] = [];
  if (spec.version >= 0x0301) {
    if (spec.sni !== null) {
      const name = Buffer.from(spec.sni, 'ascii');
      exts.push(ext(0, vec16(Buffer.concat([Buffer.from([0]), vec16(name)]))));
    }
    exts.push(ext(10, vec16(Buffer.concat(LEGACY_EC_GROUPS.map(u16)))));
    exts.push(ext(11, Buffer.from([1, 0])));
    if (spec.version >= 0x0303) exts.push(ext(13, vec16(Buffer.concat(SIGNATURE_ALGORITHMS.map(u16)))));
    if (spec.renegotiationInfo !== false) exts.push(ext(0xff01, Buffer.from([0])));
    if (spec.heartbeat) exts.push(ext(15, Buffer.from([1])));
  }
  const compression = spec.compression ?? [0];
  const body = Buffer.concat([
    u16(spec.version),
    randomBytes(32),
    Buffer.from([0]),
    // SSLv3 has no extensions: it signals secure renegotiation with the SCSV instead (RFC 5746 3.3).
    vec16(Buffer.concat((spec.version === 0x0300 ? [...spec.suites, 0x00ff] : spec.suites).map(u16))),
    Buffer.from([compression.length, ...compression]),
    exts.length > 0 ? vec16(Buffer.concat(exts)) : Buffer.alloc(0),
  ]);
  const handshake = Buffer.concat([Buffer.from([1, (body.length >> 16) & 0xff, (body.length >> 8) & 0xff, body.length & 0xff]), body]);
  return record(22, spec.version === 0x0300 ? 0x0300 : 0x0301, handshake);
}

/** One TLS record. */
export function record(type: number, version: number, fragment: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), u16(version), vec16(fragment)]);
}

/** A handshake message (type + 24-bit length + body). */
export function handshakeMessage(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type, (body.length >> 16) & 0xff, (body.length >> 8) & 0xff, body.length & 0xff]), body]);
}

/** The ChangeCipherSpec record. */
export const changeCipherSpec = (version: number): Buffer => record(20, version, Buffer.from([1]));
