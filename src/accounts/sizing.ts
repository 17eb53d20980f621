/**
 * How big a page of the paged fan-out is, and what an organisation costs to audit: one formula, every figure
 * it uses a named parameter here, so a measured figure changes the page size, docs/lambda.md's sizing table
 * (test/entry/sam-template.test.ts checks the table is this formula's output) and nothing else.
 */

import { DEFAULT_API_BUDGET, PACED_RATE } from '../collect/pacing.ts';

/** The figures the page size and the sizing table are computed from. */
export interface SizingParameters {
  /**
   * Seconds of the ELB API's budget one load balancer costs at the paced rate: the Describe* bucket refills
   * 10 tokens/s per account and region (src/collect/api-budgets.ts), the collector uses --api-budget of it, and
   * a load balancer takes ELB_CALLS_PER_LOAD_BALANCER calls (measured, below).
   */
  elbSecondsPerLoadBalancer: number;
  /** Seconds of one Lambda run (Timeout 900) a page may use, leaving room for retries, S3 and a slow start. */
  runBudgetSeconds: number;
  /** DescribeLoadBalancers' PageSize maximum (Classic and ELBv2 alike). */
  apiPageMax: number;
  /** Seconds every invocation spends besides the ELB calls (AssumeRole, S3 read/write, start). Estimated. */
  invocationOverheadSeconds: number;
  /** Seconds the merge spends per 1,000 load balancers (read, merge, judge, report). Estimated, not measured. */
  mergeSecondsPer1000LoadBalancers: number;
  /** The function's memory (template.yaml MemorySize 1024). */
  memoryGb: number;
  /** Lambda arm64 duration price, USD per GB-second (us-east-1, first tier). */
  lambdaUsdPerGbSecond: number;
  /** Lambda request price, USD per request ($0.20 per million). */
  lambdaUsdPerRequest: number;
  /** Step Functions Standard price, USD per state transition ($0.025 per 1,000, us-east-1). */
  sfnUsdPerTransition: number;
  /** The Map states' MaxConcurrency (template.yaml MapMaxConcurrency default). */
  mapMaxConcurrency: number;
}

/**
 * Prices as read on 2026-12-03 from stored copies of the public pricing pages: Lambda
 * https://aws.amazon.com/lambda/pricing/ (arm64 $0.0000133334 per GB-s, first 7.5 billion GB-s a month; requests
 * $0.20 per million), Step Functions https://aws.amazon.com/step-functions/pricing/ (Standard: $0.025 per 1,000
 * state transitions in us-east-1, retries included; a Distributed Map's child executions are Standard executions
 * of the same machine, billed by their transitions). Free tiers are left out.
 */
/**
 * ELB calls one load balancer costs, measured by the throttled collect bench (bench/collect-throttled.bench.ts,
 * ADR 0016) on its generated estate: an ALB/NLB with 2-4 listeners and one target group takes 7.3 ELBv2 calls
 * (attributes, listeners, rules and SNI certificates per listener, target-group attributes and health, a share of
 * DescribeTags); a Classic load balancer 3.1 on its own API's bucket. The ELBv2 figure is used.
 */
export const ELB_CALLS_PER_LOAD_BALANCER = 7.3;
/** The ELB Describe* bucket's refill per account and region (src/collect/api-budgets.ts). */
export const ELB_REFILL_PER_SECOND = 10;

/** Seconds of ELB budget a load balancer costs when the collector paces to `apiBudget` (pacing.ts runs 5 % under it). */
export function elbSecondsPerLoadBalancer(apiBudget: number): number {
  return ELB_CALLS_PER_LOAD_BALANCER / (ELB_REFILL_PER_SECOND * apiBudget * PACED_RATE);
}

export const SIZING: SizingParameters = {
  // At the default --api-budget (0.5): 7.3 / (10 x 0.5 x 0.95) = 1.54 s per load balancer.
  elbSecondsPerLoadBalancer: elbSecondsPerLoadBalancer(DEFAULT_API_BUDGET),
  runBudgetSeconds: 600,
  apiPageMax: 400,
  invocationOverheadSeconds: 2,
  mergeSecondsPer1000LoadBalancers: 2,
  memoryGb: 1,
  lambdaUsdPerGbSecond: 0.0000133334,
  lambdaUsdPerRequest: 0.2 / 1_000_000,
  sfnUsdPerTransition: 0.025 / 1000,
  mapMaxConcurrency: 20,
};

/** The longest a Lambda run may be (the quota, and template.yaml's Timeout). */
export const LAMBDA_MAX_SECONDS = 900;

/**
 * Load balancers per page when `pagesAtOnce` pages of one account and region run at the same time: they share
 * that region's ELB bucket, so each gets 1/pagesAtOnce of it, and a page must still finish in runBudgetSeconds.
 */
export function pageSizeFor(pagesAtOnce: number, p: SizingParameters = SIZING): number {
  const share = p.elbSecondsPerLoadBalancer * Math.max(1, Math.ceil(pagesAtOnce));
  return Math.max(1, Math.min(p.apiPageMax, Math.floor(p.runBudgetSeconds / share)));
}

/** How many pages of one region can run at once: the Map's concurrency spread over every account and region. */
export function pagesAtOnceFor(targets: number, mapMaxConcurrency: number): number {
  return Math.max(1, Math.ceil(mapMaxConcurrency / Math.max(1, targets)));
}

