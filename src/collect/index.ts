import { createRequire } from 'node:module';
import type { LoadBalancer, Snapshot } from '../model/snapshot.ts';
import { buildSnapshot } from '../snapshot/builder.ts';
import { collectAcmCertificates, collectIamCertificates, type CertificateScope } from './certificates.ts';
import { collectClassic, collectPredefinedPolicies } from './classic.ts';
import { sdkClientFactory, type ClientFactory } from './clients.ts';
import { checkpointAnswers, CollectionStopped, keepableAnswers, makeCheckpoint, scopeDifferences, type CheckpointData, type CheckpointScope } from './checkpoint.ts';
import { CollectContext, StopError, type CallStats } from './context.ts';
import { collectElbv2, collectSslPolicies } from './elbv2.ts';
import { collectSecurityGroups, collectWebAcls } from './exposure.ts';
import { collectPrivateCas } from './private-ca.ts';
import { callerAccount, collectHsmClusters, collectInstances, enabledRegions } from './placement.ts';
import { DEFAULT_API_BUDGET, Pacer, type PacingClock } from './pacing.ts';
import { DEFAULT_RETRY, type RetrySettings } from './retry.ts';
import { compareCodePoints } from '../text/order.ts';
import { plural } from '../text/plural.ts';
import { AuditError } from '../model/errors.ts';

export { sdkClientFactory, type ClientFactory, type SdkClientSettings, type ServiceName, type ServiceClients } from './clients.ts';
export type { CallStats } from './context.ts';
export { DEFAULT_RETRY, type RetrySettings } from './retry.ts';
export { DEFAULT_API_BUDGET, parseApiBudget, type PacingClock } from './pacing.ts';
export { classicArn } from './classic.ts';
export {
  CollectionStopped, readCheckpoint, parseCheckpoint, writeCheckpoint, serialiseCheckpoint, validateCheckpoint,
  type CheckpointData, type CheckpointScope, type StopReason,
} from './checkpoint.ts';

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
   * Share of AWS's published request budget (per account, region and API category) the run may use, in
   * (0, 1]; default DEFAULT_API_BUDGET. null: no pacing (emulators that never throttle; adaptive backoff only).
   */
  apiBudget?: number | null;
  /** Benchmarks only: the clock pacing and backoff wait on (a faster one emulates hours of budget in minutes). */
  clock?: PacingClock;
  /** A checkpoint of an earlier run of the same scope: its answers are used instead of sending those calls again. */
  resumeFrom?: CheckpointData;
  /** Names the checkpoint (a file, an S3 key) in errors about it. */
  resumeSource?: string;
  /** Polled before every send: once true, nothing more is sent and the run ends as a checkpoint, not a snapshot. */
  stop?: () => boolean;
  /**
   * One Map item of the paged fan-out (src/accounts/pages.ts): one page of one load-balancer API's
   * DescribeLoadBalancers (from `marker`, `pageSize` load balancers) with every per-load-balancer read and the
   * security groups, web ACLs, instances, trust stores and certificates that page uses; or, for 'region', the
   * region-wide reads only (SSL policies, Classic predefined policies, CloudHSM clusters, the certificate
   * listings). Needs exactly one region.
   */
  page?: CollectPage;
}

