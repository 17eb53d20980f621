/**
 * Collect bench: builds a large estate in moto (300 Classic + 300 ALB/NLB with 2-4 listeners each, 100
 * shared certificates), collects it, and compares the API calls made with the least any collector needs.
 * Goal: apiCalls == minimumCalls, and time dominated by the emulator. Sizes: BENCH_COLLECT_CLASSIC / _ELBV2.
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { DescribeSSLPoliciesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { collectWithStats, sdkClientFactory } from '../src/collect/index.ts';
import { buildBenchEstate, minimumCalls } from '../test/collect/bench-estate.ts';
import { MOTO_CREDENTIALS, startMoto } from '../test/helpers/moto.ts';

const REGION = 'us-east-1';

/** Run the collect bench and print one BENCH line. */
export async function run(): Promise<void> {
  const moto = await startMoto();
  try {
    const clients = sdkClientFactory({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    const t0 = performance.now();
    const estate = await buildBenchEstate(clients, {
      region: REGION,
      classic: Number(process.env['BENCH_COLLECT_CLASSIC'] ?? 300),
      elbv2: Number(process.env['BENCH_COLLECT_ELBV2'] ?? 300),
      iamCertificates: 50,
      acmCertificates: 50,
      instances: 40,
    });
    const buildSeconds = (performance.now() - t0) / 1000;
    // The SSL policy list is the emulator's, not the estate's: count its pages at the API maximum.
    const policies = (await clients('elbv2', REGION).send(new DescribeSSLPoliciesCommand({ PageSize: 400 }))).SslPolicies ?? [];
    const minimum = minimumCalls(estate, { elbv2SslPolicies: Math.max(1, Math.ceil(policies.length / 400)) });

    // Fresh clients so no connection or cache from the build is reused.
    const collectClients = sdkClientFactory({ endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    const cpu0 = process.cpuUsage();
    const t1 = performance.now();
    const { snapshot, stats } = await collectWithStats({ regions: [REGION], clients: collectClients, homeRegion: REGION, concurrency: 8, apiBudget: null });
    const seconds = (performance.now() - t1) / 1000;
    // CPU this process spent (SDK, signing, XML parsing, the collector) against wall time: the rest is the emulator.
    const cpu = process.cpuUsage(cpu0);
    const clientCpuSeconds = (cpu.user + cpu.system) / 1e6;
    const listeners = snapshot.loadBalancers.reduce((n, lb) => n + lb.listeners.length, 0);
    const failed = snapshot.attempts.filter((a) => a.status === 'error').length;
    const figures = {
      apiCalls: stats.total,
      minimumCalls: minimum,
      retries: stats.retries,
      seconds: seconds.toFixed(2),
      msPerCall: ((seconds * 1000) / Math.max(1, stats.total)).toFixed(2),
      clientCpuSeconds: clientCpuSeconds.toFixed(2),
      clientCpuMsPerCall: ((clientCpuSeconds * 1000) / Math.max(1, stats.total)).toFixed(2),
      buildSeconds: buildSeconds.toFixed(2),
      loadBalancers: snapshot.loadBalancers.length,
      listeners,
      certificates: snapshot.certificates.length,
      certificatesFetched: snapshot.certificates.filter((c) => c.bodyPem !== null).length,
      failedAttempts: failed,
    };
    console.log(`BENCH name=collect ${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    if (process.env['BENCH_COLLECT_VERBOSE']) console.error(stats.byOperation);
  } finally {
    await moto.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await run();
