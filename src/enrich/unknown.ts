/** Turning what a snapshot record says it did not see into the `unknown` map of a facts object. */
import type { UnknownFacts } from '../model/facts.ts';
import type { Observation } from '../model/snapshot.ts';

/** Collects the unknown facts of one subject. */
export class UnknownFactsCollector {
  readonly entries: UnknownFacts = {};

  /** Marks facts unknown when the observation behind them is not ok; answers whether it was ok. */
  from(observation: Observation, what: string, ...facts: string[]): boolean {
    if (observation.status === 'ok') return true;
    const reason = `${what} ${observation.status === 'error' ? 'could not be read' : 'was not read'}: ${observation.reason ?? 'no reason given'}`;
    for (const fact of facts) this.entries[fact] ??= { status: observation.status, reason };
    return false;
  }

  /** Marks one fact unknown for a reason of its own (e.g. an answer that lacked the value). */
  mark(fact: string, status: 'error' | 'skipped', reason: string): void {
    this.entries[fact] ??= { status, reason };
  }

  has(fact: string): boolean {
    return Object.hasOwn(this.entries, fact);
  }
}

/** A fresh collector of unknown facts. */
export const unknownFacts = (): UnknownFactsCollector => new UnknownFactsCollector();