// State transitions per execution, counted from statemachine/audit.asl.yaml (page fan-out): the parent enters
// ListAccounts, ChooseFanOut, PlanRegions, JoinPlans, CollectPages, MergePages; a plan child enters PlanRegion; a
// page child CollectPage, PageResumes, PageDone; each child's start is counted as one more.
const PARENT_TRANSITIONS = 6;
const PLAN_CHILD_TRANSITIONS = 2;
const PAGE_CHILD_TRANSITIONS = 4;

/** What auditing accounts × regions × load balancers (per region) takes with the paged fan-out. */
export interface SizingEstimate {
  accounts: number;
  regions: number;
  loadBalancersPerRegion: number;
  pageSize: number;
  /** Map items: pages of load balancers plus one region item per account and region. */
  items: number;
  /** Lambda invocations: list, one plan per account and region, join, every item, merge. */
  invocations: number;
  lambdaSeconds: number;
  /** Wall-clock estimate: the collection (bounded by one region's ELB budget or by the Map's concurrency) plus the merge. */
  wallSeconds: number;
  mergeSeconds: number;
  /** false: the merge alone would exceed one Lambda run (merge in parts, or raise memory and test). */
  mergeFits: boolean;
  transitions: number;
  usd: { lambda: number; requests: number; stepFunctions: number; total: number };
}

/** The sizing formula (docs/lambda.md, "Sizing"); every page assumed full, every load balancer one API's. */
export function estimate(accounts: number, regions: number, loadBalancersPerRegion: number, p: SizingParameters = SIZING): SizingEstimate {
  const targets = accounts * regions;
  const atOnce = pagesAtOnceFor(targets, p.mapMaxConcurrency);
  const pageSize = pageSizeFor(atOnce, p);
  const pagesPerRegion = Math.ceil(loadBalancersPerRegion / pageSize);
  const items = targets * (pagesPerRegion + 1);
  const invocations = 1 + targets + 1 + items + 1;
  // Pages of one region that really run together share its bucket: each waits for the others' calls.
  const contention = Math.max(1, Math.min(atOnce, pagesPerRegion));
  const elbSeconds = targets * loadBalancersPerRegion * p.elbSecondsPerLoadBalancer * contention;
  const mergeSeconds = (targets * loadBalancersPerRegion * p.mergeSecondsPer1000LoadBalancers) / 1000;
  const lambdaSeconds = elbSeconds + invocations * p.invocationOverheadSeconds + mergeSeconds;
  const regionSeconds = loadBalancersPerRegion * p.elbSecondsPerLoadBalancer;
  const collectSeconds = Math.max(regionSeconds, elbSeconds / p.mapMaxConcurrency) + p.invocationOverheadSeconds * (2 + Math.ceil(items / p.mapMaxConcurrency) + Math.ceil(targets / p.mapMaxConcurrency));
  const wallSeconds = collectSeconds + mergeSeconds;
  const transitions = PARENT_TRANSITIONS + targets * PLAN_CHILD_TRANSITIONS + items * PAGE_CHILD_TRANSITIONS;
  const lambda = lambdaSeconds * p.memoryGb * p.lambdaUsdPerGbSecond;
  const requests = invocations * p.lambdaUsdPerRequest;
  const stepFunctions = transitions * p.sfnUsdPerTransition;
  return {
    accounts, regions, loadBalancersPerRegion, pageSize, items, invocations, lambdaSeconds, wallSeconds, mergeSeconds,
    mergeFits: mergeSeconds + p.invocationOverheadSeconds <= LAMBDA_MAX_SECONDS,
    transitions,
    usd: { lambda, requests, stepFunctions, total: lambda + requests + stepFunctions },
  };
}

const duration = (seconds: number): string => {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
};
const usd = (value: number): string => (value < 0.01 ? '< $0.01' : `$${value.toFixed(2)}`);

/** The organisations docs/lambda.md sizes: accounts × regions × load balancers per region. */
export const SIZED_ESTATES: readonly [number, number, number][] = [[10, 2, 100], [100, 4, 500], [500, 4, 2000], [1, 1, 10000]];

/** docs/lambda.md's sizing table, rendered from the formula. */
export function sizingTable(p: SizingParameters = SIZING, estates = SIZED_ESTATES): string {
  const rows = estates.map(([n, r, l]) => {
    const e = estimate(n, r, l, p);
    const merge = e.mergeFits ? duration(e.mergeSeconds) : `${duration(e.mergeSeconds)} (over one run)`;
    return `| ${n} × ${r} × ${l.toLocaleString('en-US')} | ${e.pageSize} | ${e.items.toLocaleString('en-US')} | ${duration(e.wallSeconds)} | ${merge} | ${Math.round(e.lambdaSeconds * p.memoryGb).toLocaleString('en-US')} | ${e.transitions.toLocaleString('en-US')} | ${usd(e.usd.lambda)} | ${usd(e.usd.requests)} | ${usd(e.usd.stepFunctions)} | ${usd(e.usd.total)} |`;
  });
  return [
    '| accounts × regions × LBs per region | page size | Map items | wall time | of which merge | Lambda GB-s | state transitions | Lambda | requests | Step Functions | total per run |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
