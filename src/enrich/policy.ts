/**
 * Resolves a listener's effective TLS policy to protocols and cipher suites, from (in order) what the
 * API answered in the snapshot, then the project's data tables. A name nobody can resolve is `unknown`,
 * never safe.
 */
import classicData from '../../rules/data/classic-policies.json' with { type: 'json' };
import elbv2Data from '../../rules/data/elbv2-policies.json' with { type: 'json' };
import type { PolicySource, ResolvedPolicy } from '../model/facts.ts';
import type { ClassicPolicy, LoadBalancer, Listener, Snapshot, TlsProtocol } from '../model/snapshot.ts';
import { lookupCipherSuite, normaliseProtocol, sortProtocols, suitesFailingBar } from './cipher-suites.ts';

interface ClassicPredefined {
  name: string;
  serverOrder: boolean | null;
  protocols: Record<string, boolean | null>;
  ciphers: string[];
}
interface Elbv2Predefined {
  name: string;
  protocols: string[];
  ciphers: string[] | null;
  fips: boolean;
  postQuantum: boolean;
}

const classicByName = new Map<string, ClassicPredefined>(
  (classicData.policies as ClassicPredefined[]).map((p) => [p.name, p]),
);
const classicAliases = classicData.aliases as Record<string, string>;
const elbv2ByName = new Map<string, Elbv2Predefined>((elbv2Data.policies as Elbv2Predefined[]).map((p) => [p.name, p]));

/**
 * Lookup context built once per snapshot so 40,000 listeners do not rescan the policy lists, nor resolve
 * again a policy another listener uses: listeners with the same policy share one ResolvedPolicy object
 * (facts are never changed after enrich, and evaluate stringifies and shows a shared object once).
 */
export interface PolicyCatalogue {
  classicPredefined: Map<string, ClassicPolicy>;
  elbv2ByRegion: Map<string, Map<string, { protocols: string[]; ciphers: string[] }>>;
  /** Resolved predefined Classic policies by name and referencing policy. */
  resolved: Map<string, ResolvedPolicy | null>;
  /** Resolved ELBv2 policies by region and name. */
  elbv2Resolved: Map<string, Map<string | null, ResolvedPolicy>>;
  /** Resolved custom Classic policies, by the policy record and the source it was resolved as. */
  custom: WeakMap<ClassicPolicy, Map<string, ResolvedPolicy>>;
}

/** Indexes the policies the API answered with, which win over the project's tables. */
export function buildPolicyCatalogue(snapshot: Snapshot): PolicyCatalogue {
  const elbv2ByRegion = new Map<string, Map<string, { protocols: string[]; ciphers: string[] }>>();
  for (const p of snapshot.sslPolicies) {
    let region = elbv2ByRegion.get(p.region);
    if (!region) elbv2ByRegion.set(p.region, (region = new Map()));
    region.set(p.name, { protocols: p.protocols, ciphers: p.ciphers });
  }
  return {
    classicPredefined: new Map(snapshot.classicPredefinedPolicies.map((p) => [p.name, p])),
    elbv2ByRegion,
    resolved: new Map(),
    elbv2Resolved: new Map(),
    custom: new WeakMap(),
  };
}

function build(
  name: string | null,
  source: PolicySource,
  protocols: Iterable<TlsProtocol>,
  cipherNames: readonly string[],
  extra: { referencePolicy?: string | null; serverCipherOrder?: boolean | null; fips?: boolean | null; postQuantum?: boolean | null } = {},
): ResolvedPolicy {
  const cipherSuites: string[] = [];
  const unknown: string[] = [];
  for (const raw of cipherNames) {
    const info = lookupCipherSuite(raw);
    if (info) cipherSuites.push(info.iana);
    else {
      cipherSuites.push(raw);
      unknown.push(raw);
    }
  }
  const sorted = sortProtocols(protocols);
  const known = source !== 'unknown';
  const cipherSuitesByProtocol: Partial<Record<TlsProtocol, string[]>> = {};
  for (const p of sorted) cipherSuitesByProtocol[p] = cipherSuites.filter((s) => lookupCipherSuite(s)?.protocols.includes(p) ?? false);
  return {
    name,
    source,
    known,
    referencePolicy: extra.referencePolicy ?? null,
    protocols: sorted,
    minProtocol: sorted[0] ?? null,
    cipherSuites,
    cipherSuitesByProtocol,
    unknownCipherSuites: unknown,
    insecureCipherSuites: suitesFailingBar(cipherSuites, { minStrength: 'weak' }),
    weakCipherSuites: suitesFailingBar(cipherSuites, { minStrength: 'secure' }),
    nonForwardSecretCipherSuites: suitesFailingBar(cipherSuites, { minStrength: 'insecure', forwardSecrecy: true }),
    cbcCipherSuites: cipherSuites.filter((s) => lookupCipherSuite(s)?.cbc ?? false),
    serverCipherOrder: extra.serverCipherOrder ?? null,
    fips: extra.fips ?? null,
    postQuantum: extra.postQuantum ?? null,
  };
}

function unknownPolicy(name: string | null): ResolvedPolicy {
  return build(name, 'unknown', [], []);
}

function fromClassicPredefined(name: string, catalogue: PolicyCatalogue, referencedBy: string | null): ResolvedPolicy | null {
  const key = `classic\u0000${name}\u0000${referencedBy ?? ''}\u0000${referencedBy === null ? 0 : 1}`;
  let resolved = catalogue.resolved.get(key);
  if (resolved === undefined) {
    resolved = resolveClassicPredefined(name, catalogue, referencedBy);
    catalogue.resolved.set(key, resolved);
  }
  return resolved;
}

