/**
 * The paged fan-out of the Step Functions run: every account × region is planned (DescribeLoadBalancers walked
 * for its markers only, Classic and ELBv2), each page of load balancers becomes one Map item, plus one item per
 * account and region for the region-wide reads; each item's snapshot is stored, and the merge hands them all to
 * the snapshot builder (mergeSnapshots). A target whose plan is missing, or an item whose snapshot is missing or
 * unreadable, is a gap of that account and region (an error attempt: the run is incomplete, never a pass).
 */
import { classicPageMarkers } from '../collect/classic.ts';
import { CollectContext } from '../collect/context.ts';
import { elbv2PageMarkers } from '../collect/elbv2.ts';
import { DEFAULT_RETRY, sdkClientFactory, type SdkClientSettings } from '../collect/index.ts';
import type { Attempt, Snapshot } from '../model/snapshot.ts';
import { validateSnapshot } from '../snapshot/io.ts';
import { assumeAuditRole } from './assume.ts';
import { accountFailure, mergeSnapshots } from './merge.ts';

/** One account and region of the run. */
export interface Target {
  account: string;
  region: string;
}

/** One Map item: a page of one API's load balancers, or the region-wide reads ('region'). */
export interface PageItem extends Target {
  service: 'elb' | 'elbv2' | 'region';
  /** Where the page starts (null: the first page; always null for 'region'). */
  marker: string | null;
  /** Load balancers in the page (0 for 'region'). */
  pageSize: number;
  /** Unique within the target: elb-0, elb-1, elbv2-0, region. Names the stored snapshot. */
  id: string;
}

/** What planning one target stored: its items, and the attempts of the planning calls (a failure is a gap). */
export interface RegionPlan extends Target {
  pageSize: number;
  items: PageItem[];
  attempts: Attempt[];
}

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Checks a target read from an event or a stored file; throws naming the place. */
export function parseTarget(value: unknown, where: string): Target {
  const t = value as Partial<Target> | null;
  if (typeof t?.account !== 'string' || !ACCOUNT_ID.test(t.account)) throw new Error(`${where}: account must be a 12-digit account id`);
  if (typeof t.region !== 'string' || !REGION.test(t.region)) throw new Error(`${where}: region must be a region name such as eu-west-1`);
  return { account: t.account, region: t.region };
}

/** Checks a page item read from an event or a stored plan; throws naming the place. */
export function parsePageItem(value: unknown, where: string): PageItem {
  const target = parseTarget(value, where);
  const item = value as Partial<PageItem>;
  if (item.service !== 'elb' && item.service !== 'elbv2' && item.service !== 'region') throw new Error(`${where}: service must be elb, elbv2 or region`);
  if (item.marker !== null && typeof item.marker !== 'string') throw new Error(`${where}: marker must be a string or null`);
  if (!Number.isInteger(item.pageSize) || (item.pageSize as number) < 0 || (item.pageSize as number) > 400) throw new Error(`${where}: pageSize must be 0..400`);
  if (typeof item.id !== 'string' || !/^(elb|elbv2)-\d+$|^region$/.test(item.id)) throw new Error(`${where}: id must be elb-N, elbv2-N or region`);
  return { ...target, service: item.service, marker: item.marker ?? null, pageSize: item.pageSize as number, id: item.id };
}

/** account × region, in the order the Map should start them. */
export function targetsOf(accounts: readonly string[], regions: readonly string[]): Target[] {
  return accounts.flatMap((account) => regions.map((region) => ({ account, region })));
}

export interface PlanOptions extends Target {
  roleName: string;
  externalId?: string;
  pageSize: number;
  homeRegion: string;
  settings?: SdkClientSettings;
  sessionName?: string;
}

/**
 * Walks both DescribeLoadBalancers listings of one account and region with `pageSize` load balancers a page,
 * keeping only the markers: page i of an API starts at the NextMarker page i-1 returned. A listing that
 * cannot be walked (or an account that cannot be entered) leaves its error in `attempts` and no item for it.
 */
export async function planRegion(options: PlanOptions): Promise<RegionPlan> {
  const { account, region, pageSize } = options;
  const settings = options.settings ?? {};
  const plan: RegionPlan = { account, region, pageSize, items: [], attempts: [] };
  let credentials: NonNullable<SdkClientSettings['credentials']>;
  try {
    credentials = await assumeAuditRole(settings, {
      account, roleName: options.roleName, sessionName: options.sessionName ?? 'elb-tls-audit-plan', homeRegion: options.homeRegion,
      ...(options.externalId !== undefined ? { externalId: options.externalId } : {}),
    });
  } catch (error) {
    plan.attempts.push(accountFailure(account, options.homeRegion, 'AssumeRole', error));
    return plan;
  }
  const clients = sdkClientFactory({ ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}), credentials });
  const ctx = new CollectContext({ clients, concurrency: 2, retry: DEFAULT_RETRY });
  ctx.account = account;
  const markers = async (service: 'elb' | 'elbv2'): Promise<(string | null)[]> => {
    try {
      return await (service === 'elb' ? classicPageMarkers : elbv2PageMarkers)(ctx, region, pageSize);
    } catch {
      return [];
    }
  };
  const [classic, elbv2] = await Promise.all([markers('elb'), markers('elbv2')]);
  for (const [service, list] of [['elb', classic], ['elbv2', elbv2]] as const) {
    list.forEach((marker, i) => plan.items.push({ account, region, service, marker, pageSize, id: `${service}-${i}` }));
  }
  plan.items.push({ account, region, service: 'region', marker: null, pageSize: 0, id: 'region' });
  // Only failures matter to the merge; the listing's own ok attempt is the pages' to record.
  plan.attempts = ctx.attempts().filter((a) => a.status !== 'ok').map((a) => ({ ...a, operation: `${a.operation}(plan)` }));
  return plan;
}

