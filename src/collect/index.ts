import { createRequire } from 'node:module';
import type { LoadBalancer, Snapshot } from '../model/snapshot.ts';
import { buildSnapshot } from '../snapshot/builder.ts';
import { collectAcmCertificates, collectIamCertificates, type CertificateScope } from './certificates.ts';
import { collectClassic, collectPredefinedPolicies } from './classic.ts';
import { sdkClientFactory, type ClientFactory } from './clients.ts';
import { CollectContext, type CallStats } from './context.ts';
import { collectElbv2, collectSslPolicies } from './elbv2.ts';
import { collectSecurityGroups, collectWebAcls } from './exposure.ts';
import { collectPrivateCas } from './private-ca.ts';
import { callerAccount, collectHsmClusters, collectInstances, enabledRegions } from './placement.ts';
import { DEFAULT_RETRY, type RetrySettings } from './retry.ts';
import { compareCodePoints } from '../text/order.ts';
import { plural } from '../text/plural.ts';

export { sdkClientFactory, type ClientFactory, type SdkClientSettings, type ServiceName, type ServiceClients } from './clients.ts';
export type { CallStats } from './context.ts';
export { DEFAULT_RETRY, type RetrySettings } from './retry.ts';
export { classicArn } from './classic.ts';

export interface CollectOptions {
  /** Regions to read, or 'all' for every region EC2 DescribeRegions lists. */
  regions: string[] | 'all';
  /** Client factory; default: the standard SDK chain (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ...). */
  clients?: ClientFactory;
  /** Fetch body and chain of every certificate, not only those listeners use. */
  allCertificates?: boolean;
  /** Certificates to fetch in full although no listener read uses them (IaC --resolve-live: code that will use them). */
  alsoFetchCertificates?: readonly string[];
  /** One line per region and service with counts, for stderr. */
  onProgress?: (line: string) => void;
  /** Requests in flight per service and region. */
  concurrency?: number;
  retry?: Partial<RetrySettings>;
  /** Region for global and account-level calls (STS, IAM, DescribeRegions); default AWS_REGION or the first region. */
  homeRegion?: string;
  /** Abort and retry a request that has not answered after this long (default 30 s). */
  requestTimeoutMs?: number;
  /** Tests only: ask for smaller pages than the API maximum, to exercise marker handling. */
  pageSizeLimit?: number;
  /** Injected so a test can fix capturedAt. */
  now?: () => Date;
  /**
   * One Map item of the paged fan-out (src/accounts/pages.ts): one page of one load-balancer API's
   * DescribeLoadBalancers (from `marker`, `pageSize` load balancers) with every per-load-balancer read and the
   * security groups, web ACLs, instances, trust stores and certificates that page uses; or, for 'region', the
   * region-wide reads only (SSL policies, Classic predefined policies, CloudHSM clusters, the certificate
   * listings). Needs exactly one region.
   */
  page?: CollectPage;
}

/** A page of one DescribeLoadBalancers listing: where it starts (null: the first page) and how many it holds. */
export interface LoadBalancerPage {
  marker: string | null;
  pageSize: number;
}

/** What one paged collection reads: one page of Classic or ELBv2 load balancers, or a region's shared data. */
export type CollectPage = ({ service: 'elb' | 'elbv2' } & LoadBalancerPage) | { service: 'region' };

/** A snapshot and the calls it took. */
export interface CollectResult {
  snapshot: Snapshot;
  stats: CallStats;
}

const DEFAULT_CONCURRENCY = 8;

/** Reads the estate in scope into a Snapshot; failures become attempts, never exceptions. */
export async function collectSnapshot(options: CollectOptions): Promise<Snapshot> {
  return (await collectWithStats(options)).snapshot;
}

