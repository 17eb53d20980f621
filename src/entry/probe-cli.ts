#!/usr/bin/env node
/**
 * `elb-tls-probe TARGET...`: the probe alone, as its own small bundle (dist/probe.js) so a shell loop or a
 * scanner farm pays for Node and the probe, not for the AWS SDK and the report writers. Several targets are
 * probed at once, bounded per endpoint (the probe's own cap) and in total (--concurrency).
 */
import { Command, CommanderError } from 'commander';
import { AuditError, EXIT, exitCodeFor } from '../model/errors.ts';
import type { ProbeObservation } from '../model/snapshot.ts';
import { parseConnectTo } from '../probe/connect-to.ts';
import { DEFAULT_DEADLINE_MS, probeEndpoint, seenInFull } from '../probe/endpoint.ts';
import { probeJson, probeText } from '../probe/format.ts';
import { Limiter } from '../probe/limiter.ts';
import { probeTargetFor } from '../probe/target.ts';
import { escapeTerminal } from '../text/escape-terminal.ts';
import { TOOL_VERSION } from '../version.ts';

interface ProbeCliOptions {
  sni?: string | boolean;
  json?: boolean;
  connectTo: string[];
  timeout: string;
  deadline: string;
  concurrency: string;
  groups: boolean;
  vulnerabilityChecks: boolean;
}

const repeatable = (value: string, previous: string[]): string[] => [...previous, value];

function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new AuditError('BAD_USAGE', `bad ${flag} "${value}" (a positive number)`, flag);
  return n;
}

async function probeAll(targets: string[], opts: ProbeCliOptions): Promise<ProbeObservation[]> {
  const timeoutMs = positive(opts.timeout, '--timeout');
  const deadlineMs = positive(opts.deadline, '--deadline');
  const concurrency = Math.floor(positive(opts.concurrency, '--concurrency'));
  const rules = opts.connectTo.map(parseConnectTo);
  const parsed = targets.map((t) => probeTargetFor(t, opts.sni, rules, 'target'));
  const limiter = new Limiter(concurrency);
  const options = { timeoutMs, deadlineMs, groups: opts.groups, vulnerabilities: opts.vulnerabilityChecks };
  return Promise.all(parsed.map((target) => limiter.run(() => probeEndpoint(target, options))));
}

/** Builds the program (exported for tests). */
export function buildProbeProgram(): Command {
  return new Command('elb-tls-probe')
    .description('probe TLS endpoints: protocols, every cipher suite per protocol, groups, DH size, server order and the chain as served')
    .version(TOOL_VERSION)
    .argument('<targets...>', 'HOST[:PORT] (port 443 when omitted), one or more')
    .option('--sni <name>', 'SNI name to send (default: the host when it is a name; none for an IP)')
    .option('--no-sni', 'send no SNI at all')
    .option('--json', 'print JSON (one object for one target, an array for several)')
    .option('--connect-to <rule>', 'HOST:PORT:HOST2:PORT2, as curl (repeatable)', repeatable, [] as string[])
    .option('--timeout <ms>', 'per-connection timeout in milliseconds', '5000')
    .option('--deadline <ms>', 'per-endpoint deadline in milliseconds', String(DEFAULT_DEADLINE_MS))
    .option('--concurrency <n>', 'endpoints probed at once', '8')
    .option('--no-groups', 'do not enumerate key-exchange groups (fewer connections; groups seen in passing are still reported)')
    .option('--no-vulnerability-checks', 'skip the renegotiation, compression, fallback, Heartbleed, CCS and ROBOT checks')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .action(async (targets: string[], opts: ProbeCliOptions) => {
      const observations = await probeAll(targets, opts);
      const out = opts.json
        ? JSON.stringify(observations.length === 1 ? probeJson(observations[0]!) : observations.map(probeJson), null, 2)
        : observations.map(probeText).join('\n\n');
      process.stdout.write(`${out}\n`);
      if (!observations.every(seenInFull)) process.exitCode = EXIT.INCOMPLETE;
    });
}

/** Runs the probe CLI and returns the exit code. */
export async function probeMain(argv: string[]): Promise<number> {
  try {
    await buildProbeProgram().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    const prefix = error instanceof AuditError ? '' : 'internal error: ';
    process.stderr.write(`elb-tls-probe: ${prefix}${escapeTerminal(error instanceof AuditError ? error.message : ((error as Error).stack ?? String(error)))}\n`);
    return exitCodeFor(error);
  }
}

const invokedDirectly = process.argv[1] !== undefined && /(?:^|[\\/])(probe-cli\.(?:ts|js)|probe\.js|elb-tls-probe)$/.test(process.argv[1]);
if (invokedDirectly) {
  process.exitCode = await probeMain(process.argv.slice(2));
}
