/**
 * Protocol and cipher-suite enumeration by "offer many, remove the chosen one, repeat":
 * about one connection per accepted suite plus one per protocol, instead of one per suite.
 */
import type { TlsProtocol } from '../model/snapshot.ts';
import { sendHello, type ConnectionCounter, type Dial, type HelloOutcome } from './connection.ts';
import type { Limiter } from './limiter.ts';
import { suiteByCode, wireVersion, type SuiteCertificate } from '../catalogue/tls.ts';
import { offerSuites } from './offer-order.ts';
import {
  buildClientHello, buildSslv2ClientHello, decodeServerKeyExchange, LEGACY_EC_GROUPS, LEGACY_GROUPS, TLS13_GROUPS,
  type ServerFlight, type WireVersion,
} from './wire.ts';

/** Some servers (F5, per sslyze and testssl.sh) choke on hellos offering more than this. */
export const MAX_BUNDLE = 128;
const SHORT_BUNDLE = 24;
/**
 * Alerts that mean "nothing offered is acceptable": the end of remove-chosen. Any other alert may say that
 * the one suite the server picked failed, not that none is left: GnuTLS answers internal_error when it picks a
 * DHE suite it has no DH group for. Such an offer is split once into its finite-field DH suites and the rest,
 * and each part tried. Once the server has accepted a suite in the protocol, a part that fails the same way is
 * halved (at most MAX_SPLITS times; past that the list is incomplete). Until then it waits. If the server
 * never accepts one, the protocol is not served: OpenSSL 3 answers a TLS 1.0 hello with internal_error when
 * its security level forbids TLS 1.0's signatures, and that costs two offers, not a search.
 */
const NOTHING_ACCEPTABLE = new Set([40, 71, 70, 86, 112]);
const MAX_SPLITS = 96;

interface EnumerationState {
  first: boolean;
  versionRefused: boolean;
  splits: number;
  /** Offers refused with an unexpected alert before any suite of the protocol was accepted, and that alert. */
  deferred: { suites: number[]; detail: string }[];
}

/** The finite-field DH suites (which a server without DH parameters cannot complete) apart from the rest; null when the offer is one or the other. */
function splitByDh(offer: number[]): number[][] | null {
  const dh = offer.filter((code) => suiteByCode(code)?.ephemeral === 'DH');
  if (dh.length === 0 || dh.length === offer.length) return null;
  return [offer.filter((code) => !dh.includes(code)), dh];
}

function halves(offer: number[]): number[][] {
  const half = Math.ceil(offer.length / 2);
  return [offer.slice(0, half), offer.slice(half)];
}

export interface ProbeContext {
  dial: Dial;
  sni: string | null;
  limiter: Limiter;
  counter: ConnectionCounter;
  enumerateGroups: boolean;
  /** performance.now() after which no new connection is started (the per-endpoint deadline). */
  deadline: number;
}

/** TCP failed: the whole endpoint is unreachable, not just one offer refused. */
export class EndpointUnreachable extends Error {}
/** The per-endpoint deadline passed: what was determined so far is kept, the rest is unknown. */
export class DeadlineExceeded extends Error {}

/** The dial for one more connection: never waits past the endpoint's deadline. */
export function dialWithin(ctx: ProbeContext): Dial {
  const left = Math.floor(ctx.deadline - performance.now());
  if (left <= 0) throw new DeadlineExceeded('per-endpoint deadline reached');
  return { ...ctx.dial, timeoutMs: Math.min(ctx.dial.timeoutMs, left) };
}

export interface RawChain {
  chain: Buffer[];
  ocspStapled: boolean;
  protocol: TlsProtocol;
  /** More than MAX_SERVED_CHAIN certificates were sent; the rest were not kept. */
  cut: boolean;
}

export interface ProtocolScan {
  protocol: TlsProtocol;
  accepted: boolean;
  /** Accepted suites in the order the server chose them. */
  suites: number[];
  chains: RawChain[];
  groups: number[];
  dhBits: number | null;
  /** DH bits when the hello also lists the RFC 7919 ffdhe groups (null: no DHE suite accepted). */
  dhBitsWithFfdhe: number | null;
  notes: string[];
  /** What this scan could not determine (field relative to the observation, reason). */
  incomplete: { field: string; reason: string }[];
  /** Why the last offer was refused (what ended the enumeration). */
  lastRefusal: string | null;
}