function resolveClassicPredefined(name: string, catalogue: PolicyCatalogue, referencedBy: string | null): ResolvedPolicy | null {
  const fromApi = catalogue.classicPredefined.get(name);
  if (fromApi && fromApi.attributes.some((a) => a.name.startsWith('Protocol-'))) {
    return fromClassicAttributes(referencedBy ?? name, fromApi.attributes, 'classic-predefined', referencedBy ? name : null);
  }
  const table = classicByName.get(classicAliases[name] ?? name);
  if (!table) return null;
  // A protocol no source could confirm is assumed enabled: a gap in our data must not read as safe.
  const protocols = Object.entries(table.protocols)
    .filter(([, enabled]) => enabled !== false)
    .map(([p]) => normaliseProtocol(p))
    .filter((p): p is TlsProtocol => p !== undefined);
  return build(referencedBy ?? name, 'classic-predefined', protocols, table.ciphers, {
    referencePolicy: referencedBy ? name : null,
    serverCipherOrder: table.serverOrder,
    fips: false,
    postQuantum: false,
  });
}

function fromClassicAttributes(
  name: string,
  attributes: readonly { name: string; value: string }[],
  source: PolicySource,
  referencePolicy: string | null,
): ResolvedPolicy {
  const protocols: TlsProtocol[] = [];
  const ciphers: string[] = [];
  let serverOrder: boolean | null = null;
  for (const { name: key, value } of attributes) {
    const enabled = value.toLowerCase() === 'true';
    if (key === 'Server-Defined-Cipher-Order') serverOrder = enabled;
    else if (key.startsWith('Protocol-')) {
      const protocol = normaliseProtocol(key);
      if (enabled && protocol) protocols.push(protocol);
    } else if (key !== 'Reference-Security-Policy' && enabled) ciphers.push(key);
  }
  const order = classicData.attributeUniverse as string[];
  ciphers.sort((a, b) => rank(order, a) - rank(order, b));
  return build(name, source, protocols, ciphers, { referencePolicy, serverCipherOrder: serverOrder, fips: false, postQuantum: false });
}

function rank(order: readonly string[], name: string): number {
  const i = order.indexOf(name);
  return i === -1 ? order.length : i;
}

/** A Classic load balancer's policy by name (the last of a name wins, as a map of them would): it holds a few, so no map per listener. */
export function classicPolicyNamed(lb: LoadBalancer, name: string): LoadBalancer['classicPolicies'][number] | undefined {
  return lb.classicPolicies.findLast((p) => p.name === name);
}

/** The effective policy of a Classic HTTPS/SSL listener. */
export function resolveClassicPolicy(lb: LoadBalancer, listener: Listener, catalogue: PolicyCatalogue): ResolvedPolicy {
  for (const policyName of listener.policyNames) {
    const custom = classicPolicyNamed(lb, policyName);
    if (custom && custom.type !== 'SSLNegotiationPolicyType') continue;
    if (!custom) {
      const predefined = fromClassicPredefined(policyName, catalogue, null);
      if (predefined) return predefined;
      continue;
    }
    const reference = custom.attributes.find((a) => a.name === 'Reference-Security-Policy')?.value ?? null;
    const explicit = custom.attributes.some((a) => a.name.startsWith('Protocol-'));
    // Explicit attributes are what the load balancer enforces; the reference only names their origin.
    if (explicit) {
      // The listeners of one load balancer share its custom policy: resolve the record once.
      let byReference = catalogue.custom.get(custom);
      if (!byReference) catalogue.custom.set(custom, (byReference = new Map()));
      const key = `${policyName}\u0000${reference ?? ''}\u0000${reference === null ? 0 : 1}`;
      let resolved = byReference.get(key);
      if (!resolved) byReference.set(key, (resolved = fromClassicAttributes(policyName, custom.attributes, 'classic-custom', reference)));
      return resolved;
    }
    if (reference) return fromClassicPredefined(reference, catalogue, policyName) ?? unknownPolicy(policyName);
    return unknownPolicy(policyName);
  }
  return unknownPolicy(listener.policyNames.find((n) => classicPolicyNamed(lb, n)?.type === 'SSLNegotiationPolicyType') ?? null);
}

/** The effective policy of an ALB HTTPS or NLB TLS listener. */
export function resolveElbv2Policy(region: string, sslPolicy: string | null, catalogue: PolicyCatalogue): ResolvedPolicy {
  let byName = catalogue.elbv2Resolved.get(region);
  if (!byName) catalogue.elbv2Resolved.set(region, (byName = new Map()));
  let resolved = byName.get(sslPolicy);
  if (!resolved) {
    resolved = resolveElbv2(region, sslPolicy, catalogue);
    byName.set(sslPolicy, resolved);
  }
  return resolved;
}

function resolveElbv2(region: string, sslPolicy: string | null, catalogue: PolicyCatalogue): ResolvedPolicy {
  if (!sslPolicy) return unknownPolicy(null);
  const fips = /FIPS/.test(sslPolicy);
  const postQuantum = /-PQ-/.test(sslPolicy);
  const api = catalogue.elbv2ByRegion.get(region)?.get(sslPolicy);
  if (api) {
    const protocols = api.protocols.map(normaliseProtocol).filter((p): p is TlsProtocol => p !== undefined);
    return build(sslPolicy, 'elbv2-predefined', protocols, api.ciphers, { serverCipherOrder: true, fips, postQuantum });
  }
  const table = elbv2ByName.get(sslPolicy);
  if (!table || table.ciphers === null) return unknownPolicy(sslPolicy);
  const protocols = table.protocols.map(normaliseProtocol).filter((p): p is TlsProtocol => p !== undefined);
  return build(sslPolicy, 'elbv2-predefined', protocols, table.ciphers, {
    serverCipherOrder: true,
    fips: table.fips,
    postQuantum: table.postQuantum,
  });
}
