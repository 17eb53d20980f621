/** Strict ISO 8601: a calendar date (YYYY-MM-DD) or a date-time with a zone; real dates only (no 31 February, no "March 7"). */
import { AuditError } from '../model/errors.ts';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function realDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

/** Validates a calendar date YYYY-MM-DD; throws BAD_INPUT/BAD_USAGE naming `where`. */
export function parseIsoDate(value: string, where: string, code: 'BAD_INPUT' | 'BAD_USAGE' = 'BAD_INPUT'): string {
  const m = DATE.exec(value);
  if (!m || !realDate(Number(m[1]), Number(m[2]), Number(m[3]))) throw new AuditError(code, `"${value}" is not a calendar date (YYYY-MM-DD)`, where);
  return value;
}

/** Validates an ISO 8601 date or date-time with zone and returns the instant as toISOString(); throws naming `where`. */
export function parseIsoInstant(value: string, where: string, code: 'BAD_INPUT' | 'BAD_USAGE' = 'BAD_USAGE'): string {
  const bad = () => new AuditError(code, `"${value}" is not an ISO 8601 date (2026-03-07) or date-time with a zone (2026-03-07T12:00:00Z)`, where);
  const date = DATE.exec(value);
  if (date) {
    if (!realDate(Number(date[1]), Number(date[2]), Number(date[3]))) throw bad();
    return new Date(`${value}T00:00:00Z`).toISOString();
  }
  const m = DATE_TIME.exec(value);
  if (!m) throw bad();
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? '0')];
  const offsetOk = m[7] === 'Z' || (Number(m[8]) <= 14 && Number(m[9]) <= 59);
  if (!realDate(Number(m[1]), Number(m[2]), Number(m[3])) || hour > 23 || minute > 59 || second > 59 || !offsetOk) throw bad();
  return new Date(value).toISOString();
}
