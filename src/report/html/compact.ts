/**
 * Lossless size reductions for the data island, undone by the page script at load. They keep a
 * 10,000 load-balancer report under 20 MB without dropping anything a reader can see.
 */

/** Arrays of same-shaped objects as one key list plus value rows (keys are not repeated per row). */
export interface Columnar {
  c: string[];
  r: unknown[][];
}

/** Store objects column-wise; the page rebuilds them with `hydrate`. */
export function columnar<T extends object>(rows: T[]): Columnar {
  const first = rows[0];
  const keys = first === undefined ? [] : Object.keys(first);
  return { c: keys, r: rows.map((row) => keys.map((k) => (row as Record<string, unknown>)[k])) };
}

/** Placeholders in message templates: the finding's resource name and its load balancer's name. */
export const RESOURCE_NAME_MARK = '\u0001';
export const LB_NAME_MARK = '\u0002';
/** Leads a message stored literally, because its own text holds a placeholder (or this) character. */
export const LITERAL_MARK = '\u0003';

/**
 * Replace the names a message repeats with placeholders, so messages that differ only by resource
 * intern to one template. Names shorter than 3 characters are left alone (they would match noise).
 */
export function templateMessage(message: string, resourceName: string, lbName: string | null): string {
  if (message.includes(RESOURCE_NAME_MARK) || message.includes(LB_NAME_MARK) || message.startsWith(LITERAL_MARK)) return LITERAL_MARK + message;
  let out = message;
  if (resourceName.length >= 3 && out.includes(resourceName)) out = out.replaceAll(resourceName, RESOURCE_NAME_MARK);
  if (lbName !== null && lbName.length >= 3 && lbName !== resourceName && out.includes(lbName)) out = out.replaceAll(lbName, LB_NAME_MARK);
  return out;
}

/** Split an ARN after its fifth colon (partition, service, region, account) so the prefix can be interned. */
export function splitArn(arn: string): [string, string] {
  let at = -1;
  for (let n = 0; n < 5; n++) {
    at = arn.indexOf(':', at + 1);
    if (at < 0) return ['', arn];
  }
  return [arn.slice(0, at + 1), arn.slice(at + 1)];
}
