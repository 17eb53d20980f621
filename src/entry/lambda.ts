/**
 * The scheduled Lambda adapter (nodejs24.x, bundled to dist/lambda.js, export `handler`). Configured by
 * environment; writes every report plus snapshot.json to s3://BUCKET/PREFIX/yyyy/mm/dd/<run-id>/ and
 * optionally publishes a short summary to SNS. Three more event modes let the Step Functions state machine
 * in template.yaml fan out one collection per account and merge them (see docs/lambda.md).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { deliverAlerts, readAlertConfig, readPreviousRun, type AlertConfig, type AlertOutcome } from '../alerts/index.ts';
import { collectAccounts, listOrganizationAccounts, parseAccountIds, parseRoleName } from '../accounts/index.ts';
import { mergeStoredRun } from '../accounts/distributed.ts';
import { audit, type AuditOptions, type AuditOutcome } from '../audit.ts';
import { DEFAULT_API_BUDGET, parseApiBudget, sdkClientFactory } from '../collect/index.ts';
import { AuditError } from '../model/errors.ts';
import type { VerdictKind } from '../model/finding.ts';
import { ALL_FORMATS } from '../report/index.ts';
import { TOOL_VERSION } from '../version.ts';
import { parseFailOn, parseRegions } from './parse.ts';
import { externalIdFromSecret } from './external-id.ts';
import { storeRun } from './run-store.ts';
import { checkpointKeyOf, collectResumably, type InvocationClock } from './lambda-resume.ts';
import { listTargets, PAGE_MODES, runPageMode, type FanOutConfig, type PageDeps, type PageMode } from './lambda-pages.ts';

/** The function's configuration, read from its environment (the fan-out settings: lambda-pages.ts). */
export interface LambdaConfig extends Partial<FanOutConfig> {
  regions: string[] | 'all';
  rulesProfile: string;
  bucket: string;
  prefix: string;
  /** null: the function's own account; else ids or the whole organisation, entered with roleName. */
  accounts: string[] | 'organization' | null;
  roleName: string | null;
  /** EXTERNAL_ID (local runs); the deployed function has EXTERNAL_ID_SECRET_ID instead, read when it enters the accounts */
  externalId: string | null;
  /** Secrets Manager secret (ARN or name) holding the external id (EXTERNAL_ID_SECRET_ID) */
  externalIdSecretId?: string;
  accountConcurrency: number;
  /** API_BUDGET: share of AWS's published request budgets each collection may use (ADR 0016); default 0.5; null ('none'): unpaced */
  apiBudget?: number | null;
  snsTopicArn: string | null;
  probe: boolean;
  failOn: AuditOptions['failOn'];
  failOnEmpty: boolean;
  /** Security Hub, webhook and when to notify (src/alerts/config.ts) */
  alerts: AlertConfig;
}

/** Events: the schedule sends {} (a whole audit); the state machine sends the other three modes. */
export type LambdaEvent =
  | { mode?: 'audit' }
  | { mode: 'list-accounts' }
  /** checkpointKey: continue the collection a previous invocation stopped (its answer's checkpointKey). */
  | { mode: 'collect-account'; account: string; runPrefix: string; checkpointKey?: string }
  | { mode: 'merge'; runPrefix: string }
  // The paged fan-out (lambda-pages.ts): one plan per account and region, one invocation per page.
  | { mode: 'plan-region'; target: { account: string; region: string }; targets: number; runPrefix: string }
  | { mode: 'join-plans'; runPrefix: string }
  | { mode: 'collect-page'; item: Record<string, unknown>; runPrefix: string; checkpointKey?: string }
  | { mode: 'merge-pages'; runPrefix: string };

export interface RunSummary {
  runId: string;
  bucket: string;
  prefix: string;
  keys: string[];
  verdict: VerdictKind;
  /** The verdict in one line, as every other output states it. */
  verdictMessage: string;
  /** The exit code a CLI run would have had (0, 1 or 3). */
  exitCode: number;
  complete: boolean;
  failing: number;
  errors: number;
  /** since the previous run in the bucket; null on the first run */
  changes: { new: number; resolved: number; unchanged: number; undetermined: number; completeness: { before: boolean; now: boolean } } | null;
  /** what each alert channel did */
  alerts: AlertOutcome;
}

