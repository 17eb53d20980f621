/** Probes one endpoint: protocols, suites, order, groups, DH size and the chains served per SNI name. */
import type { ProbeObservation, ServedChain, TlsProtocol } from '../model/snapshot.ts';
import { TLS_PROTOCOLS } from '../model/snapshot.ts';
import { groupName, suiteByCode, suiteName as catalogueName } from '../catalogue/tls.ts';
import { ConnectionCounter, type Dial } from './connection.ts';
import {
  DeadlineExceeded, determineOrder, dialWithin, EndpointUnreachable, fetchLegacyChain, isChacha, scanLegacy, scanSslv2, scanTls13,
  type ProbeContext, type ProtocolScan, type RawChain,
} from './enumerate.ts';
import { Limiter } from './limiter.ts';
import { fetchTls13Chain, type Tls13KeyFamily } from './tls13/handshake.ts';
import { describeCertificate, leafKeyType } from './served.ts';
import { checkVulnerabilities } from './vuln/index.ts';

export interface ProbeTarget {
  host: string;
  port: number;
  /** The name the full enumeration is sent with; null sends no SNI. */
  sni: string | null;
  /** HOST2:PORT2 to connect to instead (already resolved from --connect-to). */
  connectTo?: string;
  /** More names whose certificate is fetched (one connection each), beside sni and no-SNI. */
  sniNames?: string[];
  loadBalancerArn?: string | null;
  listenerArn?: string | null;
}

export interface ProbeOptions {
  /** Per connection, connect plus first flight. */
  timeoutMs?: number;
  /** Connections open at once against this endpoint. */
  perEndpointCap?: number;
  /** Minimum gap between connection starts to this endpoint. */
  pacingMs?: number;
  /** Enumerate TLS 1.3 groups (costs extra connections when the server has more groups than suites). */
  groups?: boolean;
  /** Fetch the certificate without SNI too when the target has an SNI name. */
  noSniCertificate?: boolean;
  /** No connection starts after this long from the first one (default 60 s); what is missing is reported. */
  deadlineMs?: number;
  /** Run the vulnerability checks (renegotiation, compression, fallback SCSV, Heartbleed, CCS injection, ROBOT); default true. */
  vulnerabilities?: boolean;
}

export const DEFAULT_DEADLINE_MS = 60_000;

function splitHostPort(value: string): { host: string; port: number } {
  const match = /^\[?([^\]]*?)\]?:(\d+)$/.exec(value);
  if (!match) throw new Error(`connectTo must be HOST:PORT, got "${value}"`);
  return { host: match[1] ?? '', port: Number(match[2]) };
}

function emptyProtocols(): Record<TlsProtocol, boolean | null> {
  return { SSLv2: null, SSLv3: null, 'TLSv1.0': null, 'TLSv1.1': null, 'TLSv1.2': null, 'TLSv1.3': null };
}

const suiteName = (protocol: TlsProtocol, code: number): string => catalogueName(code, protocol === 'SSLv2');

function toServedChain(sni: string | null, raw: { chain: Buffer[]; ocspStapled: boolean }, protocol: TlsProtocol | null): ServedChain {
  return { sni, chain: raw.chain.map(describeCertificate), ocspStapled: raw.ocspStapled, protocol, keyType: leafKeyType(raw.chain[0]) };
}

type Incomplete = NonNullable<ProbeObservation['incomplete']>;

const cutChain = (protocol: TlsProtocol, sni: string | null, kept: number): Incomplete[number] =>
  ({ field: 'certificates', reason: `${protocol === 'TLSv1.3' ? 'TLS 1.3' : protocol} chain for ${sni ?? '(no SNI)'} cut at ${kept} certificates` });

/** The TLS 1.3 chain, or the best legacy hello's, for one name; a name whose chain could not be read is incomplete. */
async function chainFor(ctx: ProbeContext, sni: string | null, scans: ProtocolScan[], notes: string[], incomplete: Incomplete): Promise<ServedChain[]> {
  const out: ServedChain[] = [];
  const tls13 = scans.find((s) => s.protocol === 'TLSv1.3' && s.accepted);
  let tls13Error: string | null = null;
  let refusedName = false;
  if (tls13) {
    const got = await ctx.limiter.run(() => fetchTls13Chain(dialWithin(ctx), sni, ctx.counter, { suites: tls13.suites }));
    if ('error' in got) {
      tls13Error = got.error;
      if (got.alert === 112) refusedName = true;
      notes.push(`TLS 1.3 chain for ${sni ?? '(no SNI)'}: ${got.error}`);
    } else {
      out.push(toServedChain(sni, got, 'TLSv1.3'));
      if (got.cut) incomplete.push(cutChain('TLSv1.3', sni, got.chain.length));
    }
  }
  const legacy = [...scans].reverse().find((s) => s.accepted && s.protocol !== 'TLSv1.3' && s.protocol !== 'SSLv2');
  if (legacy && out.length === 0) {
    // The enumeration already read this name's chain in cleartext; do not pay a connection for it again.
    const known = sni === ctx.sni ? legacy.chains[0] : undefined;
    const raw = known ?? await fetchLegacyChain({ ...ctx, sni }, legacy);
    if (raw && 'chain' in raw) {
      out.push(toServedChain(sni, raw, raw.protocol));
      if (raw.cut) incomplete.push(cutChain(raw.protocol, sni, raw.chain.length));
    } else if (raw?.refusedName) refusedName = true;
  }
  if (out.length === 0 && scans.some((s) => s.accepted)) {
    // A server that answers unrecognized_name serves no certificate for that name: an observation, not a gap.
    if (refusedName && sni !== ctx.sni) notes.push(`${sni ?? 'a hello without SNI'} is refused with unrecognized_name: no certificate is served for it`);
    // Nor does one that serves only anonymous, PSK or SRP suites: there is no chain to read.
    else if (servesNoCertificate(scans)) notes.push(`only certificate-less suites (anonymous, PSK, SRP) are served: no certificate is served for ${sni ?? '(no SNI)'}`);
    else incomplete.push({ field: 'certificates', reason: `no chain could be read for ${sni ?? '(no SNI)'}${tls13Error ? `: ${tls13Error}` : ''}` });
  }
  return out;
}