const versionOf = (protocol: TlsProtocol): WireVersion => wireVersion(protocol) as WireVersion;

/** Suites the catalogue knows for a protocol, in offer order. */
export function suitesFor(protocol: Exclude<TlsProtocol, 'SSLv2'>): number[] {
  return offerSuites(protocol);
}

async function offer(ctx: ProbeContext, hello: Buffer, sslv2 = false): Promise<Exclude<HelloOutcome, { kind: 'unreachable' }>> {
  const outcome = await ctx.limiter.run(async () => sendHello(dialWithin(ctx), hello, sslv2, ctx.counter));
  if (outcome.kind === 'unreachable') throw new EndpointUnreachable(outcome.detail);
  return outcome;
}

/** Lists a part of the scan as not determined, once per field (the first reason stands). */
function markIncomplete(scan: ProtocolScan, field: string, reason: string): void {
  if (!scan.incomplete.some((i) => i.field === field)) scan.incomplete.push({ field, reason });
}

/** The server answered with something that is neither a ServerHello flight nor a refusal. */
function noteUnreadable(scan: ProtocolScan, detail: string): void {
  if (scan.suites.length > 0) markIncomplete(scan, `cipherSuites.${scan.protocol}`, `an answer could not be read (${detail}); the list may be incomplete`);
  else markIncomplete(scan, `protocols.${scan.protocol}`, `the answer to a ${scan.protocol} hello could not be read (${detail}): whether it is served is not known`);
}

function emptyScan(protocol: TlsProtocol): ProtocolScan {
  return { protocol, accepted: false, suites: [], chains: [], groups: [], dhBits: null, dhBitsWithFfdhe: null, notes: [], incomplete: [], lastRefusal: null };
}

function keepChain(scan: ProtocolScan, flight: ServerFlight): void {
  if (flight.certificates.length === 0) return;
  const key = flight.certificates.map((c) => c.toString('base64')).join();
  if (scan.chains.some((c) => c.chain.map((x) => x.toString('base64')).join() === key)) return;
  scan.chains.push({ chain: flight.certificates, ocspStapled: flight.ocspStapled, protocol: scan.protocol, cut: flight.certificatesCut });
}

/** SSLv2: one CLIENT-HELLO; the SERVER-HELLO lists every spec the server shares with us. */
export async function scanSslv2(ctx: ProbeContext): Promise<ProtocolScan> {
  const scan = emptyScan('SSLv2');
  const offered = offerSuites('SSLv2');
  const outcome = await offer(ctx, buildSslv2ClientHello(offered), true);
  if (outcome.kind !== 'answered') {
    scan.lastRefusal = `${outcome.refusal}: ${outcome.detail}`;
    if (outcome.refusal === 'malformed') noteUnreadable(scan, outcome.detail);
    return scan;
  }
  if (outcome.flight.version !== 0x0002) { scan.lastRefusal = 'answered with a non-SSLv2 hello'; return scan; }
  scan.suites = outcome.flight.sslv2Specs.filter((code) => offered.includes(code));
  scan.accepted = scan.suites.length > 0;
  keepChain(scan, outcome.flight);
  return scan;
}

/**
 * Enumeration runs once per certificate class: a server holding RSA and ECDSA certificates picks the one
 * the offered suites favour (HAProxy does), so a mixed offer can hide every suite of the other class.
 * DSS and GOST share a class with the certificate-less suites (anonymous, PSK, SRP): those need no certificate,
 * so they cannot hide a DSA or GOST one, and the class costs one refusal per protocol instead of two.
 */
const CERTIFICATE_CLASSES: readonly (readonly SuiteCertificate[])[] = [['ECDSA'], ['RSA'], ['DSS', 'GOST', 'none', 'any']];

