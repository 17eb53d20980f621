/** Reading JSON input files: every stage reads its inputs through this, so every failure names the file. */
import { readFileSync } from 'node:fs';
import { AuditError } from '../model/errors.ts';

/** Reads and parses a JSON input file; a missing or malformed file is BAD_INPUT naming the file. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AuditError('BAD_INPUT', `cannot read ${what}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, path);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AuditError('BAD_INPUT', `not valid JSON: ${(error as Error).message}`, path);
  }
}