/** Every accepted suite needs no certificate (the catalogue's 'none': anonymous, PSK, SRP, KRB5) and no TLS 1.3 is served. */
function servesNoCertificate(scans: readonly ProtocolScan[]): boolean {
  const accepted = scans.filter((s) => s.accepted);
  return accepted.length > 0 && accepted.every((s) => s.protocol !== 'TLSv1.3' && s.suites.every((code) => suiteByCode(code, s.protocol === 'SSLv2')?.certificate === 'none'));
}

const chainKey = (c: ServedChain): string => c.chain.map((x) => x.sha256).join();

/** Fail closed: a probe that could not see, or could not see all of it, is not a clean result. */
export function seenInFull(o: ProbeObservation): boolean {
  return o.status === 'ok' && (o.incomplete?.length ?? 0) === 0;
}

/** Probes one endpoint and never throws for network trouble: failures come back as status 'error'. */
export async function probeEndpoint(target: ProbeTarget, options: ProbeOptions = {}): Promise<ProbeObservation> {
  const started = performance.now();
  const to = target.connectTo ? splitHostPort(target.connectTo) : { host: target.host, port: target.port };
  const dial: Dial = { host: to.host, port: to.port, timeoutMs: options.timeoutMs ?? 5000 };
  const counter = new ConnectionCounter();
  const ctx: ProbeContext = {
    dial, sni: target.sni, counter, enumerateGroups: options.groups ?? true,
    limiter: new Limiter(options.perEndpointCap ?? 4, options.pacingMs ?? 0),
    deadline: started + (options.deadlineMs ?? DEFAULT_DEADLINE_MS),
  };
  const incomplete: Incomplete = [];
  const observation: ProbeObservation = {
    target: { host: target.host, port: target.port, sni: target.sni, connectedTo: target.connectTo ?? null },
    loadBalancerArn: target.loadBalancerArn ?? null,
    listenerArn: target.listenerArn ?? null,
    status: 'ok', reason: null, protocols: emptyProtocols(), cipherSuites: {}, serverCipherOrder: null,
    groups: [], dhBits: null, certificates: [], notes: [], connections: 0, durationMs: 0,
    incomplete, dhBitsWithFfdhe: null, chachaPriority: null,
  };
  try {
    // Newest first: most endpoints accept it, and its scan is the one chains and order lean on.
    const scans = await Promise.all([
      scanTls13(ctx), scanLegacy(ctx, 'TLSv1.2'), scanLegacy(ctx, 'TLSv1.1'), scanLegacy(ctx, 'TLSv1.0'),
      scanLegacy(ctx, 'SSLv3'), scanSslv2(ctx),
    ]);
    scans.sort((a, b) => TLS_PROTOCOLS.indexOf(a.protocol) - TLS_PROTOCOLS.indexOf(b.protocol));
    const groups = new Set<number>();
    for (const scan of scans) {
      // An answer that could not be read leaves the protocol undetermined (null), not "not served".
      const undetermined = !scan.accepted && scan.incomplete.some((i) => i.field === `protocols.${scan.protocol}`);
      observation.protocols[scan.protocol] = undetermined ? null : scan.accepted;
      if (scan.accepted) observation.cipherSuites[scan.protocol] = scan.suites.map((code) => suiteName(scan.protocol, code));
      for (const g of scan.groups) groups.add(g);
      if (scan.dhBits !== null) observation.dhBits = observation.dhBits === null ? scan.dhBits : Math.min(observation.dhBits, scan.dhBits);
      if (scan.dhBitsWithFfdhe !== null) observation.dhBitsWithFfdhe = Math.min(observation.dhBitsWithFfdhe ?? Infinity, scan.dhBitsWithFfdhe);
      incomplete.push(...scan.incomplete);
      for (const note of scan.notes) observation.notes.push(`${scan.protocol}: ${note}`);
    }
    observation.groups = [...groups].map(groupName);
    if (!scans.some((s) => s.accepted)) {
      observation.status = 'error';
      observation.reason = `no SSL/TLS protocol accepted (${[...new Set(scans.map((s) => s.lastRefusal ?? 'refused'))].join('; ')})`;
      return observation;
    }
    // Order is told best where two suites besides ChaCha20 are accepted (ChaCha20 priority cannot blur it):
    // the newest legacy protocol with them, else TLS 1.3 with them, else any protocol with two suites.
    const newestFirst = [...scans.filter((s) => s.protocol !== 'TLSv1.3' && s.protocol !== 'SSLv2').reverse(), ...scans.filter((s) => s.protocol === 'TLSv1.3')];
    const orderScan = newestFirst.find((s) => s.suites.filter((c) => !isChacha(c)).length >= 2) ?? newestFirst.find((s) => s.suites.length >= 2);
    const [order, primary] = await Promise.all([
      orderScan ? determineOrder(ctx, orderScan) : Promise.resolve(null),
      chainFor(ctx, target.sni, scans, observation.notes, incomplete),
    ]);
    if (orderScan && order) {
      observation.serverCipherOrder = order.serverOrder;
      observation.chachaPriority = order.chachaPriority;
      // determineOrder re-sorts the scan when it was gathered over several offers
      observation.cipherSuites[orderScan.protocol] = orderScan.suites.map((code) => suiteName(orderScan.protocol, code));
      if (order.unknown) incomplete.push({ field: 'serverCipherOrder', reason: order.unknown });
    }
    observation.certificates = primary;
    // Chains the enumeration already read (RSA and ECDSA deployments show up as different chains).
    const legacyChains: RawChain[] = [...scans].reverse().flatMap((s) => s.chains);
    for (const raw of legacyChains) {
      const served = toServedChain(target.sni, raw, raw.protocol);
      if (observation.certificates.some((c) => chainKey(c) === chainKey(served))) continue;
      observation.certificates.push(served);
      if (raw.cut) incomplete.push(cutChain(raw.protocol, target.sni, raw.chain.length));
    }
    await addDualTls13(ctx, target.sni, scans, observation);
    const others = [...(options.noSniCertificate !== false && target.sni !== null ? [null] : []), ...(target.sniNames ?? [])]
      .filter((name, i, all) => name !== target.sni && all.indexOf(name) === i);
    const extra = await Promise.all(others.map((name) => chainFor(ctx, name, scans, observation.notes, incomplete)));
    observation.certificates.push(...extra.flat());
    if (options.vulnerabilities !== false) observation.vulnerabilities = await checkVulnerabilities(ctx, scans, incomplete);
  } catch (error) {
    if (error instanceof DeadlineExceeded) {
      // What was determined stays in the observation; the verdict is still "could not see all of it".
      observation.status = 'error';
      observation.reason = `per-endpoint deadline of ${options.deadlineMs ?? DEFAULT_DEADLINE_MS} ms reached before the probe finished`;
      incomplete.push({ field: 'observation', reason: observation.reason });
    } else {
      if (!(error instanceof EndpointUnreachable)) throw error;
      observation.status = 'error';
      observation.reason = error.message;
    }
  } finally {
    observation.connections = counter.count;
    observation.durationMs = Math.round(performance.now() - started);
  }
  return observation;
}

