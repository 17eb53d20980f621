/**
 * The Lambda modes of the paged fan-out (statemachine/audit.asl.yaml, FanOutUnit=page; src/accounts/pages.ts):
 * the account × region targets beside the account list, one plan per target, the plans joined into the Map's
 * item list, one page per invocation, and the merge of every page into one report. lambda.ts reads the
 * configuration and dispatches here; storing and reporting stay lambda.ts's (handed in as PageDeps).
 *
 * S3 layout under the run prefix: targets.json, plans/<account>/<region>.json, items.json,
 * pages/<account>/<region>/<item id>.json (each a snapshot).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { collectAccounts, parseAccountIds } from '../accounts/index.ts';
import { interleave, mergeStoredPages, parsePageItem, parseTarget, planRegion, targetsOf, type PageItem, type RegionPlan, type Target } from '../accounts/pages.ts';
import { pagesAtOnceFor, pageSizeFor } from '../accounts/sizing.ts';
import { checkpointKeyOf, collectResumably, type InvocationClock } from './lambda-resume.ts';
import { CollectContext } from '../collect/context.ts';
import { DEFAULT_API_BUDGET, DEFAULT_RETRY, sdkClientFactory, type CollectPage } from '../collect/index.ts';
import { enabledRegions } from '../collect/placement.ts';
import { AuditError } from '../model/errors.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { TOOL_VERSION } from '../version.ts';
import type { LambdaConfig, RunSummary } from './lambda.ts';

/** How the state machine fans out: one child per account, or one per page of load balancers (per account × region). */
export type FanOutUnit = 'account' | 'page';

/** The fan-out settings of LambdaConfig, from FAN_OUT_UNIT, PAGE_SIZE and MAP_MAX_CONCURRENCY (lambda.ts readConfig). */
export interface FanOutConfig {
  fanOutUnit: FanOutUnit;
  /** Load balancers per page; null: computed from the call budget (src/accounts/sizing.ts pageSizeFor). */
  pageSize: number | null;
  /** The Map's MaxConcurrency, which decides how many pages of one region may run at once. */
  mapMaxConcurrency: number;
}

/** What lambda.ts hands the page modes: its S3 helpers and how a merged snapshot is judged and stored. */
export interface PageDeps {
  s3: () => S3Client;
  putText: (s3: S3Client, bucket: string, key: string, body: string) => Promise<void>;
  getText: (s3: S3Client, bucket: string, key: string) => Promise<string>;
  storeMerged: (config: LambdaConfig, snapshot: Snapshot, runId: string, runPrefix: string) => Promise<RunSummary>;
}

/** The fan-out settings of a configuration (defaults where a hand-built one has none). */
const fanOutOf = (config: LambdaConfig): FanOutConfig => ({ fanOutUnit: config.fanOutUnit ?? 'page', pageSize: config.pageSize ?? null, mapMaxConcurrency: config.mapMaxConcurrency ?? 20 });

const homeRegion = (): string => process.env['AWS_REGION'] ?? 'us-east-1';
const planKey = (runPrefix: string, t: Target): string => `${runPrefix}/plans/${t.account}/${t.region}.json`;
const pageKey = (runPrefix: string, item: PageItem): string => `${runPrefix}/pages/${item.account}/${item.region}/${item.id}.json`;

/** NoSuchKey (or a 404) means "never stored"; any other failure is a read error. */
async function readIfStored(deps: PageDeps, s3: S3Client, bucket: string, key: string): Promise<string | null> {
  try {
    return await deps.getText(s3, bucket, key);
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) return null;
    throw error;
  }
}

async function regionsOf(config: LambdaConfig): Promise<string[]> {
  if (config.regions !== 'all') return config.regions;
  // The auditing account's enabled regions: a region a member account has not opted into fails there (a gap).
  const ctx = new CollectContext({ clients: sdkClientFactory(), concurrency: 1, retry: DEFAULT_RETRY });
  return enabledRegions(ctx, homeRegion());
}

