/**
 * Keeps Security Hub in step with a run: imports this run's findings (BatchImportFindings, 100 a call,
 * retried when throttled or failing transiently, every per-finding failure reported), and closes what
 * was imported before and now passes: re-imported as RecordState ARCHIVED, Compliance PASSED, then
 * BatchUpdateFindings sets Workflow RESOLVED (the workflow belongs to the customer side of the API, so a
 * provider's import alone may not change it). A finding that is unknown now (an error, or not seen by an
 * incomplete run) is left as it was: unknown is not a fix.
 */
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
  type AwsSecurityFinding,
  type AwsSecurityFindingFilters,
} from '@aws-sdk/client-securityhub';
import { backoffDelay, classifyError, describeError, type RetrySettings } from '../collect/retry.ts';
import type { AuditResult, Finding } from '../model/finding.ts';
import type { RuleDefinition } from '../model/rule.ts';
import { ASFF_GENERATOR_PREFIX, asffId, toAsff, toAsffFinding, type AsffFinding, type AsffProduct } from '../report/asff.ts';

const BATCH = 100;

/** What one sync did, for the summary and the CLI. */
export interface SecurityHubReport {
  productArn: string;
  region: string;
  /** findings of this run accepted by Security Hub */
  imported: number;
  /** Ids of findings imported earlier and closed now */
  archived: string[];
  /** findings Security Hub refused (per finding), or whole batches that failed after the retries */
  failed: { id: string; code: string; message: string }[];
  /** the BatchUpdateFindings call that sets Workflow RESOLVED on the archived findings */
  workflow: { status: 'updated' | 'not-needed' | 'failed'; message?: string };
}

export interface SyncOptions {
  client: SecurityHubClient;
  product: AsffProduct;
  now?: () => Date;
  retry?: RetrySettings;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_SYNC_RETRY: RetrySettings = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 5_000 };

/** A Security Hub client for a region; AWS_ENDPOINT_URL(_SECURITYHUB) points it at an emulator. */
export function securityHubClient(region: string, env: NodeJS.ProcessEnv = process.env): SecurityHubClient {
  const endpoint = env['AWS_ENDPOINT_URL_SECURITYHUB'] ?? env['AWS_ENDPOINT_URL'];
  return new SecurityHubClient({ region, maxAttempts: 1, ...(endpoint ? { endpoint } : {}) });
}

export const productArnOf = (p: AsffProduct): string => `arn:${p.partition}:securityhub:${p.region}:${p.account}:product/${p.account}/default`;

async function withRetry<T>(call: () => Promise<T>, options: SyncOptions): Promise<T> {
  const settings = options.retry ?? DEFAULT_SYNC_RETRY;
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      // BatchImportFindings upserts by Id, so sending a batch again is safe.
      if (classifyError(error) === 'fatal' || attempt >= settings.maxAttempts) throw error;
      await sleep(backoffDelay(attempt, settings));
    }
  }
}

/** The findings this tool imported earlier that are still active (filtered here too: emulators may ignore Filters). */
export async function activeImportedFindings(options: SyncOptions): Promise<AwsSecurityFinding[]> {
  const productArn = productArnOf(options.product);
  const filters: AwsSecurityFindingFilters = {
    ProductArn: [{ Value: productArn, Comparison: 'EQUALS' }],
    GeneratorId: [{ Value: ASFF_GENERATOR_PREFIX, Comparison: 'PREFIX' }],
    RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
  };
  const found: AwsSecurityFinding[] = [];
  let token: string | undefined;
  do {
    const page = await withRetry(() => options.client.send(new GetFindingsCommand({ Filters: filters, MaxResults: 100, ...(token ? { NextToken: token } : {}) })), options);
    for (const f of page.Findings ?? []) {
      if (f.ProductArn === productArn && f.GeneratorId?.startsWith(ASFF_GENERATOR_PREFIX) && (f.RecordState ?? 'ACTIVE') === 'ACTIVE') found.push(f);
    }
    token = page.NextToken || undefined;
  } while (token);
  return found;
}

// The SDK types Partition as a union of known partitions; ours come from real ARNs, so the shapes agree.
const sdkFinding = (f: AsffFinding): AwsSecurityFinding => f as unknown as AwsSecurityFinding;