/**
 * Every plan's items in one list, interleaved round-robin across targets, so that the Map's first children come
 * from different accounts and regions (pages of one region share its ELB budget; spreading them is what
 * pageSizeFor assumes).
 */
export function interleave(plans: readonly RegionPlan[]): PageItem[] {
  const out: PageItem[] = [];
  const longest = Math.max(0, ...plans.map((p) => p.items.length));
  for (let i = 0; i < longest; i++) for (const plan of plans) if (plan.items[i]) out.push(plan.items[i]!);
  return out;
}

/** What the merge of a paged run reads, and how. */
export interface StoredPages {
  /** The account list (parsed JSON) or the error reading it. */
  accountList: unknown;
  /** The targets list (parsed JSON) or the error reading it. */
  targets: unknown;
  /** One target's stored plan text, or null when none was stored. */
  readPlan: (target: Target) => Promise<string | null>;
  /** One item's stored snapshot text, or null when none was stored. */
  readPage: (item: PageItem) => Promise<string | null>;
  /** Where an item's snapshot is, for messages. */
  where: (item: PageItem) => string;
}

const gap = (target: Target, operation: string, why: string): Attempt => accountFailure(target.account, target.region, operation, new Error(why), 'stepfunctions');

/** Reads every target's plan and every planned item's snapshot and merges them with the snapshot builder. */
export async function mergeStoredPages(run: StoredPages, options: { capturedAt: string; generator: Snapshot['generator']; homeRegion: string }): Promise<Snapshot> {
  const gaps: Attempt[] = [];
  const snapshots: Snapshot[] = [];
  let targets: Target[] = [];
  try {
    if (run.targets instanceof Error) throw run.targets;
    if (!Array.isArray(run.targets)) throw new Error('targets.json is not a JSON array');
    targets = run.targets.map((t, i) => parseTarget(t, `targets.json[${i}]`));
  } catch (error) {
    gaps.push(accountFailure('organization', options.homeRegion, 'ReadTargets', error, 'stepfunctions'));
  }
  const listed = Array.isArray(run.accountList) ? run.accountList.filter((a): a is string => typeof a === 'string' && ACCOUNT_ID.test(a)) : [];
  if (!Array.isArray(run.accountList)) gaps.push(accountFailure('organization', options.homeRegion, 'ReadAccountList', run.accountList instanceof Error ? run.accountList : new Error('accounts.json is not a JSON array'), 'stepfunctions'));
  for (const target of targets) {
    let plan: RegionPlan;
    try {
      const text = await run.readPlan(target);
      if (text === null) {
        gaps.push(gap(target, 'PlanRegion', 'the map iteration planning this account and region failed or timed out; no plan was stored, so none of its load balancers was read'));
        continue;
      }
      const parsed = JSON.parse(text) as Partial<RegionPlan>;
      const at = parseTarget(parsed, 'plan');
      if (at.account !== target.account || at.region !== target.region) throw new Error(`the plan is for ${at.account} ${at.region}`);
      if (!Array.isArray(parsed.items) || !Array.isArray(parsed.attempts)) throw new Error('the plan has no items or attempts list');
      plan = { ...at, pageSize: Number(parsed.pageSize), items: parsed.items.map((item, i) => parsePageItem(item, `plan item ${i}`)), attempts: parsed.attempts as Attempt[] };
    } catch (error) {
      gaps.push(gap(target, 'ReadPlan', `the stored plan could not be read: ${(error as Error).message}`));
      continue;
    }
    gaps.push(...plan.attempts);
    for (const item of plan.items) {
      const label = `${item.service} ${item.id}${item.marker !== null ? ` (from marker ${item.marker})` : ''}`;
      try {
        const text = await run.readPage(item);
        if (text === null) {
          gaps.push(gap(item, 'CollectPage', `the map iteration for ${label} failed or timed out; no snapshot was stored`));
          continue;
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (error) {
          throw new Error(`${run.where(item)}: not valid JSON (${(error as Error).message})`);
        }
        snapshots.push(validateSnapshot(parsed, run.where(item)));
      } catch (error) {
        gaps.push(gap(item, 'ReadPageSnapshot', `${label}: ${(error as Error).message}`));
      }
    }
  }
  const accounts = [...new Set([...listed, ...targets.map((t) => t.account)])].sort();
  const regions = [...new Set(targets.map((t) => t.region))].sort();
  return mergeSnapshots(snapshots, { capturedAt: options.capturedAt, generator: options.generator, accounts, regions, extraAttempts: gaps });
}