/** A run that stopped before it finished: what it read, as a checkpoint to resume from. */
export interface StoppedCollection {
  stopped: true;
  checkpoint: CheckpointData;
  stats: CallStats;
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

/**
 * collectSnapshot, plus the number of API calls per operation (for benchmarks and progress). A run whose stop()
 * turned true throws CollectionStopped carrying the checkpoint; collectOrStop returns it instead.
 */
export async function collectWithStats(options: CollectOptions): Promise<CollectResult> {
  const outcome = await collectOrStop(options);
  if ('stopped' in outcome) throw new CollectionStopped(outcome.checkpoint);
  return outcome;
}

/** The scope a checkpoint must share with the run resuming it (all but the account, which STS tells). */
function wantedScope(options: CollectOptions, homeRegion: string): Omit<CheckpointScope, 'account'> {
  return {
    regions: options.regions === 'all' ? 'all' : [...new Set(options.regions)].sort(),
    homeRegion,
    allCertificates: options.allCertificates === true,
    alsoFetchCertificates: [...new Set(options.alsoFetchCertificates ?? [])].sort(),
    pageSizeLimit: options.pageSizeLimit ?? null,
  };
}

/**
 * Collects the estate, or stops cleanly: once options.stop() is true no further call is sent, the calls in flight
 * finish, and the result is a checkpoint of every answer so far (never a partial snapshot that looks whole).
 * With resumeFrom, the checkpoint's answers are used instead of calls and the snapshot keeps its capture time;
 * STS GetCallerIdentity is always asked again, so a resume with another account's credentials is refused.
 */
export async function collectOrStop(options: CollectOptions): Promise<CollectResult | StoppedCollection> {
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const budget = options.apiBudget === undefined ? DEFAULT_API_BUDGET : options.apiBudget;
  const explicit = options.regions === 'all' ? [] : options.regions;
  const homeRegion = options.homeRegion ?? process.env['AWS_REGION'] ?? explicit[0] ?? 'us-east-1';
  const scope = wantedScope(options, homeRegion);
  const resume = options.resumeFrom;
  const resumeWhere = options.resumeSource ?? 'resumeFrom';
  let preload: Map<string, unknown> | undefined;
  if (resume) {
    const differences = scopeDifferences(resume.scope, scope);
    if (differences.length > 0) throw new AuditError('BAD_USAGE', `the checkpoint was taken for another scope: ${differences.join('; ')}`, resumeWhere);
    preload = checkpointAnswers(resume, resumeWhere);
    // Who the credentials are is asked again: a stored answer would hide a resume in the wrong account.
    for (const key of [...preload.keys()]) if (key.startsWith(`sts|${homeRegion}|GetCallerIdentity|`)) preload.delete(key);
  }
  const ctx = new CollectContext({
    clients: options.clients ?? sdkClientFactory(),
    concurrency,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    ...(budget === null ? {} : { pacer: new Pacer({ budget, ...(options.clock ? { clock: options.clock } : {}) }) }),
    ...(options.clock ? { sleep: options.clock.sleep } : {}),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.pageSizeLimit !== undefined ? { pageSizeLimit: options.pageSizeLimit } : {}),
    ...(preload ? { preload } : {}),
    ...(options.stop ? { stop: options.stop } : {}),
  });
  const capturedAt = resume?.capturedAt ?? (options.now ?? (() => new Date()))().toISOString();
  // Stopped again while resuming: every stored answer is kept, used or not yet.
  const stoppedResult = (): StoppedCollection => ({
    stopped: true,
    // A resume stopped before STS answered again still holds the checkpoint's account.
    checkpoint: makeCheckpoint({ account: ctx.account === 'unknown' && resume ? resume.scope.account : ctx.account, ...scope }, capturedAt, generatorVersion(), keepableAnswers([...(preload ?? []), ...ctx.answers()])),
    stats: ctx.stats(),
  });
  try {
    const result = await collectAll(ctx, options, { concurrency, explicit, homeRegion, capturedAt, resume, resumeWhere });
    return ctx.stopped() ? stoppedResult() : result;
  } catch (error) {
    if (error instanceof StopError) return stoppedResult();
    throw error;
  }
}

interface RunPlan {
  concurrency: number;
  explicit: string[];
  homeRegion: string;
  capturedAt: string;
  resume: CheckpointData | undefined;
  resumeWhere: string;
}

async function collectAll(ctx: CollectContext, options: CollectOptions, plan: RunPlan): Promise<CollectResult> {
  const { concurrency, explicit, homeRegion, capturedAt } = plan;
  const progress = options.onProgress ?? (() => {});

  ctx.account = (await callerAccount(ctx, homeRegion)) ?? 'unknown';
  // A checkpoint with no answers (stopped before STS answered) holds no account's data yet.
  if (plan.resume && plan.resume.entries.length > 0 && plan.resume.scope.account !== ctx.account && !ctx.stopped()) {
    throw new AuditError('BAD_USAGE', `the checkpoint holds account ${plan.resume.scope.account}, but these credentials are for ${ctx.account === 'unknown' ? 'an account STS did not name' : `account ${ctx.account}`}`, plan.resumeWhere);
  }
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