/** collectSnapshot, plus the number of API calls per operation (for benchmarks and progress). */
export async function collectWithStats(options: CollectOptions): Promise<CollectResult> {
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const ctx = new CollectContext({
    clients: options.clients ?? sdkClientFactory(),
    concurrency,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.pageSizeLimit !== undefined ? { pageSizeLimit: options.pageSizeLimit } : {}),
  });
  const progress = options.onProgress ?? (() => {});
  const explicit = options.regions === 'all' ? [] : options.regions;
  const homeRegion = options.homeRegion ?? process.env['AWS_REGION'] ?? explicit[0] ?? 'us-east-1';
  const capturedAt = (options.now ?? (() => new Date()))().toISOString();

  ctx.account = (await callerAccount(ctx, homeRegion)) ?? 'unknown';
  let regions = explicit;
  if (options.regions === 'all') {
    try {
      regions = await enabledRegions(ctx, homeRegion);
    } catch {
      regions = [];
    }
  }
  regions = [...new Set(regions)].sort();
  const page = options.page;
  if (page !== undefined && regions.length !== 1) throw new Error(`a paged collection reads exactly one region, not ${regions.length}`);

  const perRegion = await Promise.all(
    regions.map(async (region) => {
      const [classic, elbv2, hsmClusters] = await Promise.all([
        page === undefined ? collectClassic(ctx, region, concurrency * 2)
          : page.service === 'elb' ? collectClassic(ctx, region, concurrency * 2, page)
          : { loadBalancers: [], predefinedPolicies: page.service === 'region' ? await collectPredefinedPolicies(ctx, region) : [] },
        page === undefined ? collectElbv2(ctx, region, concurrency * 2)
          : page.service === 'elbv2' ? collectElbv2(ctx, region, concurrency * 2, page)
          : { loadBalancers: [], sslPolicies: page.service === 'region' ? await collectSslPolicies(ctx, region) : [], trustStores: [] },
        page === undefined || page.service === 'region' ? collectHsmClusters(ctx, region) : [],
      ]);
      if (page !== undefined) progress(`${region} ${page.service === 'region' ? 'region-wide reads' : `${page.service} page ${page.marker ?? '(first)'} of up to ${page.pageSize}`}`);
      progress(`${region} elb: ${plural(classic.loadBalancers.length, 'Classic load balancer')}${failedNote(ctx, 'elb', region)}`);
      progress(`${region} elbv2: ${plural(elbv2.loadBalancers.length, 'ALB/NLB/GWLB load balancer')}${failedNote(ctx, 'elbv2', region)}`);
      progress(`${region} cloudhsmv2: ${plural(hsmClusters.length, 'cluster')}${failedNote(ctx, 'cloudhsmv2', region)}`);
      const loadBalancers = [...classic.loadBalancers, ...elbv2.loadBalancers];
      const [securityGroups] = await Promise.all([
        collectSecurityGroups(ctx, region, loadBalancers, concurrency * 2),
        collectWebAcls(ctx, region, elbv2.loadBalancers, concurrency * 2),
      ]);
      progress(`${region} ec2: ${securityGroups.length} security groups`);
      return { region, loadBalancers, classic, elbv2, hsmClusters, securityGroups };
    }),
  );
  const loadBalancers = perRegion.flatMap((r) => r.loadBalancers);
  const usedBy = certificateUse(loadBalancers);
  for (const arn of options.alsoFetchCertificates ?? []) if (!usedBy.has(arn)) usedBy.set(arn, new Set());
  const scope: CertificateScope = { usedBy, all: options.allCertificates === true };

  const [iam, acm, instances] = await Promise.all([
    collectIamCertificates(ctx, homeRegion, scope, concurrency * 2).then((records) => {
      progress(`global iam: ${plural(records.length, 'server certificate')}${failedNote(ctx, 'iam', 'global')}`);
      return records;
    }),
    Promise.all(
      regions.map(async (region) => {
        const records = await collectAcmCertificates(ctx, region, scope, concurrency * 2);
        progress(`${region} acm: ${plural(records.length, 'certificate')}${failedNote(ctx, 'acm', region)}`);
        return records;
      }),
    ),
    Promise.all(
      perRegion.map(async ({ region, loadBalancers: lbs }) => {
        const records = await collectInstances(ctx, region, instanceIdsOf(lbs), concurrency * 2);
        progress(`${region} ec2: ${plural(records.length, 'instance')}${failedNote(ctx, 'ec2', region)}`);
        return records;
      }),
    ),
  ]);

  const certificates = [...iam, ...acm.flat()];
  const privateCas = await collectPrivateCas(ctx, certificates, concurrency * 2);
  if (privateCas.length > 0) progress(`acm-pca: ${privateCas.length} private CAs`);

  const stats = ctx.stats();
  progress(`collected with ${stats.total} API calls (${stats.retries} retries)`);
  const snapshot = buildSnapshot(
    { capturedAt, generator: { name: 'elb-tls-audit', version: generatorVersion() }, scope: { accounts: [ctx.account], regions } },
    {
      loadBalancers,
      certificates,
      hsmClusters: perRegion.flatMap((r) => r.hsmClusters),
      instances: instances.flat(),
      sslPolicies: perRegion.flatMap((r) => r.elbv2.sslPolicies),
      classicPredefinedPolicies: perRegion.flatMap((r) => r.classic.predefinedPolicies),
      trustStores: perRegion.flatMap((r) => r.elbv2.trustStores),
      securityGroups: perRegion.flatMap((r) => r.securityGroups),
      privateCas,
      attempts: ctx.attempts(),
    },
  );
  return { snapshot, stats };
}

/** certificate ARN -> the load balancers whose listeners serve it. */
function certificateUse(loadBalancers: LoadBalancer[]): Map<string, Set<string>> {
  const use = new Map<string, Set<string>>();
  for (const lb of loadBalancers) {
    for (const listener of lb.listeners) {
      for (const cert of listener.certificates) {
        if (!use.has(cert.arn)) use.set(cert.arn, new Set());
        use.get(cert.arn)?.add(lb.arn);
      }
    }
  }
  return use;
}

function instanceIdsOf(loadBalancers: LoadBalancer[]): string[] {
  const ids: string[] = [];
  for (const lb of loadBalancers) {
    for (const i of lb.registeredInstances) ids.push(i.instanceId);
    for (const group of lb.targetGroups) if (group.targetType === 'instance') for (const t of group.targets) ids.push(t.id);
  }
  return ids;
}

// From source the package file is two levels up; from the bundled dist/cli.js it is one.
function generatorVersion(): string {
  const require = createRequire(import.meta.url);
  for (const path of ['../../package.json', '../package.json']) {
    try {
      const pkg = require(path) as { name?: unknown; version?: unknown };
      if (pkg.name === 'elb-tls-audit' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next layout
    }
  }
  return '0.0.0';
}


/** A progress line must not read "0 load balancers" as if the call worked: say which calls failed. */
function failedNote(ctx: CollectContext, service: string, region: string): string {
  const failed = ctx.attempts().filter((a) => a.service === service && a.region === region && a.status === 'error');
  return failed.length === 0 ? '' : ` (INCOMPLETE: ${failed.map((a) => `${a.operation} failed: ${a.reason ?? 'error'}`).join('; ')})`;
}
