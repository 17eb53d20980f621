/**
 * Checks answered by one raw hello and what the server does next: RFC 5746 secure renegotiation,
 * TLS compression (CRIME), TLS_FALLBACK_SCSV, Heartbleed and CCS injection (CVE-2014-0224).
 * The probe never completes these handshakes; it reads the cleartext answers only.
 */
import type { VulnerabilityResult } from '../../model/snapshot.ts';
import type { ConnectionCounter, Dial } from '../connection.ts';
import { ALERT_NAMES } from '../alerts.ts';
import { buildVulnHello, changeCipherSpec, record, type VulnHelloSpec } from './hello.ts';
import { RawSession, type ServerHelloInfo, type WaitEnd } from './session.ts';

/** Where and how to say hello: the best legacy protocol the endpoint accepted and its accepted suites. */
export interface LegacyTarget {
  dial: () => Dial;
  counter: ConnectionCounter;
  sni: string | null;
  version: number;
  protocol: string;
  suites: readonly number[];
}

const vulnerable = (detail: string): VulnerabilityResult => ({ status: 'vulnerable', detail });
const safe = (detail: string): VulnerabilityResult => ({ status: 'not-vulnerable', detail });
const unknown = (detail: string): VulnerabilityResult => ({ status: 'unknown', detail });

const alertName = (n: number): string => `${ALERT_NAMES[n] ?? 'alert'} (${n})`;

function describeEnd(session: RawSession, end: WaitEnd): string {
  const alert = session.alert();
  if (alert !== null) return `alert ${alertName(alert)}`;
  if (end === 'timeout') return 'no answer before the timeout';
  if (end === 'unreachable') return 'TCP connect failed';
  return end === 'malformed' ? 'an answer that is not TLS' : `connection ${end}`;
}

/** Says hello with the spec's changes, hands the ServerHello (or why none came) to `then`, always hangs up. */
async function withHello<T>(target: LegacyTarget, spec: Partial<VulnHelloSpec>, then: (session: RawSession, hello: ServerHelloInfo | null, end: WaitEnd) => Promise<T>): Promise<T> {
  const session = new RawSession(target.dial(), target.counter);
  try {
    const hello = buildVulnHello({ version: target.version, suites: target.suites, sni: target.sni, ...spec });
    if (!(await session.open(hello))) return await then(session, null, 'unreachable');
    const answer = await session.serverHello();
    return await then(session, answer.hello, answer.end);
  } finally {
    session.close();
  }
}

/** RFC 5746: a server that does not echo renegotiation_info cannot tell a renegotiation from a spliced-in handshake. */
export function checkSecureRenegotiation(target: LegacyTarget): Promise<VulnerabilityResult> {
  return withHello(target, {}, async (session, hello, end) => {
    if (!hello) return unknown(`${target.protocol} hello with renegotiation_info got ${describeEnd(session, end)}`);
    return hello.extensions.has(0xff01)
      ? safe(`${target.protocol} ServerHello carries renegotiation_info (RFC 5746 secure renegotiation)`)
      : vulnerable(`${target.protocol} ServerHello has no renegotiation_info: the server does not support RFC 5746 secure renegotiation`);
  });
}

/** CRIME: offer DEFLATE before null and see which the server picks. */
export function checkCompression(target: LegacyTarget): Promise<VulnerabilityResult> {
  return withHello(target, { compression: [1, 0] }, async (session, hello, end) => {
    if (!hello) return unknown(`${target.protocol} hello offering DEFLATE compression got ${describeEnd(session, end)}`);
    if (hello.compression === 0) return safe(`offered DEFLATE and null compression over ${target.protocol}; the server chose null`);
    return vulnerable(`offered DEFLATE and null compression over ${target.protocol}; the server chose ${hello.compression === 1 ? 'DEFLATE' : `method ${hello.compression}`} (CRIME)`);
  });
}

