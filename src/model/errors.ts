/** The one error hierarchy: every expected failure is an AuditError with a code, mapped once to an exit code. */

export type AuditErrorCode =
  | 'BAD_USAGE'          // wrong flags or arguments
  | 'BAD_INPUT'          // a file (snapshot, waivers, profile, trust store) is malformed
  | 'BAD_RULE'           // a rule file fails its schema or its examples
  | 'INCOMPLETE'         // the audit could not see everything and partial results were not allowed
  | 'IO'                 // reading or writing a file failed
  | 'INTERNAL';

export class AuditError extends Error {
  readonly code: AuditErrorCode;
  /** Where the problem is: a file, a JSON path, a flag. */
  readonly where: string | null;

  constructor(code: AuditErrorCode, message: string, where: string | null = null, options?: { cause?: unknown }) {
    super(where ? `${where}: ${message}` : message, options);
    this.name = 'AuditError';
    this.code = code;
    this.where = where;
  }
}

/** Exit codes of DESIGN.md: 0 clean, 1 findings at/above --fail-on, 2 bad usage or input, 3 incomplete. */
export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2, INCOMPLETE: 3 } as const;

export function exitCodeFor(error: unknown): number {
  if (error instanceof AuditError) {
    switch (error.code) {
      case 'INCOMPLETE':
        return EXIT.INCOMPLETE;
      case 'INTERNAL':
        return 70;
      default:
        return EXIT.USAGE;
    }
  }
  return 70;
}