const CONTENT_TYPES: Record<string, string> = {
  'results.sarif': 'application/sarif+json',
  'report.html': 'text/html; charset=utf-8',
  'findings.json': 'application/json',
  'summary.md': 'text/markdown; charset=utf-8',
  'snapshot.json': 'application/json',
};

/** Reads and validates the environment; a bad value throws an AuditError naming the variable. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): LambdaConfig {
  const get = (name: string): string => (env[name] ?? '').trim();
  const named = <T>(name: string, parse: () => T): T => {
    try {
      return parse();
    } catch (error) {
      throw new AuditError('BAD_USAGE', (error as Error).message.replace(/^--[\w-]+: /, ''), name);
    }
  };
  const bucket = get('BUCKET');
  if (bucket === '') throw new AuditError('BAD_USAGE', 'the report bucket is not set', 'BUCKET');
  const accountsText = get('ACCOUNTS');
  const accounts = accountsText === '' ? null : accountsText === 'organization' ? 'organization' : named('ACCOUNTS', () => parseAccountIds(accountsText));
  const roleName = get('ROLE_NAME') === '' ? null : named('ROLE_NAME', () => parseRoleName(get('ROLE_NAME')));
  if (accounts !== null && roleName === null) throw new AuditError('BAD_USAGE', 'ACCOUNTS needs ROLE_NAME (the role to assume in every account)', 'ROLE_NAME');
  const concurrency = Number(get('ACCOUNT_CONCURRENCY') || '4');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new AuditError('BAD_USAGE', `"${get('ACCOUNT_CONCURRENCY')}" is not 1..64`, 'ACCOUNT_CONCURRENCY');
  // 'none' turns pacing off, for emulators that never throttle (the local state-machine run against moto).
  const apiBudget = get('API_BUDGET') === '' ? DEFAULT_API_BUDGET : get('API_BUDGET') === 'none' ? 'none' : parseApiBudget(get('API_BUDGET'));
  if (apiBudget === null) throw new AuditError('BAD_USAGE', `"${get('API_BUDGET')}" is not a fraction greater than 0 and at most 1 (e.g. 0.5 or 50%)`, 'API_BUDGET');
  const externalIdSecretId = get('EXTERNAL_ID_SECRET_ID');
  if (externalIdSecretId !== '' && get('EXTERNAL_ID') !== '') throw new AuditError('BAD_USAGE', 'set EXTERNAL_ID or EXTERNAL_ID_SECRET_ID, not both', 'EXTERNAL_ID_SECRET_ID');
  const bool = (name: string, fallback: 'true' | 'false'): boolean => {
    const value = get(name) || fallback;
    if (value !== 'true' && value !== 'false') throw new AuditError('BAD_USAGE', `"${value}" is not true or false`, name);
    return value === 'true';
  };
  return {
    regions: parseRegions(env['REGIONS'], 'REGIONS', env),
    rulesProfile: get('RULES_PROFILE') || 'default',
    bucket,
    prefix: get('PREFIX').replace(/^\/+|\/+$/g, '') || 'elb-tls-audit',
    accounts,
    roleName,
    externalId: get('EXTERNAL_ID') || null,
    ...(externalIdSecretId !== '' ? { externalIdSecretId } : {}),
    accountConcurrency: concurrency,
    apiBudget: apiBudget === 'none' ? null : apiBudget,
    snsTopicArn: get('SNS_TOPIC_ARN') || null,
    probe: bool('PROBE', 'true'),
    failOn: parseFailOn(get('FAIL_ON') || 'high', 'FAIL_ON'),
    failOnEmpty: bool('FAIL_ON_EMPTY', 'false'),
    alerts: readAlertConfig(env),
    ...fanOutConfig(get),
  };
}

/** FAN_OUT_UNIT (page|account, default page), PAGE_SIZE (1..400, or 0/empty = computed), MAP_MAX_CONCURRENCY (1..10000). */
function fanOutConfig(get: (name: string) => string): FanOutConfig {
  const unit = get('FAN_OUT_UNIT') || 'page';
  if (unit !== 'page' && unit !== 'account') throw new AuditError('BAD_USAGE', `"${unit}" is not page or account`, 'FAN_OUT_UNIT');
  const size = Number(get('PAGE_SIZE') || '0');
  if (!Number.isInteger(size) || size < 0 || size > 400) throw new AuditError('BAD_USAGE', `"${get('PAGE_SIZE')}" is not 0..400 (0: computed from the call budget)`, 'PAGE_SIZE');
  const concurrency = Number(get('MAP_MAX_CONCURRENCY') || '20');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10_000) throw new AuditError('BAD_USAGE', `"${get('MAP_MAX_CONCURRENCY')}" is not 1..10000`, 'MAP_MAX_CONCURRENCY');
  return { fanOutUnit: unit, pageSize: size === 0 ? null : size, mapMaxConcurrency: concurrency };
}

