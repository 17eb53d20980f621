/** Types only: the contract between the pipeline stages. */
export * from './snapshot.ts';
export * from './facts.ts';
export * from './rule.ts';
export * from './finding.ts';
export * from './errors.ts';