/** RFC 7507: a hello below the server's best version that carries TLS_FALLBACK_SCSV must be refused with inappropriate_fallback. */
export function checkFallbackScsv(target: LegacyTarget, best: string): Promise<VulnerabilityResult> {
  return withHello(target, { suites: [...target.suites, 0x5600] }, async (session, hello, end) => {
    if (hello) return vulnerable(`accepted a ${target.protocol} hello carrying TLS_FALLBACK_SCSV although it serves ${best}: downgrade attacks are not stopped`);
    if (session.alert() === 86) return safe(`a ${target.protocol} hello carrying TLS_FALLBACK_SCSV got inappropriate_fallback (the server serves ${best})`);
    return unknown(`a ${target.protocol} hello carrying TLS_FALLBACK_SCSV got ${describeEnd(session, end)} instead of a ServerHello or inappropriate_fallback`);
  });
}

/** Heartbleed: advertise heartbeats; when the server does too, ask for 16384 bytes while sending none. */
export function checkHeartbleed(target: LegacyTarget): Promise<VulnerabilityResult> {
  return withHello(target, { heartbeat: true }, async (session, hello, end) => {
    if (!hello) return unknown(`${target.protocol} hello with the heartbeat extension got ${describeEnd(session, end)}`);
    if (!hello.extensions.has(15)) return safe('the server does not advertise the heartbeat extension');
    const before = session.records.length;
    // HeartbeatRequest claiming a 16384-byte payload, with no payload at all.
    if (!session.send(record(24, target.version, Buffer.from([1, 0x40, 0x00])))) return unknown('the server hung up before the heartbeat request was sent');
    const wait = await session.waitFor(() => session.records.slice(before).some((r) => r.type === 24 || r.type === 21));
    const beat = session.records.slice(before).find((r) => r.type === 24);
    if (beat && beat.fragment.length > 3) {
      return vulnerable(`advertises heartbeats and answered a 3-byte heartbeat claiming 16384 bytes with ${beat.fragment.length} bytes of its memory (CVE-2014-0160)`);
    }
    return safe(`advertises heartbeats; an over-long heartbeat request got ${beat ? 'an empty answer' : describeEnd(session, wait)}`);
  });
}

/** CCS injection: a ChangeCipherSpec before the key exchange must be refused; a vulnerable server takes it and then fails to decrypt. */
export function checkCcsInjection(target: LegacyTarget): Promise<VulnerabilityResult> {
  return withHello(target, {}, async (session, hello, end) => {
    if (!hello) return unknown(`${target.protocol} hello got ${describeEnd(session, end)}`);
    const before = session.records.length;
    const alerts = (): number[] => session.alertsAfter(before);
    if (!session.send(changeCipherSpec(target.version))) return unknown('the server hung up before the early ChangeCipherSpec was sent');
    const first = await session.waitFor(() => alerts().length > 0, 2000);
    if (first === 'matched') return judgeCcsAlert(alerts()[0] ?? 0, 'the early ChangeCipherSpec');
    if (first !== 'timeout') return safe(`the server hung up on an early ChangeCipherSpec (${first})`);
    // Silence: it may have switched to keys from an empty master secret. A second record is then read encrypted.
    if (!session.send(changeCipherSpec(target.version))) return safe('the server hung up after an early ChangeCipherSpec');
    const second = await session.waitFor(() => alerts().length > 0);
    if (second === 'matched') return judgeCcsAlert(alerts()[0] ?? 0, 'a record after the early ChangeCipherSpec');
    if (second === 'timeout') return unknown('the server said nothing to two early ChangeCipherSpec records');
    return safe(`the server hung up after two early ChangeCipherSpec records (${second})`);
  });
}

function judgeCcsAlert(alert: number, what: string): VulnerabilityResult {
  if (alert === 10 || alert === 40) return safe(`${what} got ${alertName(alert)}`);
  if (alert === 20 || alert === 21) return vulnerable(`${what} got ${alertName(alert)}: the server accepted a ChangeCipherSpec before the key exchange (CVE-2014-0224)`);
  return unknown(`${what} got ${alertName(alert)}, neither a refusal nor a decryption failure`);
}
