/**
 * The configured-vs-served matrix of one listener, drawn only from what enrich computed: the policy's
 * suites per protocol (ResolvedPolicy.cipherSuitesByProtocol), the endpoint's served suites per protocol
 * and its drift lists. The browser draws these cells; it never decides which protocol a suite belongs to.
 */
import type { EndpointFacts, ResolvedPolicy } from '../../model/facts.ts';
import { TLS_PROTOCOLS, type TlsProtocol } from '../../model/snapshot.ts';

export type MatrixFlag = 'insecure' | 'weak' | 'unknown' | 'not in policy' | 'never chosen';

/** [suite, flags, configured per column, served per column (null when not probed)] */
export type MatrixRow = [string, MatrixFlag[], boolean[], boolean[] | null];

export interface MatrixView {
  protocols: TlsProtocol[];
  configuredProtocols: boolean[];
  /** null when the listener was not probed or the probe did not complete. */
  servedProtocols: boolean[] | null;
  rows: MatrixRow[];
}

export function buildMatrix(policy: ResolvedPolicy | null, endpoint: EndpointFacts | null): MatrixView | null {
  if (policy === null && endpoint === null) return null;
  const served = endpoint && endpoint.probeStatus === 'ok' ? endpoint : null;
  const configuredBy = policy?.cipherSuitesByProtocol ?? {};
  const servedBy = served?.servedCipherSuitesByProtocol ?? {};
  const protocols = TLS_PROTOCOLS.filter((p) => (policy?.protocols.includes(p) ?? false) || (served?.servedProtocols.includes(p) ?? false));
  const suites = [...new Set([...(policy?.cipherSuites ?? []), ...protocols.flatMap((p) => servedBy[p] ?? [])])];
  const extra = new Set(served?.drift.extraCipherSuites ?? []);
  const missing = new Set(served?.drift.missingCipherSuites ?? []);
  const rows = suites.map((suite): MatrixRow => {
    const flags: MatrixFlag[] = [];
    if (policy?.insecureCipherSuites.includes(suite)) flags.push('insecure');
    else if (policy?.weakCipherSuites.includes(suite)) flags.push('weak');
    if (policy?.unknownCipherSuites.includes(suite)) flags.push('unknown');
    if (extra.has(suite)) flags.push('not in policy');
    if (missing.has(suite)) flags.push('never chosen');
    return [suite, flags, protocols.map((p) => configuredBy[p]?.includes(suite) ?? false),
      served ? protocols.map((p) => servedBy[p]?.includes(suite) ?? false) : null];
  });
  return {
    protocols,
    configuredProtocols: protocols.map((p) => policy?.protocols.includes(p) ?? false),
    servedProtocols: served ? protocols.map((p) => served.servedProtocols.includes(p)) : null,
    rows,
  };
}