/** <prefix>/<yyyy>/<mm>/<dd>/<run-id>, dated in UTC; the run id sorts by time and stays unique. */
export function runPrefixFor(prefix: string, now: Date, requestId: string): { runId: string; runPrefix: string } {
  const iso = now.toISOString();
  const runId = `${iso.slice(0, 19).replace(/[-:]/g, '')}Z-${requestId.replace(/[^\w-]/g, '').slice(0, 36)}`;
  return { runId, runPrefix: `${prefix}/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${runId}` };
}

function s3Client(): S3Client {
  const endpoint = process.env['AWS_ENDPOINT_URL_S3'] ?? process.env['AWS_ENDPOINT_URL'];
  // Emulators and VPC endpoints answer on one host name: path-style addressing.
  return new S3Client({ ...(endpoint ? { endpoint, forcePathStyle: true } : {}) });
}

async function putText(s3: S3Client, bucket: string, key: string, body: string, contentType = 'application/json'): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
}

async function getText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await out.Body?.transformToString('utf8')) ?? '';
}

/** Runs the audit into a temp folder, uploads every file under runPrefix, publishes to SNS; never throws on findings. */
async function auditAndStore(config: LambdaConfig, source: AuditOptions['source'], runId: string, runPrefix: string): Promise<RunSummary> {
  const dir = mkdtempSync(join(tmpdir(), 'elb-tls-audit-'));
  try {
    const s3 = s3Client();
    const previous = await previousRun(s3, config);
    const outcome = await audit({
      ...(previous ? { previous } : {}),
      source,
      probe: config.probe ? { connectTo: [], includeInternal: false } : false,
      profile: config.rulesProfile,
      out: { dir, formats: ALL_FORMATS },
      snapshotOut: join(dir, 'snapshot.json'),
      failOn: config.failOn,
      failOnEmpty: config.failOnEmpty,
      allowPartial: false,
      sarifCategory: 'elb-tls-audit',
      onProgress: (line) => console.log(line),
    });
    // Every object under the run's own prefix, then <prefix>/latest.json last: the next run's previous run.
    const keys = await storeRun(s3, config.bucket, config.prefix, { runId, runPrefix }, dir, CONTENT_TYPES);
    const partial = summaryOf(outcome, config, runId, runPrefix, keys);
    const alerts = await deliverAlerts({
      config: config.alerts, snsTopicArn: config.snsTopicArn, result: outcome.result, rules: outcome.rules,
      verdict: partial.verdict, bucket: config.bucket, prefix: runPrefix, log: (line) => console.log(line),
    });
    const summary: RunSummary = { ...partial, alerts };
    console.log(JSON.stringify({ message: 'elb-tls-audit run stored', ...summary }));
    return summary;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What the function returns for a run: the verdict as every other output states it. */
export function summaryOf(outcome: AuditOutcome, config: LambdaConfig, runId: string, runPrefix: string, keys: string[]): Omit<RunSummary, 'alerts'> {
  const s = outcome.result.summary;
  const v = outcome.result.verdict;
  const c = outcome.result.changes;
  const changes = c ? { new: c.new.length, resolved: c.resolved.length, unchanged: c.unchanged, undetermined: c.undetermined.length, completeness: c.completeness } : null;
  return {
    runId, bucket: config.bucket, prefix: runPrefix, keys, verdict: v.kind, verdictMessage: v.headline, exitCode: v.exitCode,
    complete: outcome.result.complete, failing: s.byStatus.fail, errors: s.byStatus.error, changes,
  };
}

/** The last stored run, to compare with; a broken pointer is logged and the run goes on as a first run. */
async function previousRun(s3: S3Client, config: LambdaConfig): Promise<AuditOptions['previous'] | null> {
  try {
    return (await readPreviousRun(s3, config.bucket, config.prefix))?.run ?? null;
  } catch (error) {
    console.error(`previous run not readable, comparing with nothing: ${(error as Error).message}`);
    return null;
  }
}

function collectOptions(config: LambdaConfig) {
  return { regions: config.regions, apiBudget: config.apiBudget === undefined ? DEFAULT_API_BUDGET : config.apiBudget };
}

function sourceFor(config: LambdaConfig): AuditOptions['source'] {
  if (config.accounts === null || config.roleName === null) return { kind: 'aws', collect: { ...collectOptions(config), clients: sdkClientFactory() } };
  return {
    kind: 'accounts',
    accounts: {
      accounts: config.accounts,
      roleName: config.roleName,
      accountConcurrency: config.accountConcurrency,
      collect: collectOptions(config),
      ...(config.externalId !== null ? { externalId: config.externalId } : {}),
    },
  };
}

/** State machine step 1: the account list and the account × region targets, stored as JSON for the Distributed Maps' ItemReaders. */
async function listAccounts(config: LambdaConfig, runPrefix: string): Promise<{ bucket: string; key: string; runPrefix: string; count: number; targetsKey: string; targets: number; fanOut: string }> {
  const homeRegion = process.env['AWS_REGION'] ?? 'us-east-1';
  const accounts = config.accounts === 'organization' ? await listOrganizationAccounts({}, homeRegion) : config.accounts ?? [];
  if (accounts.length === 0) throw new AuditError('BAD_USAGE', 'the state machine needs ACCOUNTS (ids or organization) and ROLE_NAME', 'ACCOUNTS');
  const key = `${runPrefix}/accounts.json`;
  await putText(s3Client(), config.bucket, key, `${JSON.stringify(accounts)}\n`);
  return { bucket: config.bucket, key, runPrefix, count: accounts.length, ...(await listTargets(config, PAGE_DEPS, accounts, runPrefix)) };
}

/** What collect-account answers: the stored snapshot, or (resume: true) a checkpoint to invoke it again with. */
export type CollectAccountResult =
  | { account: string; key: string; complete: boolean; resume: false }
  /** complete: false too, so a state machine that does not loop yet still reads the field (and the merge names the gap). */
  | { account: string; complete: false; resume: true; checkpointKey: string; answers: number };

/**
 * State machine map item: collect one account into <runPrefix>/accounts/<id>/snapshot.json (a failure is stored too).
 * When the invocation's remaining time falls below the margin, it stores what it read as
 * <runPrefix>/accounts/<id>/checkpoint.json and answers resume: true (lambda-resume.ts).
 */
async function collectOne(config: LambdaConfig, account: string, runPrefix: string, checkpointKey: string | undefined, clock: InvocationClock): Promise<CollectAccountResult> {
  if (config.roleName === null) throw new AuditError('BAD_USAGE', 'collect-account needs ROLE_NAME', 'ROLE_NAME');
  const accounts = parseAccountIds(account, 'account');
  const roleName = config.roleName;
  const s3 = s3Client();
  const outcome = await collectResumably({
    s3, bucket: config.bucket, ownCheckpoint: `${runPrefix}/accounts/${account}/checkpoint.json`, checkpointKey, clock,
    kind: 'account', subject: `account ${account}`, getText, putText,
    collect: (extra) => collectAccounts({
      accounts,
      roleName,
      accountConcurrency: 1,
      collect: { ...collectOptions(config), ...extra },
      ...(config.externalId !== null ? { externalId: config.externalId } : {}),
    }),
  });
  if (outcome.stopped) return { account, complete: false, resume: true, checkpointKey: outcome.checkpointKey, answers: outcome.answers };
  const key = `${runPrefix}/accounts/${account}/snapshot.json`;
  await putText(s3, config.bucket, key, JSON.stringify(outcome.snapshot));
  return { account, key, complete: outcome.snapshot.attempts.every((a) => a.status !== 'error'), resume: false };
}

/** State machine last step: merge the per-account snapshots (a missing or bad one is that account's gap) and report once. */
async function mergeRun(config: LambdaConfig, runPrefix: string): Promise<RunSummary> {
  const s3 = s3Client();
  let accountList: unknown;
  try {
    accountList = JSON.parse(await getText(s3, config.bucket, `${runPrefix}/accounts.json`));
  } catch (error) {
    accountList = new Error(`s3://${config.bucket}/${runPrefix}/accounts.json could not be read: ${(error as Error).message}`);
  }
  const stored = new Map<string, string>();
  let token: string | undefined;
  do {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: config.bucket, Prefix: `${runPrefix}/accounts/`, ...(token ? { ContinuationToken: token } : {}) }));
    for (const o of out.Contents ?? []) {
      const m = /\/accounts\/(\d{12})\/snapshot\.json$/.exec(o.Key ?? '');
      if (m?.[1] && o.Key) stored.set(m[1], o.Key);
    }
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  const merged = await mergeStoredRun(
    { accountList, stored, read: (account) => getText(s3, config.bucket, stored.get(account)!) },
    {
      capturedAt: new Date().toISOString(),
      generator: { name: 'elb-tls-audit', version: TOOL_VERSION },
      regions: config.regions === 'all' ? [] : config.regions,
      homeRegion: process.env['AWS_REGION'] ?? 'us-east-1',
    },
  );
  const runId = runPrefix.split('/').pop() ?? runPrefix;
  // The probe already had its chance per account; the merge only judges and reports.
  return auditAndStore({ ...config, probe: false }, { kind: 'snapshot', snapshot: merged }, runId, runPrefix);
}

