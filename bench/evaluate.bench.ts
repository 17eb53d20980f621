/**
 * Evaluate bench: enrich + evaluate of generated estates (10,000 and 20,000 load balancers, 4 listeners each)
 * with every rule of the default profile. Goals (issue 15, item 5): 10,000 in <= 1 s and <= 1 GB RSS, enrich
 * included; 20,000 in <= 2.1 x the time of 10,000. Each size runs in a fresh child process so RSS is that
 * size's own, best of BENCH_EVALUATE_RUNS (default 3) runs. The machine may be shared: every line carries
 * the load average, and cpuSeconds (this process's CPU time over the same window, GC threads included) beside
 * the wall-clock seconds. seconds, cpuSeconds and rssMB are the first (cold) pass of a fresh process, the
 * figures the goals are about; warmSeconds and warmCpuSeconds repeat the pass in the same process with new
 * evaluators (compiled code, nothing cached).
 *
 * An estate this large reaches evaluate as JSON: the snapshot file `evaluate --snapshot` reads, or the pages
 * the Step Functions merge parses and validates (src/accounts/distributed.ts). So the goal lines
 * (source=file) judge the generated estate after a round trip through writeSnapshot and readSnapshot, outside
 * the timed pass, exactly the objects an audit of it judges. The generator's own objects hold ARNs and names
 * built by concatenation (V8 cons strings, flattened on first compare or hash), which no parsed snapshot has;
 * they are measured too (source=generated, same findings) in the same run, side by side, not for the goal.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SIZES = (process.env['BENCH_EVALUATE_SIZES'] ?? '10000,20000').split(',').map(Number);
const RUNS = Math.max(1, Number(process.env['BENCH_EVALUATE_RUNS'] ?? 3));
const GOAL_SECONDS = 1;
const GOAL_RSS_MB = 1024;
const GOAL_RATIO = 2.1;
type Source = 'file' | 'generated';
const SOURCES: readonly Source[] = ['file', 'generated'];
/** A summary line's name: the goal lines are the file source's; the generated source's carry a suffix. */
const lineName = (base: string, source: Source): string => (source === 'file' ? base : `${base}-generated`);

/** The 1-minute load average, or '?' where /proc is absent. */
function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ')[0]!;
  } catch {
    return '?';
  }
}

/** Measures one size in this process and prints its BENCH line. */
export async function measure(count: number, source: Source = 'file'): Promise<{ seconds: number; cpuSeconds: number }> {
  const { performance } = await import('node:perf_hooks');
  const { generateEstate } = await import('./estate.ts');
  const { enrich } = await import('../src/enrich/index.ts');
  const { evaluateFacts, buildEvaluators } = await import('../src/evaluate/index.ts');
  const { applyProfile, loadProfile } = await import('../src/evaluate/profiles.ts');
  const { loadRules } = await import('../src/evaluate/rule-loader.ts');
  const { defaultRulesDir } = await import('../src/evaluate/paths.ts');
  const rules = applyProfile(loadRules(defaultRulesDir()), loadProfile(defaultRulesDir(), 'default'));
  let snapshot = generateEstate(count);
  if (source === 'file') {
    const { readSnapshot, writeSnapshot } = await import('../src/snapshot/io.ts');
    const dir = mkdtempSync(join(tmpdir(), 'evaluate-bench-'));
    try {
      writeSnapshot(join(dir, 'snapshot.json'), snapshot);
      snapshot = readSnapshot(join(dir, 'snapshot.json'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // Making the estate (and, for source=file, its text and validation) leaves garbage that is not the pass's:
  // collect it before the clock starts, for both sources alike.
  (globalThis as { gc?: () => void }).gc?.();
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
  process.stdout.write(`BENCH name=evaluate source=${source} loadBalancers=${count} listeners=${facts.listener.length} rules=${rules.length} findings=${findings.length} notApplicable=${notApplicable} engineRuns=${engineRuns} enrichSeconds=${cold.enrichSeconds.toFixed(2)} seconds=${seconds.toFixed(2)} cpuSeconds=${cpuSeconds.toFixed(2)} rssMB=${rssMB} warmSeconds=${warm.seconds.toFixed(2)} warmCpuSeconds=${warm.cpuSeconds.toFixed(2)} loadavg=${loadAverage()}\n`);
  return { seconds, cpuSeconds };
}

/** Runs every size RUNS times per source, each in its own process, the sources interleaved; prints the best of each and the scaling ratio. */
export async function run(): Promise<void> {
  type Measured = { seconds: number; cpuSeconds: number; rssMB: number };
  const best = new Map<Source, Measured[]>(SOURCES.map((source) => [source, []]));
  for (const size of SIZES) {
    const fastest = new Map<Source, Measured | null>(SOURCES.map((source) => [source, null]));
    for (let i = 0; i < RUNS; i++) {
      for (const source of SOURCES) {
        const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), String(size), source], { encoding: 'utf8', maxBuffer: 1 << 20 });
        process.stdout.write(child.stdout);
        if (child.status !== 0) process.stderr.write(child.stderr);
        const field = (name: string) => Number(new RegExp(`\\b${name}=([\\d.]+)`).exec(child.stdout)?.[1] ?? NaN);
        const measured = { seconds: field('seconds'), cpuSeconds: field('cpuSeconds'), rssMB: field('rssMB') };
        const soFar = fastest.get(source)!;
        if (Number.isFinite(measured.seconds) && (soFar === null || measured.seconds < soFar.seconds)) fastest.set(source, measured);
      }
    }
    for (const source of SOURCES) {
      const measured = fastest.get(source)!;
      if (measured === null) continue;
      best.get(source)!.push(measured);
      process.stdout.write(`BENCH name=${lineName('evaluate-best', source)} source=${source} loadBalancers=${size} runs=${RUNS} seconds=${measured.seconds.toFixed(2)} cpuSeconds=${measured.cpuSeconds.toFixed(2)} rssMB=${measured.rssMB} goalSeconds=${GOAL_SECONDS} goalRssMB=${GOAL_RSS_MB} loadavg=${loadAverage()}\n`);
    }
  }
  for (const source of SOURCES) {
    const list = best.get(source)!;
    if (list.length !== 2) continue;
    const ratio = list[1]!.seconds / list[0]!.seconds;
    const cpuRatio = list[1]!.cpuSeconds / list[0]!.cpuSeconds;
    process.stdout.write(`BENCH name=${lineName('evaluate-scaling', source)} source=${source} sizes=${SIZES.join('/')} ratio=${ratio.toFixed(2)} cpuRatio=${cpuRatio.toFixed(2)} goal=${GOAL_RATIO} loadavg=${loadAverage()}\n`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2]) await measure(Number(process.argv[2]), process.argv[3] === 'generated' ? 'generated' : 'file');
