/**
 * Applied to enrich's output for an IaC snapshot: a fact the code leaves unknown is marked unknown (error,
 * "not judged before deploy"), so rules that depend on it are errors, never verdicts; and load balancers that exist only outside the code are not judged
 * themselves (only the listeners the code adds to them are).
 */
import type { FactsBySubject, UnknownFacts } from '../model/facts.ts';
import type { IacSnapshot } from './snapshot-mapper.ts';

/** Facts of an IaC snapshot as enrich derived them, with what the code leaves unknown marked in their `unknown` map. */
export function blankUnknownFacts(facts: FactsBySubject, iac: Pick<IacSnapshot, 'unknownFacts' | 'externalLoadBalancers'>): FactsBySubject {
  const mark = <T extends { arn: string; unknown?: UnknownFacts }>(list: T[]): T[] => list.map((subject) => {
    const unknown = iac.unknownFacts.get(subject.arn);
    if (!unknown) return subject;
    const entries: UnknownFacts = { ...subject.unknown };
    for (const [fact, { reason, status }] of unknown) entries[fact] ??= { status: status ?? 'error', reason };
    return { ...subject, unknown: entries };
  });
  return {
    listener: mark(facts.listener),
    loadBalancer: mark(facts.loadBalancer.filter((lb) => !iac.externalLoadBalancers.has(lb.arn))),
    certificate: mark(facts.certificate),
    hsmCluster: mark(facts.hsmCluster),
    endpoint: mark(facts.endpoint),
  };
}