/** SSLv3 to TLS 1.2: per certificate class, offer bundles, remove what the server picked, until it refuses. */
export async function scanLegacy(ctx: ProbeContext, protocol: 'SSLv3' | 'TLSv1.0' | 'TLSv1.1' | 'TLSv1.2'): Promise<ProtocolScan> {
  const scan = emptyScan(protocol);
  const all = suitesFor(protocol);
  const state: EnumerationState = { first: true, versionRefused: false, splits: 0, deferred: [] };
  for (const cls of CERTIFICATE_CLASSES) {
    const suites = all.filter((code) => cls.includes(suiteByCode(code)?.certificate ?? 'none'));
    if (suites.length > 0) await enumerateSuites(ctx, scan, suites, state);
    // A peer that let the first offer time out (or answered it with something unreadable) will not answer the next class either.
    if (scan.suites.length === 0 && (scan.lastRefusal?.startsWith('timeout') || scan.lastRefusal?.startsWith('malformed'))) break;
    // protocol_version (or another version in the answer) refuses the protocol, not the class: no other class can succeed.
    if (scan.suites.length === 0 && state.versionRefused) break;
  }
  // Offers that failed oddly before the server accepted anything: halve them now that it has; else they stay unseen.
  while (state.deferred.length > 0 && scan.suites.length > 0) {
    const waiting = state.deferred.splice(0);
    for (const { suites } of waiting) await enumerateSuites(ctx, scan, suites, state);
  }
  if (state.deferred.length > 0) {
    // Nothing in the protocol was ever accepted: it is not served, and the answers say how it was refused.
    scan.notes.push(`every offer was answered with ${[...new Set(state.deferred.map((d) => d.detail))].join(', ')}`);
  }
  scan.accepted = scan.suites.length > 0;
  await measureFfdhe(ctx, scan);
  if (ctx.enumerateGroups && protocol === 'TLSv1.2') await enumerateLegacyGroups(ctx, scan);
  return scan;
}

/**
 * TLS 1.2 groups: the accepted ECDHE suites with the curve list, removing each group the server picks. In
 * TLS 1.2 the list also names the curves an ECDSA certificate may use (RFC 8422 5.1), so once the
 * certificate's curve is removed the server refuses; the groups already seen then go back at the end of the
 * list, where a client-order server still picks an unseen one first (a server-order server picks a seen one:
 * the rest are never negotiated with this certificate, and the enumeration is complete).
 */
async function enumerateLegacyGroups(ctx: ProbeContext, scan: ProtocolScan): Promise<void> {
  const ecdhe = scan.suites.filter((code) => suiteByCode(code)?.ephemeral === 'ECDH');
  if (ecdhe.length === 0) return;
  const left = LEGACY_EC_GROUPS.filter((g) => !scan.groups.includes(g));
  let seenAtEnd: number[] = [];
  while (left.length > 0) {
    const outcome = await offer(ctx, buildClientHello({ version: 0x0303, suites: ecdhe, sni: ctx.sni, groups: [...left, ...seenAtEnd] }));
    if (outcome.kind !== 'answered' || !outcome.flight.serverKeyExchange) {
      if (seenAtEnd.length === 0 && scan.groups.length > 0) { seenAtEnd = [...scan.groups]; continue; }
      break;
    }
    const before = scan.groups.length;
    readKeyExchange(scan, outcome.flight, 'legacy');
    const chosen = scan.groups[scan.groups.length - 1];
    if (scan.groups.length === before || chosen === undefined || !left.includes(chosen)) break;
    left.splice(left.indexOf(chosen), 1);
  }
}

