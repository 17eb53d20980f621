/**
 * Protocol and cipher-suite enumeration by "offer many, remove the chosen one, repeat":
 * about one connection per accepted suite plus one per protocol, instead of one per suite.
 */
import type { TlsProtocol } from '../model/snapshot.ts';
import { sendHello, type ConnectionCounter, type Dial, type HelloOutcome } from './connection.ts';
import type { Limiter } from './limiter.ts';
import { suiteByCode, wireVersion } from '../catalogue/tls.ts';
import { offerSuites } from './offer-order.ts';
import {
  buildClientHello, buildSslv2ClientHello, decodeServerKeyExchange, LEGACY_GROUPS, TLS13_GROUPS,
  type ServerFlight, type WireVersion,
} from './wire.ts';

/** Some servers (F5, per sslyze and testssl.sh) choke on hellos offering more than this. */
export const MAX_BUNDLE = 128;
const SHORT_BUNDLE = 24;

export interface ProbeContext {
  dial: Dial;
  sni: string | null;
  limiter: Limiter;
  counter: ConnectionCounter;
  enumerateGroups: boolean;
}

/** TCP failed: the whole endpoint is unreachable, not just one offer refused. */
export class EndpointUnreachable extends Error {}

export interface RawChain {
  chain: Buffer[];
  ocspStapled: boolean;
  protocol: TlsProtocol;
}

export interface ProtocolScan {
  protocol: TlsProtocol;
  accepted: boolean;
  /** Accepted suites in the order the server chose them. */
  suites: number[];
  chains: RawChain[];
  groups: number[];
  dhBits: number | null;
  notes: string[];
  /** Why the last offer was refused (what ended the enumeration). */
  lastRefusal: string | null;
}

const versionOf = (protocol: TlsProtocol): WireVersion => wireVersion(protocol) as WireVersion;

/** Suites the catalogue knows for a protocol, in offer order. */
export function suitesFor(protocol: Exclude<TlsProtocol, 'SSLv2'>): number[] {
  return offerSuites(protocol);
}

async function offer(ctx: ProbeContext, hello: Buffer, sslv2 = false): Promise<Exclude<HelloOutcome, { kind: 'unreachable' }>> {
  const outcome = await ctx.limiter.run(() => sendHello(ctx.dial, hello, sslv2, ctx.counter));
  if (outcome.kind === 'unreachable') throw new EndpointUnreachable(outcome.detail);
  return outcome;
}

function emptyScan(protocol: TlsProtocol): ProtocolScan {
  return { protocol, accepted: false, suites: [], chains: [], groups: [], dhBits: null, notes: [], lastRefusal: null };
}

function keepChain(scan: ProtocolScan, flight: ServerFlight): void {
  if (flight.certificates.length === 0) return;
  const key = flight.certificates.map((c) => c.toString('base64')).join();
  if (scan.chains.some((c) => c.chain.map((x) => x.toString('base64')).join() === key)) return;
  scan.chains.push({ chain: flight.certificates, ocspStapled: flight.ocspStapled, protocol: scan.protocol });
}

/** SSLv2: one CLIENT-HELLO; the SERVER-HELLO lists every spec the server shares with us. */
export async function scanSslv2(ctx: ProbeContext): Promise<ProtocolScan> {
  const scan = emptyScan('SSLv2');
  const offered = offerSuites('SSLv2');
  const outcome = await offer(ctx, buildSslv2ClientHello(offered), true);
  if (outcome.kind !== 'answered') { scan.lastRefusal = `${outcome.refusal}: ${outcome.detail}`; return scan; }
  if (outcome.flight.version !== 0x0002) { scan.lastRefusal = 'answered with a non-SSLv2 hello'; return scan; }
  scan.suites = outcome.flight.sslv2Specs.filter((code) => offered.includes(code));
  scan.accepted = scan.suites.length > 0;
  keepChain(scan, outcome.flight);
  return scan;
}

/** SSLv3 to TLS 1.2: offer bundles, remove what the server picked, until it refuses. */
export async function scanLegacy(ctx: ProbeContext, protocol: 'SSLv3' | 'TLSv1.0' | 'TLSv1.1' | 'TLSv1.2'): Promise<ProtocolScan> {
  const scan = emptyScan(protocol);
  const version = versionOf(protocol);
  const all = suitesFor(protocol);
  const bundles: number[][] = [];
  for (let i = 0; i < all.length; i += MAX_BUNDLE) bundles.push(all.slice(i, i + MAX_BUNDLE));
  let first = true;
  while (bundles.length > 0) {
    const offerSet = bundles.shift() ?? [];
    while (offerSet.length > 0) {
      const outcome = await offer(ctx, buildClientHello({ version, suites: offerSet, sni: ctx.sni, groups: LEGACY_GROUPS }));
      const wasFirst = first;
      first = false;
      if (outcome.kind === 'refused') {
        scan.lastRefusal = `${outcome.refusal}: ${outcome.detail}`;
        // A server that hangs up (rather than alerting) on a long first hello may just dislike long hellos.
        if (wasFirst && (outcome.refusal === 'closed' || outcome.refusal === 'reset') && offerSet.length > SHORT_BUNDLE) {
          scan.notes.push('short-hello fallback');
          const rest = [...offerSet, ...bundles.flat()];
          bundles.length = 0;
          for (let i = 0; i < rest.length; i += SHORT_BUNDLE) bundles.push(rest.slice(i, i + SHORT_BUNDLE));
          offerSet.length = 0;
        }
        break;
      }
      if (outcome.kind !== 'answered') break;
      const flight = outcome.flight;
      if (flight.version !== version) { scan.lastRefusal = `server answered with version 0x${flight.version.toString(16)}`; break; }
      const at = offerSet.indexOf(flight.suite);
      if (at < 0) {
        scan.notes.push(`server chose suite 0x${flight.suite.toString(16)} that was not offered`);
        scan.lastRefusal = 'unoffered suite chosen';
        break;
      }
      offerSet.splice(at, 1);
      scan.suites.push(flight.suite);
      keepChain(scan, flight);
      if (flight.serverKeyExchange) {
        try {
          const kx = decodeServerKeyExchange(flight.serverKeyExchange, suiteByCode(flight.suite)?.ephemeral === 'DH');
          if (kx.group !== null && !scan.groups.includes(kx.group)) scan.groups.push(kx.group);
          if (kx.dhBits !== null) scan.dhBits = scan.dhBits === null ? kx.dhBits : Math.min(scan.dhBits, kx.dhBits);
        } catch {
          scan.notes.push('unreadable ServerKeyExchange');
        }
      }
    }
  }
  scan.accepted = scan.suites.length > 0;
  return scan;
}

