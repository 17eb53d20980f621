/**
 * The vulnerability checks over what enumeration found: each runs over the best TLS <= 1.2 protocol the
 * endpoint accepted with the suites it accepted there, and says vulnerable, not-vulnerable or unknown
 * (the check could not be run or its answer read), never guessing. TLS 1.3 has no renegotiation,
 * compression, heartbeat in practice, or RSA key exchange, so a TLS 1.3-only endpoint is not vulnerable.
 */
import type { TlsProtocol, VulnerabilityCheck, VulnerabilityResult } from '../../model/snapshot.ts';
import { TLS_PROTOCOLS } from '../../model/snapshot.ts';
import { groupName, suiteByCode, wireVersion } from '../../catalogue/tls.ts';
import { DeadlineExceeded, dialWithin, type ProbeContext, type ProtocolScan } from '../enumerate.ts';
import { LEGACY_EC_GROUPS } from '../wire.ts';
import { checkClientRenegotiation } from './client-renegotiation.ts';
import { checkCcsInjection, checkCompression, checkFallbackScsv, checkHeartbleed, checkSecureRenegotiation, type LegacyTarget } from './handshake-checks.ts';
import { checkRobot } from './robot.ts';

export type Vulnerabilities = Partial<Record<VulnerabilityCheck, VulnerabilityResult>>;

const LEGACY: readonly TlsProtocol[] = ['TLSv1.2', 'TLSv1.1', 'TLSv1.0', 'SSLv3'];

const isRsaKeyExchange = (code: number): boolean => {
  const suite = suiteByCode(code);
  return suite?.kx === 'RSA' && suite.auth === 'RSA';
};

/** Runs every check; a check that throws or meets the deadline is unknown, with why, and listed in `incomplete` like any undetermined part. */
export async function checkVulnerabilities(ctx: ProbeContext, scans: readonly ProtocolScan[], incomplete: { field: string; reason: string }[]): Promise<Vulnerabilities> {
  const results = await runChecks(ctx, scans);
  for (const check of Object.keys(results) as VulnerabilityCheck[]) {
    const result = results[check];
    if (result?.status === 'unknown') incomplete.push({ field: `vulnerabilities.${check}`, reason: result.detail });
  }
  return results;
}

async function runChecks(ctx: ProbeContext, scans: readonly ProtocolScan[]): Promise<Vulnerabilities> {
  const accepted = scans.filter((s) => s.accepted);
  const legacy = LEGACY.map((p) => accepted.find((s) => s.protocol === p && s.suites.length > 0)).filter((s): s is ProtocolScan => s !== undefined);
  const best = [...TLS_PROTOCOLS].reverse().find((p) => accepted.some((s) => s.protocol === p));
  const top = legacy[0];
  if (!top) {
    const detail = `only ${best ?? 'no protocol'} is served: the check concerns TLS 1.2 and older`;
    const none: Vulnerabilities = {};
    for (const check of ['secureRenegotiation', 'clientRenegotiation', 'compression', 'heartbleed', 'ccsInjection', 'robot'] as const) none[check] = { status: 'not-vulnerable', detail };
    none.fallbackScsv = { status: 'not-vulnerable', detail: `only ${best ?? 'no protocol'} is served: there is no lower protocol to fall back to` };
    return none;
  }
  const targetFor = (scan: ProtocolScan): LegacyTarget => ({
    dial: () => dialWithin(ctx), counter: ctx.counter, sni: ctx.sni, version: wireVersion(scan.protocol), protocol: scan.protocol, suites: scan.suites,
  });
  const guarded = (run: () => Promise<VulnerabilityResult>): Promise<VulnerabilityResult> => ctx.limiter.run(run).catch((error: unknown) => ({
    status: 'unknown' as const,
    detail: error instanceof DeadlineExceeded ? 'the per-endpoint deadline passed before the check ran' : `the check failed: ${(error as Error).message}`,
  }));
  // The fallback hello goes one protocol below the best one served (TLS 1.3 included).
  const below = best === 'TLSv1.3' ? top : legacy[1];
  const rsaScan = legacy.find((s) => s.suites.some(isRsaKeyExchange));
  const target = targetFor(top);
  const [secureRenegotiation, compression, fallbackScsv, heartbleed, ccsInjection, robot] = await Promise.all([
    guarded(() => checkSecureRenegotiation(target)),
    guarded(() => checkCompression(target)),
    below && best
      ? guarded(() => checkFallbackScsv(targetFor(below), best))
      : Promise.resolve<VulnerabilityResult>({ status: 'not-vulnerable', detail: `only ${best ?? top.protocol} is served: there is no lower protocol to fall back to` }),
    guarded(() => checkHeartbleed(target)),
    guarded(() => checkCcsInjection(target)),
    guarded(() => checkRobot(rsaScan ? targetFor(rsaScan) : target, rsaScan?.suites.find(isRsaKeyExchange) ?? null)),
  ]);
  // Last: a server that serves one connection at a time (s_server) pauses about a second after refusing a renegotiation.
  const clientRenegotiation = await guarded(() => checkClientRenegotiation(dialWithin(ctx), ctx.counter, ctx.sni, top.protocol, top.groups.filter((g) => LEGACY_EC_GROUPS.includes(g)).map(groupName)));
  return { secureRenegotiation, clientRenegotiation, compression, fallbackScsv, heartbleed, ccsInjection, robot };
}
