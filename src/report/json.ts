/** findings.json: the AuditResult as stable, pretty JSON (no timestamps inside findings). */
import type { Reporter } from './reporter.ts';

export const jsonReporter: Reporter = {
  format: 'json',
  fileName: 'findings.json',
  render: ({ result }) => `${JSON.stringify(result, null, 2)}\n`,
};
