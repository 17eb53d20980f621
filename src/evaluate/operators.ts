/**
 * The named custom operators rules share. Domain tests live here (or in enrich), never copied into
 * conditions. Each is (factValue, ruleValue) => boolean.
 */
import { protocolsBelow, suitesFailingBar, type CipherBar } from '../enrich/cipher-suites.ts';

/** true / false, or null for "unknown" (only the three-valued operators below return it). */
export type OperatorFn = (factValue: unknown, ruleValue: unknown) => boolean | null;

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

interface IngressLike {
  protocol?: unknown;
  fromPort?: unknown;
  toPort?: unknown;
}

/** The ports of the list that an internet ingress rule (tcp, or every protocol) reaches. */
function openPorts(ingress: unknown, ports: unknown): number[] {
  const rules = asArray(ingress) as IngressLike[];
  return (asArray(ports) as number[]).filter((port) => rules.some((r) =>
    r.protocol === 'all' || (r.protocol === 'tcp' && typeof r.fromPort === 'number' && typeof r.toPort === 'number' && r.fromPort <= port && port <= r.toPort)));
}

/** Tag keys a certificate lacks: the required ones, or "any tag" (aws: system tags do not count) when none is required. */
function missingTags(tags: unknown, required: unknown): string[] {
  const keys = Object.keys((tags ?? {}) as Record<string, unknown>).filter((k) => !k.startsWith('aws:'));
  const wanted = asArray(required).map(String);
  if (wanted.length === 0) return keys.length > 0 ? [] : ['(any tag)'];
  return wanted.filter((k) => !keys.includes(k));
}

export const customOperators: Record<string, OperatorFn> = {
  /** every protocol in the list is at least the given version (e.g. "TLSv1.2") */
  protocolsAtLeast: (protocols, min) => protocolsBelow(asArray(protocols) as string[], String(min)).length === 0,
  /** every cipher suite meets the bar { minStrength, forwardSecrecy, aead, forbidEncryption } */
  cipherSuitesMeet: (suites, bar) => suitesFailingBar(asArray(suites) as string[], (bar ?? {}) as CipherBar).length === 0,
  /** the list is empty when the rule value is true, non-empty when false */
  isEmpty: (list, expected) => (asArray(list).length === 0) === Boolean(expected),
  /** every element of the fact list is in the rule list */
  subsetOf: (list, allowed) => asArray(list).every((x) => asArray(allowed).includes(x)),
  /** the fact list has at least one element in common with the rule list */
  intersects: (list, other) => asArray(list).some((x) => asArray(other).includes(x)),
  /** the string matches one of the regular expressions */
  matchesAny: (value, patterns) => typeof value === 'string' && asArray(patterns).some((p) => new RegExp(String(p)).test(value)),
  /** a number, or null (unknown) when the rule value allows it, is at least the rule value */
  atLeastOrNull: (value, min) => value === null || (typeof value === 'number' && value >= Number(min)),
  /** the fact list has at least the rule value's number of distinct elements (e.g. AZs) */
  distinctAtLeast: (list, min) => new Set(asArray(list)).size >= Number(min),
  /** the value was observed: true for any value; a null never gets here, the engine makes it unknown */
  observed: () => true,
  /** three-valued: true when no element's field (the rule value) is null, else null = unknown (engine.ts) */
  /** no port of the rule list is reached by the internet ingress rules (security groups) */
  noPortOpen: (ingress, ports) => openPorts(ingress, ports).length === 0,
  /** the tags hold every required key, or any non-aws: tag when none is required */
  hasTags: (tags, required) => missingTags(tags, required).length === 0,
  everyObserved: (list, field) => (asArray(list).some((x) => (x as Record<string, unknown> | null)?.[String(field)] === null) ? null : true),
};

/** Operators that give a null fact value a meaning of their own; for every other operator null is unknown (engine.ts). */
export const nullAwareOperators: ReadonlySet<string> = new Set(['atLeastOrNull']);

/** Filters message templates may apply: `{{policy.protocols | below:params.minVersion}}`. */
export const messageFilters: Record<string, (value: unknown, arg: unknown) => unknown> = {
  below: (protocols, min) => protocolsBelow(asArray(protocols) as string[], String(min)),
  failingBar: (suites, bar) => suitesFailingBar(asArray(suites) as string[], (bar ?? {}) as CipherBar),
  count: (list) => asArray(list).length,
  /** -51 -> "51 days ago" (expiry messages) */
  daysAgo: (days) => (typeof days === 'number' ? `${Math.abs(days)} day${Math.abs(days) === 1 ? '' : 's'} ago` : 'at an unknown time'),
  join: (list) => asArray(list).join(', '),
  /** the ports of a params list that internet ingress rules reach */
  openAmong: (ingress, ports) => openPorts(ingress, ports).join(', '),
  /** tag keys missing from a tag map (the required ones, or "(any tag)") */
  missingTags: (tags, required) => missingTags(tags, required).join(', '),
  /** certificate references ({ subject, reason? }) as "subject (reason)" for chain messages */
  subjects: (list) => asArray(list).map((x) => {
    const ref = (x ?? {}) as { subject?: unknown; reason?: unknown };
    return ref.reason === undefined ? String(ref.subject) : `${String(ref.subject)} (${String(ref.reason)})`;
  }),
};
