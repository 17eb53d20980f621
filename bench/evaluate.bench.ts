/**
 * Evaluate bench: enrich + evaluate of generated estates (10,000 and 20,000 load balancers, 4 listeners each)
 * with every rule of the default profile. Goals: 10,000 in <= 3 s and <= 1 GB RSS; 20,000 <= 2.2 x the time of 10,000.
 * Each size runs in a fresh child process so RSS is that size's own.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SIZES = (process.env['BENCH_EVALUATE_SIZES'] ?? '10000,20000').split(',').map(Number);

/** Measures one size in this process and prints its BENCH line. */
export async function measure(count: number): Promise<{ seconds: number }> {
  const { performance } = await import('node:perf_hooks');
  const { generateEstate } = await import('./estate.ts');
  const { enrich } = await import('../src/enrich/index.ts');
  const { evaluateFacts, buildEvaluators } = await import('../src/evaluate/index.ts');
  const { applyProfile, loadProfile } = await import('../src/evaluate/profiles.ts');
  const { loadRules } = await import('../src/evaluate/rule-loader.ts');
  const { defaultRulesDir } = await import('../src/evaluate/paths.ts');
  const rules = applyProfile(loadRules(defaultRulesDir()), loadProfile(defaultRulesDir(), 'default'));
  const snapshot = generateEstate(count);
  const start = performance.now();
  const facts = await enrich(snapshot, { asOf: snapshot.capturedAt, trustAnchorsPem: [], hostnames: new Map() });
  const enriched = performance.now();
  const evaluators = buildEvaluators(rules);
  const { findings, notApplicable } = await evaluateFacts(facts, { rules, waivers: [], asOf: snapshot.capturedAt }, evaluators);
  const end = performance.now();
  const engineRuns = [...evaluators.values()].reduce((n, e) => n + e.engineRuns, 0);
  const seconds = (end - start) / 1000;
  process.stdout.write(`BENCH name=evaluate loadBalancers=${count} listeners=${facts.listener.length} rules=${rules.length} findings=${findings.length} notApplicable=${notApplicable} engineRuns=${engineRuns} enrichSeconds=${((enriched - start) / 1000).toFixed(2)} seconds=${seconds.toFixed(2)} rssMB=${Math.round(process.memoryUsage().rss / 1048576)}\n`);
  return { seconds };
}

/** Runs every size in its own process and prints the scaling ratio. */
export async function run(): Promise<void> {
  const times: number[] = [];
  for (const size of SIZES) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), String(size)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    process.stdout.write(child.stdout);
    if (child.status !== 0) process.stderr.write(child.stderr);
    const seconds = /seconds=([\d.]+) rss/.exec(child.stdout)?.[1];
    if (seconds) times.push(Number(seconds));
  }
  if (times.length === 2) process.stdout.write(`BENCH name=evaluate-scaling ratio=${(times[1]! / times[0]!).toFixed(2)} goal=2.2\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2]) await measure(Number(process.argv[2]));