async function enumerateSuites(ctx: ProbeContext, scan: ProtocolScan, suites: number[], state: EnumerationState): Promise<void> {
  const version = versionOf(scan.protocol);
  const bundles: number[][] = [];
  for (let i = 0; i < suites.length; i += MAX_BUNDLE) bundles.push(suites.slice(i, i + MAX_BUNDLE));
  while (bundles.length > 0) {
    const offerSet = bundles.shift() ?? [];
    while (offerSet.length > 0) {
      // Legacy clients list no ffdhe group, and RFC 7919 servers answer such a client with their own DH group.
      const outcome = await offer(ctx, buildClientHello({ version, suites: offerSet, sni: ctx.sni, groups: LEGACY_EC_GROUPS }));
      const wasFirst = state.first;
      state.first = false;
      if (outcome.kind === 'refused') {
        scan.lastRefusal = `${outcome.refusal}: ${outcome.detail}`;
        if (outcome.refusal === 'alert' && outcome.alert === 70) state.versionRefused = true;
        // A server that hangs up (rather than alerting) on a long first hello may just dislike long hellos.
        if (wasFirst && (outcome.refusal === 'closed' || outcome.refusal === 'reset') && offerSet.length > SHORT_BUNDLE) {
          scan.notes.push('short-hello fallback');
          const rest = [...offerSet, ...bundles.flat()];
          bundles.length = 0;
          for (let i = 0; i < rest.length; i += SHORT_BUNDLE) bundles.push(rest.slice(i, i + SHORT_BUNDLE));
          offerSet.length = 0;
        } else if (outcome.refusal === 'malformed') {
          // An answer that is not a refusal and cannot be read says nothing either way: not "not served".
          noteUnreadable(scan, outcome.detail);
        } else if (outcome.refusal === 'alert' && !NOTHING_ACCEPTABLE.has(outcome.alert ?? -1)) {
          const byDh = offerSet.length > 1 ? splitByDh(offerSet) : null;
          if (byDh) {
            bundles.unshift(...byDh);
          } else if (offerSet.length > 1 && scan.suites.length === 0) {
            state.deferred.push({ suites: [...offerSet], detail: outcome.detail });
          } else if (offerSet.length > 1 && state.splits < MAX_SPLITS) {
            state.splits += 1;
            if (!scan.notes.some((n) => n.startsWith('split offers'))) scan.notes.push(`split offers after ${outcome.detail}`);
            bundles.unshift(...halves(offerSet));
          } else if (offerSet.length > 1) {
            if (!scan.incomplete.some((i) => i.field === `cipherSuites.${scan.protocol}`)) {
              scan.incomplete.push({ field: `cipherSuites.${scan.protocol}`, reason: `the server kept answering ${outcome.detail} to offers of several suites; the list may be incomplete` });
            }
          } else {
            scan.notes.push(`${suiteByCode(offerSet[0] ?? 0)?.iana ?? 'a suite'} offered alone: ${outcome.detail} (listed by the server, not negotiable)`);
          }
        } else if (outcome.refusal === 'timeout' && scan.suites.length > 0) {
          // A refusal by silence after accepting suites is not a clean "no more": the list may be short.
          scan.incomplete.push({ field: `cipherSuites.${scan.protocol}`, reason: `enumeration ended by a timeout (${outcome.detail}); the list may be incomplete` });
        }
        break;
      }
      if (outcome.kind !== 'answered') break;
      const flight = outcome.flight;
      if (flight.version !== version) {
        scan.lastRefusal = `server answered with version 0x${flight.version.toString(16)}`;
        state.versionRefused = true;
        break;
      }
      const at = offerSet.indexOf(flight.suite);
      if (at < 0) {
        scan.notes.push(`server chose suite 0x${flight.suite.toString(16)} that was not offered`);
        scan.incomplete.push({ field: `cipherSuites.${scan.protocol}`, reason: `server chose suite 0x${flight.suite.toString(16)} that was not offered; enumeration stopped` });
        scan.lastRefusal = 'unoffered suite chosen';
        break;
      }
      offerSet.splice(at, 1);
      scan.suites.push(flight.suite);
      keepChain(scan, flight);
      readKeyExchange(scan, flight, 'legacy');
    }
  }
}

function readKeyExchange(scan: ProtocolScan, flight: ServerFlight, client: 'legacy' | 'ffdhe'): void {
  if (!flight.serverKeyExchange) return;
  const suite = suiteByCode(flight.suite);
  const ephemeral = suite?.ephemeral ?? null;
  if (ephemeral === null) return;
  try {
    const kx = decodeServerKeyExchange(flight.serverKeyExchange, ephemeral === 'DH', suite?.auth === 'PSK');
    if (kx.group !== null && !scan.groups.includes(kx.group)) scan.groups.push(kx.group);
    if (kx.dhBits === null) return;
    if (client === 'legacy') scan.dhBits = scan.dhBits === null ? kx.dhBits : Math.min(scan.dhBits, kx.dhBits);
    else scan.dhBitsWithFfdhe = scan.dhBitsWithFfdhe === null ? kx.dhBits : Math.min(scan.dhBitsWithFfdhe, kx.dhBits);
  } catch (error) {
    // What this message would have said (a DH size, a group) is then not known: partial, never a guess.
    const field = ephemeral === 'DH' ? (client === 'legacy' ? 'dhBits' : 'dhBitsWithFfdhe') : 'groups';
    markIncomplete(scan, field, `unreadable ServerKeyExchange for ${suite?.iana ?? `suite 0x${flight.suite.toString(16)}`} over ${scan.protocol}: ${(error as Error).message}`);
  }
}