/** Beside accounts.json: targets.json, every account × region, for the planning Map's ItemReader. */
export async function listTargets(config: LambdaConfig, deps: PageDeps, accounts: readonly string[], runPrefix: string): Promise<{ targetsKey: string; targets: number; fanOut: FanOutUnit }> {
  const targets = targetsOf(accounts, await regionsOf(config));
  const targetsKey = `${runPrefix}/targets.json`;
  await deps.putText(deps.s3(), config.bucket, targetsKey, `${JSON.stringify(targets)}\n`);
  return { targetsKey, targets: targets.length, fanOut: fanOutOf(config).fanOutUnit };
}

/** Plans one account × region into plans/<account>/<region>.json; the page size comes from PAGE_SIZE or the budget. */
async function planOne(config: LambdaConfig, deps: PageDeps, event: Record<string, unknown>, runPrefix: string): Promise<{ account: string; region: string; pageSize: number; items: number }> {
  if (config.roleName === null) throw new AuditError('BAD_USAGE', 'plan-region needs ROLE_NAME', 'ROLE_NAME');
  const target = named('event.target', () => parseTarget(event['target'], 'target'));
  const targets = Number(event['targets'] ?? 1);
  const fanOut = fanOutOf(config);
  const pageSize = fanOut.pageSize ?? pageSizeFor(pagesAtOnceFor(Number.isFinite(targets) ? targets : 1, fanOut.mapMaxConcurrency));
  const plan = await planRegion({
    ...target, roleName: config.roleName, pageSize, homeRegion: homeRegion(),
    ...(config.externalId !== null ? { externalId: config.externalId } : {}),
  });
  await deps.putText(deps.s3(), config.bucket, planKey(runPrefix, target), JSON.stringify(plan));
  return { ...target, pageSize, items: plan.items.length };
}

/** Every stored plan's items, interleaved across targets, as items.json for the page Map's ItemReader. */
async function joinPlans(config: LambdaConfig, deps: PageDeps, runPrefix: string): Promise<{ bucket: string; key: string; count: number }> {
  const s3 = deps.s3();
  const targets = (JSON.parse(await deps.getText(s3, config.bucket, `${runPrefix}/targets.json`)) as unknown[]).map((t, i) => parseTarget(t, `targets.json[${i}]`));
  const plans: RegionPlan[] = [];
  for (const target of targets) {
    const text = await readIfStored(deps, s3, config.bucket, planKey(runPrefix, target)).catch(() => null);
    // A missing or unreadable plan is the merge's to report (it reads every plan again); it adds no items here.
    if (text === null) continue;
    try {
      const plan = JSON.parse(text) as RegionPlan;
      plans.push({ ...plan, items: plan.items.map((item, i) => parsePageItem(item, `plan item ${i}`)) });
    } catch {
      // reported by the merge
    }
  }
  const items = interleave(plans);
  const key = `${runPrefix}/items.json`;
  await deps.putText(s3, config.bucket, key, `${JSON.stringify(items)}\n`);
  return { bucket: config.bucket, key, count: items.length };
}

/** How many pages of one account and region the Map may run at once (targets.json's length against MaxConcurrency). */
async function pagesAtOnceOf(config: LambdaConfig, deps: PageDeps, runPrefix: string): Promise<number> {
  const { mapMaxConcurrency } = fanOutOf(config);
  try {
    const targets = JSON.parse(await deps.getText(deps.s3(), config.bucket, `${runPrefix}/targets.json`)) as unknown[];
    return pagesAtOnceFor(Array.isArray(targets) ? targets.length : 1, mapMaxConcurrency);
  } catch {
    // Without the target list, assume the worst: every concurrent page is in this region.
    return mapMaxConcurrency;
  }
}

/** What collect-page answers: the stored page snapshot, or (resume: true) a checkpoint to invoke it again with. */
export type CollectPageResult =
  | { account: string; region: string; id: string; key: string; complete: boolean; resume: false }
  | { account: string; region: string; id: string; complete: false; resume: true; checkpointKey: string; answers: number };

/**
 * Collects one Map item into pages/<account>/<region>/<id>.json (an account that cannot be entered is stored as
 * its gap). A page is sized to finish in one invocation, but throttling or a slow account can still outrun it:
 * then it stores pages/<account>/<region>/<id>.checkpoint.json and answers resume: true (lambda-resume.ts).
 */