/** The archive record for a finding imported earlier: ours again, now PASSED, ARCHIVED, RESOLVED. */
function archiveRecord(earlier: AwsSecurityFinding, passing: AsffFinding | undefined, updatedAt: string): AwsSecurityFinding {
  const base: AwsSecurityFinding = passing ? sdkFinding(passing) : {
    SchemaVersion: earlier.SchemaVersion, Id: earlier.Id, ProductArn: earlier.ProductArn, GeneratorId: earlier.GeneratorId, AwsAccountId: earlier.AwsAccountId,
    Types: earlier.Types, CreatedAt: earlier.CreatedAt, UpdatedAt: updatedAt, Severity: earlier.Severity, Title: earlier.Title, Description: earlier.Description,
    Resources: earlier.Resources, ...(earlier.Region ? { Region: earlier.Region } : {}), ...(earlier.Remediation ? { Remediation: earlier.Remediation } : {}),
    ...(earlier.ProductFields ? { ProductFields: earlier.ProductFields } : {}),
  };
  return {
    ...base,
    ...(earlier.CreatedAt ? { CreatedAt: earlier.CreatedAt } : {}),
    ...(earlier.FirstObservedAt ? { FirstObservedAt: earlier.FirstObservedAt } : {}),
    UpdatedAt: updatedAt,
    Compliance: { ...(base.Compliance ?? {}), Status: 'PASSED' },
    RecordState: 'ARCHIVED',
    Workflow: { Status: 'RESOLVED' },
  };
}

/** Whether a finding imported earlier is fixed now: it passes, or a complete run no longer produces it. */
function isFixed(current: Finding | undefined, complete: boolean): boolean {
  if (current === undefined) return complete;
  return current.status === 'pass' || current.status === 'not_applicable';
}

/** Imports this run and archives what it fixed. Throws only when Security Hub cannot be read at all. */
export async function syncSecurityHub(result: AuditResult, rules: readonly RuleDefinition[], options: SyncOptions): Promise<SecurityHubReport> {
  const now = (options.now ?? (() => new Date()))().toISOString();
  const product = options.product;
  const report: SecurityHubReport = { productArn: productArnOf(product), region: product.region, imported: 0, archived: [], failed: [], workflow: { status: 'not-needed' } };
  const earlier = await activeImportedFindings(options);
  const earlierById = new Map(earlier.map((f) => [f.Id ?? '', f]));

  // This run's findings; those seen before keep when they were first seen.
  const current = toAsff(result, rules, product).map((f): AwsSecurityFinding => {
    const before = earlierById.get(f.Id);
    return { ...sdkFinding(f), UpdatedAt: now, LastObservedAt: now, ...(before?.CreatedAt ? { CreatedAt: before.CreatedAt } : {}), ...(before?.FirstObservedAt ? { FirstObservedAt: before.FirstObservedAt } : {}) };
  });
  const currentIds = new Set(current.map((f) => f.Id));
  const findingById = new Map(result.findings.map((f) => [asffId(f), f]));
  const byRule = new Map(rules.map((r) => [r.id, r]));
  const archives: AwsSecurityFinding[] = [];
  for (const before of earlier) {
    const id = before.Id ?? '';
    if (currentIds.has(id)) continue;
    const finding = findingById.get(id);
    if (!isFixed(finding, result.complete)) continue;
    const passing = finding ? toAsffFinding(finding, byRule.get(finding.ruleId), product, now, result.scope.regions) : undefined;
    archives.push(archiveRecord(before, passing, now));
  }

  const failedIds = new Set<string>();
  const all = [...current, ...archives];
  for (let i = 0; i < all.length; i += BATCH) {
    const batch = all.slice(i, i + BATCH);
    try {
      const out = await withRetry(() => options.client.send(new BatchImportFindingsCommand({ Findings: batch })), options);
      for (const failure of out.FailedFindings ?? []) {
        failedIds.add(failure.Id ?? '');
        report.failed.push({ id: failure.Id ?? '', code: failure.ErrorCode ?? 'Unknown', message: failure.ErrorMessage ?? '' });
      }
    } catch (error) {
      for (const f of batch) failedIds.add(f.Id ?? '');
      report.failed.push(...batch.map((f) => ({ id: f.Id ?? '', code: 'BatchFailed', message: describeError(error) })));
    }
  }
  report.imported = current.filter((f) => !failedIds.has(f.Id ?? '')).length;
  report.archived = archives.map((f) => f.Id ?? '').filter((id) => !failedIds.has(id));

  if (report.archived.length > 0) {
    try {
      for (let i = 0; i < report.archived.length; i += BATCH) {
        const ids = report.archived.slice(i, i + BATCH).map((Id) => ({ Id, ProductArn: report.productArn }));
        const out = await withRetry(() => options.client.send(new BatchUpdateFindingsCommand({ FindingIdentifiers: ids, Workflow: { Status: 'RESOLVED' }, Note: { Text: 'Passes again: closed by elb-tls-audit', UpdatedBy: 'elb-tls-audit' } })), options);
        const unprocessed = out.UnprocessedFindings ?? [];
        if (unprocessed.length > 0) throw new Error(`${unprocessed.length} not updated: ${unprocessed.map((u) => `${u.FindingIdentifier?.Id}: ${u.ErrorCode}`).join('; ')}`);
      }
      report.workflow = { status: 'updated' };
    } catch (error) {
      report.workflow = { status: 'failed', message: describeError(error) };
    }
  }
  return report;
}