/** One more hello with the accepted DHE suites and the ffdhe groups listed, as a modern client sends it. */
async function measureFfdhe(ctx: ProbeContext, scan: ProtocolScan): Promise<void> {
  const dhe = scan.suites.filter((code) => suiteByCode(code)?.ephemeral === 'DH');
  if (dhe.length === 0) return;
  const outcome = await offer(ctx, buildClientHello({ version: versionOf(scan.protocol), suites: dhe, sni: ctx.sni, groups: LEGACY_GROUPS }));
  if (outcome.kind === 'answered') readKeyExchange(scan, outcome.flight, 'ffdhe');
  else scan.incomplete.push({ field: 'dhBitsWithFfdhe', reason: `hello with ffdhe groups refused (${outcome.detail})` });
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
      if (outcome.refusal === 'malformed') { noteUnreadable(scan, outcome.detail); break; }
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

export interface OrderResult {
  serverOrder: boolean | null;
  chachaPriority: boolean | null;
  /** Why the order could not be told, else null. */
  unknown: string | null;
}

/** ChaCha20-Poly1305 suites (which ChaCha20 priority moves to the top for clients that list one first). */
export const isChacha = (code: number): boolean => /CHACHA20/.test(suiteByCode(code)?.enc ?? '');

/**
 * Server order over the whole accepted list: the same suites offered in two orders (ChaCha20 last in both,
 * so a ChaCha-priority server is not mistaken for client order). The same pick both times is server order;
 * the client's first both times is client order. With server order, the accepted list is re-sorted by
 * remove-chosen over all of it when it was gathered from more than one offer (bundles, certificate classes),
 * and a hello with ChaCha20 first tells whether the server prioritises ChaCha20 for clients that prefer it.
 */
export async function determineOrder(ctx: ProbeContext, scan: ProtocolScan): Promise<OrderResult> {
  const none: OrderResult = { serverOrder: null, chachaPriority: null, unknown: null };
  if (scan.suites.length < 2 || scan.protocol === 'SSLv2') return none;
  if (scan.suites.length > MAX_BUNDLE) return { ...none, unknown: `more than ${MAX_BUNDLE} suites accepted` };
  const chachaLast = (list: number[]): number[] => [...list.filter((c) => !isChacha(c)), ...list.filter(isChacha)];
  const forward = chachaLast(scan.suites);
  let backward = chachaLast([...scan.suites].reverse());
  // The two hellos must start differently, or server and client order give the same answers. With fewer than
  // two suites besides ChaCha20, that takes a hello that starts with ChaCha20.
  if (backward[0] === forward[0]) backward = [...forward].reverse();
  const [a, b] = await Promise.all([pick(ctx, scan.protocol, forward), pick(ctx, scan.protocol, backward)]);
  if (a === null || b === null) return { ...none, unknown: 'a hello offering only accepted suites was refused' };
  let serverOrder: boolean | null = null;
  if (a === b) serverOrder = true;
  else if (a === forward[0] && b === backward[0]) {
    // A server that prefers its own order but gives ChaCha20 to clients that list it first answers these two alike.
    // With two ChaCha20 suites, two more hellos tell them apart: client order follows the client between them,
    // a server with ChaCha20 priority keeps its own choice between them.
    serverOrder = isChacha(forward[0]!) === isChacha(backward[0]!) ? false : await chachaOrder(ctx, scan.protocol, forward);
    if (serverOrder === null) {
      return { ...none, unknown: `with fewer than two accepted ${scan.protocol} suites besides ChaCha20, client order and server order with ChaCha20 priority answer alike` };
    }
  } else if (chachaPriorityAnswers([forward, a], [backward, b])) serverOrder = true;
  if (serverOrder === null) return { ...none, unknown: `the server chose 0x${a.toString(16)} and 0x${b.toString(16)}, neither its own nor the client's first` };
  if (!serverOrder) return { serverOrder, chachaPriority: null, unknown: null };
  if (scan.suites[0] !== a) scan.suites = await sortByServer(ctx, scan.protocol, forward, a);
  const chacha = scan.suites.find(isChacha);
  let chachaPriority: boolean | null = null;
  if (chacha !== undefined && scan.suites[0] !== chacha) {
    const c = await pick(ctx, scan.protocol, [chacha, ...scan.suites.filter((x) => x !== chacha)]);
    chachaPriority = c === null ? null : c === chacha;
  }
  return { serverOrder, chachaPriority, unknown: null };
}

/**
 * Two different picks that only ChaCha20 priority explains: the hello starting with ChaCha20 got a ChaCha20
 * suite other than the client's first (so the server chooses among them), the other hello got one that is not.
 */
function chachaPriorityAnswers(...answers: [number[], number][]): boolean {
  const first = answers.find(([hello]) => isChacha(hello[0]!));
  const other = answers.find(([hello]) => !isChacha(hello[0]!));
  return first !== undefined && other !== undefined && isChacha(first[1]) && first[1] !== first[0][0] && !isChacha(other[1]);
}

/** Between two ChaCha20 suites listed first in both orders: false if the server follows the client, true if it keeps its own pick, null if neither. */
async function chachaOrder(ctx: ProbeContext, protocol: TlsProtocol, suites: number[]): Promise<boolean | null> {
  const chachas = suites.filter(isChacha);
  if (chachas.length < 2) return null;
  const x = chachas[0]!;
  const y = chachas[chachas.length - 1]!;
  const rest = suites.filter((c) => c !== x && c !== y);
  const [p, q] = await Promise.all([pick(ctx, protocol, [x, y, ...rest]), pick(ctx, protocol, [y, x, ...rest])]);
  if (p === x && q === y) return false;
  return p !== null && p === q ? true : null;
}

async function pick(ctx: ProbeContext, protocol: TlsProtocol, suites: number[]): Promise<number | null> {
  const version = versionOf(protocol);
  const groups = version === 0x0304 ? TLS13_GROUPS : LEGACY_EC_GROUPS;
  const outcome = await offer(ctx, buildClientHello({ version, suites, sni: ctx.sni, groups, keyShares: [] }));
  return outcome.kind === 'answered' && suites.includes(outcome.flight.suite) ? outcome.flight.suite : null;
}

/** Remove-chosen over the accepted list: the order a client offering all of them is served in. */
async function sortByServer(ctx: ProbeContext, protocol: TlsProtocol, offered: number[], first: number): Promise<number[]> {
  const order = [first];
  const left = offered.filter((c) => c !== first);
  while (left.length > 0) {
    const next = await pick(ctx, protocol, left);
    if (next === null) { order.push(...left); break; }
    order.push(next);
    left.splice(left.indexOf(next), 1);
  }
  return order;
}

/** One hello for the certificate a name gets (TLS <= 1.2), reusing suites known to be accepted. */
export async function fetchLegacyChain(ctx: ProbeContext, scan: ProtocolScan): Promise<RawChain | { refusedName: boolean } | null> {
  if (scan.protocol === 'SSLv2' || scan.protocol === 'TLSv1.3' || !scan.accepted) return null;
  const outcome = await offer(ctx, buildClientHello({ version: versionOf(scan.protocol), suites: scan.suites, sni: ctx.sni, groups: LEGACY_EC_GROUPS }));
  // unrecognized_name (RFC 6066 3): the server has no certificate for this name (or for no name) and says so.
  if (outcome.kind === 'refused') return { refusedName: outcome.refusal === 'alert' && outcome.alert === 112 };
  if (outcome.flight.certificates.length === 0) return null;
  return { chain: outcome.flight.certificates, ocspStapled: outcome.flight.ocspStapled, protocol: scan.protocol, cut: outcome.flight.certificatesCut };
}