async function collectPage(config: LambdaConfig, deps: PageDeps, event: Record<string, unknown>, runPrefix: string, clock: InvocationClock): Promise<CollectPageResult> {
  if (config.roleName === null) throw new AuditError('BAD_USAGE', 'collect-page needs ROLE_NAME', 'ROLE_NAME');
  const roleName = config.roleName;
  const item = named('event.item', () => parsePageItem(event['item'], 'item'));
  const checkpointKey = checkpointKeyOf(event, 'collect-page');
  const page: CollectPage = item.service === 'region' ? { service: 'region' } : { service: item.service, marker: item.marker, pageSize: item.pageSize };
  const key = pageKey(runPrefix, item);
  // Pages of one account and region that run at once share its budgets: each paces to its share.
  const apiBudget = config.apiBudget === null ? null : (config.apiBudget ?? DEFAULT_API_BUDGET) / (await pagesAtOnceOf(config, deps, runPrefix));
  const s3 = deps.s3();
  const outcome = await collectResumably({
    s3, bucket: config.bucket, ownCheckpoint: key.replace(/\.json$/, '.checkpoint.json'), checkpointKey, clock,
    kind: 'page', subject: `page ${item.account} ${item.region} ${item.id}`, getText: deps.getText, putText: deps.putText,
    collect: (extra) => collectAccounts({
      accounts: parseAccountIds(item.account, 'item.account'),
      roleName,
      accountConcurrency: 1,
      collect: { regions: [item.region], page, apiBudget, ...extra },
      ...(config.externalId !== null ? { externalId: config.externalId } : {}),
    }),
  });
  const where = { account: item.account, region: item.region, id: item.id };
  if (outcome.stopped) return { ...where, complete: false, resume: true, checkpointKey: outcome.checkpointKey, answers: outcome.answers };
  await deps.putText(s3, config.bucket, key, JSON.stringify(outcome.snapshot));
  return { ...where, key, complete: outcome.snapshot.attempts.every((a) => a.status !== 'error'), resume: false };
}

/** Merges every planned item's snapshot (a missing plan or page is that target's gap) and reports once. */
async function mergePages(config: LambdaConfig, deps: PageDeps, runPrefix: string): Promise<RunSummary> {
  const s3 = deps.s3();
  const readJson = async (name: string): Promise<unknown> => {
    try {
      return JSON.parse(await deps.getText(s3, config.bucket, `${runPrefix}/${name}`));
    } catch (error) {
      return new Error(`s3://${config.bucket}/${runPrefix}/${name} could not be read: ${(error as Error).message}`);
    }
  };
  const merged = await mergeStoredPages(
    {
      accountList: await readJson('accounts.json'),
      targets: await readJson('targets.json'),
      readPlan: (t) => readIfStored(deps, s3, config.bucket, planKey(runPrefix, t)),
      readPage: (item) => readIfStored(deps, s3, config.bucket, pageKey(runPrefix, item)),
      where: (item) => `s3://${config.bucket}/${pageKey(runPrefix, item)}`,
    },
    { capturedAt: new Date().toISOString(), generator: { name: 'elb-tls-audit', version: TOOL_VERSION }, homeRegion: homeRegion() },
  );
  const runId = runPrefix.split('/').pop() ?? runPrefix;
  // The probe already had its chance per page; the merge only judges and reports.
  return deps.storeMerged({ ...config, probe: false }, merged, runId, runPrefix);
}

function named<T>(where: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new AuditError('BAD_USAGE', (error as Error).message, where);
  }
}

/** The page modes this file answers. */
export const PAGE_MODES = ['plan-region', 'join-plans', 'collect-page', 'merge-pages'] as const;
export type PageMode = (typeof PAGE_MODES)[number];

/** Runs one page mode; `runPrefix` is already checked to lie under PREFIX, and the external id already read. */
export async function runPageMode(mode: PageMode, event: Record<string, unknown>, config: LambdaConfig, runPrefix: string, deps: PageDeps, clock: InvocationClock = {}): Promise<unknown> {
  if (mode === 'plan-region') return planOne(config, deps, event, runPrefix);
  if (mode === 'join-plans') return joinPlans(config, deps, runPrefix);
  if (mode === 'collect-page') return collectPage(config, deps, event, runPrefix, clock);
  return mergePages(config, deps, runPrefix);
}
