/** Pagination without an SDK paginator, batching, and SDK dates, shared by the collectors. */

/**
 * Follows a marker/token to the last page and concatenates the items; a failed page fails the listing. Only for
 * the listings the SDK has no paginator for (ELBv2 DescribeSSLPolicies, WAFv2 ListWebACLs); every other listing
 * goes through CollectContext.paginate and the SDK's own paginators.
 */
export async function collectPages<T>(
  fetchPage: (marker: string | undefined) => Promise<{ items: T[] | undefined; next: string | undefined }>,
): Promise<T[]> {
  const all: T[] = [];
  let marker: string | undefined;
  const seen = new Set<string>();
  for (;;) {
    const page = await fetchPage(marker);
    all.push(...(page.items ?? []));
    // A marker that repeats would loop forever; stop and keep what was read.
    if (!page.next || seen.has(page.next)) return all;
    seen.add(page.next);
    marker = page.next;
  }
}

/** DescribeLoadBalancers' input for one page of the paged fan-out (Classic and ELBv2 alike): from its marker, at most the API's maximum. */
export function pageInput(page: { marker: string | null; pageSize: number }, apiMaximum: number): { PageSize: number; Marker?: string } {
  return { PageSize: Math.min(apiMaximum, page.pageSize), ...(page.marker !== null ? { Marker: page.marker } : {}) };
}

/** Splits a list into chunks of at most `size` (the API's batch maximum). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** ISO string of an SDK date, or null. */
export function isoDate(value: Date | string | undefined | null): string | null {
  if (value === undefined || value === null) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
