/**
 * Applied to enrich's output for an IaC snapshot: a fact the code leaves unknown becomes null (so rules that
 * depend on it are errors, never passes), and load balancers that exist only outside the code are not judged
 * themselves (only the listeners the code adds to them are).
 */
import type { FactsBySubject } from '../model/facts.ts';
import type { IacSnapshot } from './snapshot-mapper.ts';

const OBJECT_FACTS: ReadonlySet<string> = new Set(['backend']);

/** Facts of an IaC snapshot as enrich derived them, with what the code leaves unknown set to null. */
export function blankUnknownFacts(facts: FactsBySubject, iac: Pick<IacSnapshot, 'unknownFacts' | 'externalLoadBalancers'>): FactsBySubject {
  const blank = <T extends { arn: string }>(list: T[]): T[] => list.map((subject) => {
    const unknown = iac.unknownFacts.get(subject.arn);
    if (!unknown) return subject;
    const copy: Record<string, unknown> = { ...subject };
    for (const fact of unknown) {
      if (!(fact in copy)) continue;
      const value = copy[fact];
      // Facts that are always an object (a listener's back end) keep their shape with every field unknown.
      copy[fact] = OBJECT_FACTS.has(fact) && value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'number' ? v : null]))
        : null;
    }
    return copy as T;
  });
  return {
    listener: blank(facts.listener),
    loadBalancer: blank(facts.loadBalancer.filter((lb) => !iac.externalLoadBalancers.has(lb.arn))),
    certificate: blank(facts.certificate),
    hsmCluster: blank(facts.hsmCluster),
    endpoint: blank(facts.endpoint),
  };
}
