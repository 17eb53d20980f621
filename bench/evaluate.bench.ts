/**
 * Evaluate bench: enrich + evaluate of generated estates (10,000 and 20,000 load balancers, 4 listeners each)
 * with every rule of the default profile. Goals (issue 15, item 5): 10,000 in <= 1 s and <= 1 GB RSS, enrich
 * included; 20,000 in <= 2.1 x the time of 10,000. Each size runs in a fresh child process so RSS is that
 * size's own, best of BENCH_EVALUATE_RUNS (default 3) runs. The machine may be shared: every line carries
 * the load average, and cpuSeconds (this process's CPU time over the same window, GC threads included) beside
 * the wall-clock seconds. seconds, cpuSeconds and rssMB are the first (cold) pass of a fresh process, the
 * figures the goals are about; warmSeconds and warmCpuSeconds repeat the pass in the same process with new
 * evaluators (compiled code, nothing cached).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SIZES = (process.env['BENCH_EVALUATE_SIZES'] ?? '10000,20000').split(',').map(Number);
const RUNS = Math.max(1, Number(process.env['BENCH_EVALUATE_RUNS'] ?? 3));
const GOAL_SECONDS = 1;
const GOAL_RSS_MB = 1024;
const GOAL_RATIO = 2.1;

/** The 1-minute load average, or '?' where /proc is absent. */
function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ')[0]!;
  } catch {
    return '?';
  }
}

/** Measures one size in this process and prints its BENCH line. */
export async function measure(count: number): Promise<{ seconds: number; cpuSeconds: number }> {
  const { performance } = await import('node:perf_hooks');
  const { generateEstate } = await import('./estate.ts');
  const { enrich } = await import('../src/enrich/index.ts');
  const { evaluateFacts, buildEvaluators } = await import('../src/evaluate/index.ts');
  const { applyProfile, loadProfile } = await import('../src/evaluate/profiles.ts');
  const { loadRules } = await import('../src/evaluate/rule-loader.ts');
  const { defaultRulesDir } = await import('../src/evaluate/paths.ts');
  const rules = applyProfile(loadRules(defaultRulesDir()), loadProfile(defaultRulesDir(), 'default'));
  const snapshot = generateEstate(count);
  /** One enrich + evaluate with evaluators of its own (no outcome cached by an earlier pass). */
  const pass = async () => {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const facts = await enrich(snapshot, { asOf: snapshot.capturedAt, trustAnchorsPem: [], hostnames: new Map() });
    const enriched = performance.now();
    const evaluators = buildEvaluators(rules);
    const { findings, notApplicable } = await evaluateFacts(facts, { rules, waivers: [], asOf: snapshot.capturedAt }, evaluators);
    const end = performance.now();
    const cpu = process.cpuUsage(cpuStart);
    const engineRuns = [...evaluators.values()].reduce((n, e) => n + e.engineRuns, 0);
    return { facts, findings, notApplicable, engineRuns, enrichSeconds: (enriched - start) / 1000, seconds: (end - start) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  };
  const cold = await pass();
  const rssMB = Math.round(process.memoryUsage().rss / 1048576);
  const { facts, findings, notApplicable, engineRuns, seconds, cpuSeconds } = cold;
  // The same work again in this process, code already compiled (a warm Lambda, a second audit in one process).
  const warm = await pass();
  process.stdout.write(`BENCH name=evaluate loadBalancers=${count} listeners=${facts.listener.length} rules=${rules.length} findings=${findings.length} notApplicable=${notApplicable} engineRuns=${engineRuns} enrichSeconds=${cold.enrichSeconds.toFixed(2)} seconds=${seconds.toFixed(2)} cpuSeconds=${cpuSeconds.toFixed(2)} rssMB=${rssMB} warmSeconds=${warm.seconds.toFixed(2)} warmCpuSeconds=${warm.cpuSeconds.toFixed(2)} loadavg=${loadAverage()}\n`);
  return { seconds, cpuSeconds };
}

/** Runs every size RUNS times, each in its own process, and prints the best of each and the scaling ratio. */
export async function run(): Promise<void> {
  const best: { seconds: number; cpuSeconds: number; rssMB: number }[] = [];
  for (const size of SIZES) {
    let fastest: { seconds: number; cpuSeconds: number; rssMB: number } | null = null;
    for (let i = 0; i < RUNS; i++) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), String(size)], { encoding: 'utf8', maxBuffer: 1 << 20 });
      process.stdout.write(child.stdout);
      if (child.status !== 0) process.stderr.write(child.stderr);
      const field = (name: string) => Number(new RegExp(`\\b${name}=([\\d.]+)`).exec(child.stdout)?.[1] ?? NaN);
      const measured = { seconds: field('seconds'), cpuSeconds: field('cpuSeconds'), rssMB: field('rssMB') };
      if (Number.isFinite(measured.seconds) && (fastest === null || measured.seconds < fastest.seconds)) fastest = measured;
    }
    if (fastest === null) continue;
    best.push(fastest);
    process.stdout.write(`BENCH name=evaluate-best loadBalancers=${size} runs=${RUNS} seconds=${fastest.seconds.toFixed(2)} cpuSeconds=${fastest.cpuSeconds.toFixed(2)} rssMB=${fastest.rssMB} goalSeconds=${GOAL_SECONDS} goalRssMB=${GOAL_RSS_MB} loadavg=${loadAverage()}\n`);
  }
  if (best.length === 2) {
    const ratio = best[1]!.seconds / best[0]!.seconds;
    const cpuRatio = best[1]!.cpuSeconds / best[0]!.cpuSeconds;
    process.stdout.write(`BENCH name=evaluate-scaling sizes=${SIZES.join('/')} ratio=${ratio.toFixed(2)} cpuRatio=${cpuRatio.toFixed(2)} goal=${GOAL_RATIO} loadavg=${loadAverage()}\n`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2]) await measure(Number(process.argv[2]));
