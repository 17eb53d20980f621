/**
 * The request budgets AWS meters the collector's calls against: token buckets per API category, per
 * account and (except for global services) per region. Only read calls are listed; the collector makes no
 * other kind. Figures, as published (checked 2026-12):
 *
 * - Elastic Load Balancing: "each ELB API version has its own buckets"; the non-mutating (`Describe*`)
 *   bucket holds 40 tokens and refills at 10 tokens/s, per account and region.
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html
 *   The ELBv2 `Get*` reads (trust-store bundles and revocation lists) are non-mutating too and are counted
 *   in the same bucket.
 * - Amazon EC2: one bucket per action; non-mutating actions (the page's example, DescribeHosts) hold 100
 *   tokens and refill at 20/s. https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html
 * - ACM: per-operation rates on the ACM quotas page ("API rate quotas"): DescribeCertificate 10/s,
 *   GetCertificate 10/s, ListCertificates 1/s (copies of the table disagree: 1 or 8; the lower is used),
 *   ListTagsForCertificate 10/s. https://docs.aws.amazon.com/acm/latest/userguide/acm-limits.html
 *   A rate quota is read as a bucket of one second's tokens.
 * - IAM, STS, CloudHSM v2, WAFv2, ACM Private CA: no per-API rate is published. The figures below are this
 *   project's assumption (10 requests/s, a bucket of 10), marked `published: false`; `--api-budget`
 *   scales them like the rest.
 */
import type { ServiceName } from './clients.ts';

/** A token bucket: how many requests may go at once, and how many per second after that. */
export interface BucketSpec {
  capacity: number;
  refillPerSecond: number;
}

/** The bucket a call draws from. */
export interface ApiCategory extends BucketSpec {
  /** Stable name, e.g. `elbv2:Describe*`, `ec2:DescribeInstances`, `acm:GetCertificate`. */
  name: string;
  /** Metered per account only (IAM, STS), not per region. */
  global: boolean;
  /** Whether AWS publishes the figure; false for this project's own assumption. */
  published: boolean;
}

const ELB_NON_MUTATING: BucketSpec = { capacity: 40, refillPerSecond: 10 };
const EC2_NON_MUTATING: BucketSpec = { capacity: 100, refillPerSecond: 20 };
const ASSUMED: BucketSpec = { capacity: 10, refillPerSecond: 10 };
const ACM_RATES: Record<string, number> = { DescribeCertificate: 10, GetCertificate: 10, ListCertificates: 1, ListTagsForCertificate: 10 };
const GLOBAL_SERVICES: ReadonlySet<ServiceName> = new Set<ServiceName>(['iam', 'sts']);

/** The category (and its published bucket) that AWS meters `service:operation` in. */
export function apiCategory(service: ServiceName, operation: string): ApiCategory {
  const global = GLOBAL_SERVICES.has(service);
  switch (service) {
    case 'elb':
    case 'elbv2':
      return { name: `${service}:non-mutating`, global, published: true, ...ELB_NON_MUTATING };
    case 'ec2':
      return { name: `ec2:${operation}`, global, published: true, ...EC2_NON_MUTATING };
    case 'acm': {
      const rate = ACM_RATES[operation];
      if (rate !== undefined) return { name: `acm:${operation}`, global, published: true, capacity: rate, refillPerSecond: rate };
      return { name: `acm:${operation}`, global, published: false, ...ASSUMED };
    }
    default:
      return { name: `${service}:${operation}`, global, published: false, ...ASSUMED };
  }
}

/**
 * The shortest time the budgets allow for a set of calls: categories are metered independently, so it is
 * the slowest category's time to drain its calls once its initial bucket is spent.
 */
export function minimumSeconds(callsByOperation: Record<string, number>, budget = 1): number {
  const perCategory = new Map<string, { spec: ApiCategory; calls: number }>();
  for (const [key, calls] of Object.entries(callsByOperation)) {
    const [service, operation] = key.split(':') as [ServiceName, string];
    const spec = apiCategory(service, operation);
    const entry = perCategory.get(spec.name) ?? { spec, calls: 0 };
    entry.calls += calls;
    perCategory.set(spec.name, entry);
  }
  let slowest = 0;
  for (const { spec, calls } of perCategory.values()) {
    const { capacity, refillPerSecond } = scaleBucket(spec, budget);
    slowest = Math.max(slowest, Math.max(0, calls - capacity) / refillPerSecond);
  }
  return slowest;
}

/** A bucket cut to a fraction of the published budget (at least one token, so calls can still go). */
export function scaleBucket(spec: BucketSpec, budget: number): BucketSpec {
  return { capacity: Math.max(1, Math.floor(spec.capacity * budget)), refillPerSecond: spec.refillPerSecond * budget };
}