/** The other certificates a TLS 1.3 server holds for the name (dual RSA and ECDSA, or EdDSA beside them). */
async function addDualTls13(ctx: ProbeContext, sni: string | null, scans: ProtocolScan[], observation: ProbeObservation): Promise<void> {
  const tls13 = scans.find((s) => s.protocol === 'TLSv1.3' && s.accepted);
  if (!tls13) return;
  // TLS 1.3 picks the certificate by signature_algorithms: ask for each other family once. RSA and ECDSA always
  // (a TLS 1.3-only server may hold both), EdDSA where TLS <= 1.2 showed such a certificate.
  const family: Record<string, Tls13KeyFamily> = { rsa: 'RSA', 'rsa-pss': 'RSA', ec: 'ECDSA', ed25519: 'Ed25519', ed448: 'Ed448' };
  const seen13 = new Set(observation.certificates.filter((c) => c.protocol === 'TLSv1.3' && c.keyType).map((c) => family[c.keyType!]));
  if (seen13.size === 0) return;
  const legacy = new Set(observation.certificates.filter((c) => c.protocol !== 'TLSv1.3' && c.keyType).map((c) => family[c.keyType!]));
  const wanted = (['RSA', 'ECDSA', 'Ed25519', 'Ed448'] as const).filter((f) => !seen13.has(f) && (f === 'RSA' || f === 'ECDSA' || legacy.has(f)));
  const got = await Promise.all(wanted.map((keyType) => ctx.limiter.run(() => fetchTls13Chain(dialWithin(ctx), sni, ctx.counter, { keyType, suites: tls13.suites }))));
  for (const chain of got) {
    if ('error' in chain) continue;
    const served = toServedChain(sni, chain, 'TLSv1.3');
    if (!observation.certificates.some((c) => c.protocol === 'TLSv1.3' && chainKey(c) === chainKey(served))) observation.certificates.push(served);
  }
}