/**
 * TLS 1.3: hellos without key shares make the server answer with a HelloRetryRequest naming both
 * the suite and the group it picked, so suites and groups are enumerated in the same connections.
 */
export async function scanTls13(ctx: ProbeContext): Promise<ProtocolScan> {
  const scan = emptyScan('TLSv1.3');
  const allSuites = suitesFor('TLSv1.3');
  const allGroups = [...TLS13_GROUPS];
  const suitesLeft = [...allSuites];
  const groupsLeft = [...allGroups];
  let suitesDone = false;
  let groupsDone = !ctx.enumerateGroups;
  let needShare = false;
  let ambiguous = false;
  let first = true;
  while (!(suitesDone && groupsDone)) {
    const offerSuites = suitesDone || ambiguous ? allSuites : suitesLeft;
    const offerGroups = groupsDone ? allGroups : groupsLeft;
    const keyShares = needShare ? offerGroups.filter((g) => g === 29 || g === 23).slice(0, 1) : [];
    const outcome = await offer(ctx, buildClientHello({ version: 0x0304, suites: offerSuites, sni: ctx.sni, groups: offerGroups, keyShares }));
    if (outcome.kind === 'refused') {
      scan.lastRefusal = `${outcome.refusal}: ${outcome.detail}`;
      // protocol_version is a plain "no TLS 1.3"; other alerts may be a server that insists on a key share.
      if (first && !needShare && outcome.refusal === 'alert' && outcome.alert !== 70) { needShare = true; first = false; continue; }
      first = false;
      if (!scan.accepted) break;
      if (ambiguous) { groupsDone = true; ambiguous = false; continue; }
      if (!suitesDone && !groupsDone) { ambiguous = true; continue; }
      suitesDone = true;
      groupsDone = true;
      continue;
    }
    first = false;
    if (outcome.kind !== 'answered') break;
    const flight = outcome.flight;
    if (flight.version !== 0x0304) { scan.lastRefusal = `server answered with version 0x${flight.version.toString(16)}`; break; }
    if (!offerSuites.includes(flight.suite)) {
      scan.notes.push(`server chose suite 0x${flight.suite.toString(16)} that was not offered`);
      break;
    }
    scan.accepted = true;
    if (ambiguous) { suitesDone = true; ambiguous = false; }
    if (!suitesDone) {
      suitesLeft.splice(suitesLeft.indexOf(flight.suite), 1);
      scan.suites.push(flight.suite);
      if (suitesLeft.length === 0) suitesDone = true;
    }
    if (flight.group !== null) {
      if (!scan.groups.includes(flight.group)) scan.groups.push(flight.group);
      const at = groupsLeft.indexOf(flight.group);
      if (!groupsDone && at >= 0) groupsLeft.splice(at, 1);
      if (groupsLeft.length === 0) groupsDone = true;
    }
    // Without HelloRetryRequests (server demanded a key share) the group cannot be varied cheaply.
    if (needShare) groupsDone = true;
  }
  return scan;
}

/** Offers the accepted suites reversed: a server that keeps its own order picks the same first suite again. */
export async function detectServerOrder(ctx: ProbeContext, scan: ProtocolScan): Promise<boolean | null> {
  if (scan.suites.length < 2 || scan.protocol === 'SSLv2') return null;
  const reversed = [...scan.suites].reverse();
  const version = versionOf(scan.protocol);
  const groups = version === 0x0304 ? TLS13_GROUPS : LEGACY_GROUPS;
  const outcome = await offer(ctx, buildClientHello({ version, suites: reversed, sni: ctx.sni, groups, keyShares: [] }));
  if (outcome.kind !== 'answered') return null;
  if (outcome.flight.suite === scan.suites[0]) return true;
  if (outcome.flight.suite === reversed[0]) return false;
  return null;
}

/** One hello for the certificate a name gets (TLS <= 1.2), reusing suites known to be accepted. */
export async function fetchLegacyChain(ctx: ProbeContext, scan: ProtocolScan): Promise<RawChain | null> {
  if (scan.protocol === 'SSLv2' || scan.protocol === 'TLSv1.3' || !scan.accepted) return null;
  const outcome = await offer(ctx, buildClientHello({ version: versionOf(scan.protocol), suites: scan.suites, sni: ctx.sni, groups: LEGACY_GROUPS }));
  if (outcome.kind !== 'answered' || outcome.flight.certificates.length === 0) return null;
  return { chain: outcome.flight.certificates, ocspStapled: outcome.flight.ocspStapled, protocol: scan.protocol };
}