/** The configuration with the external id read from its secret, for the modes that enter member accounts. */
async function withExternalId(config: LambdaConfig, entersAccounts: boolean): Promise<LambdaConfig> {
  if (config.externalIdSecretId === undefined || !entersAccounts) return config;
  return { ...config, externalId: await externalIdFromSecret(config.externalIdSecretId) };
}

/** What the page modes (lambda-pages.ts) use of this file: S3 and how a merged snapshot is judged and stored. */
const PAGE_DEPS: PageDeps = {
  s3: s3Client,
  putText: (s3, bucket, key, body) => putText(s3, bucket, key, body),
  getText,
  storeMerged: (config, snapshot, runId, runPrefix) => auditAndStore(config, { kind: 'snapshot', snapshot }, runId, runPrefix),
};

const isPageMode = (mode: string): mode is PageMode => (PAGE_MODES as readonly string[]).includes(mode);

/** The Lambda entry point (async only: nodejs24.x has no callback handlers). */
export async function handler(event: LambdaEvent | null | undefined, context?: { awsRequestId?: string } & InvocationClock): Promise<unknown> {
  const config = readConfig();
  const mode = event?.mode ?? 'audit';
  if (mode === 'collect-account' || mode === 'merge' || isPageMode(mode)) {
    const runPrefix = (event as { runPrefix?: unknown }).runPrefix;
    if (typeof runPrefix !== 'string' || !runPrefix.startsWith(`${config.prefix}/`)) throw new AuditError('BAD_USAGE', `runPrefix must lie under ${config.prefix}/`, 'event.runPrefix');
    if (mode === 'merge') return mergeRun(config, runPrefix);
    const clock = context?.getRemainingTimeInMillis ? { getRemainingTimeInMillis: context.getRemainingTimeInMillis.bind(context) } : {};
    if (isPageMode(mode)) return runPageMode(mode, event as Record<string, unknown>, await withExternalId(config, mode === 'plan-region' || mode === 'collect-page'), runPrefix, PAGE_DEPS, clock);
    const checkpointKey = checkpointKeyOf(event as Record<string, unknown>, 'collect-account');
    return collectOne(await withExternalId(config, true), String((event as { account?: unknown }).account ?? ''), runPrefix, checkpointKey, clock);
  }
  const { runId, runPrefix } = runPrefixFor(config.prefix, new Date(), context?.awsRequestId ?? randomUUID());
  if (mode === 'list-accounts') return listAccounts(config, runPrefix);
  if (mode !== 'audit') throw new AuditError('BAD_USAGE', `unknown mode "${String(mode)}"`, 'event.mode');
  const entering = await withExternalId(config, config.accounts !== null && config.roleName !== null);
  return auditAndStore(entering, sourceFor(entering), runId, runPrefix);
}
