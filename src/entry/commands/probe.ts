/** `elb-tls-audit probe HOST[:PORT]`: the s_client equivalent over the project's own probe. */
import type { Command } from 'commander';
import { AuditError, EXIT } from '../../model/errors.ts';
import { parseConnectTo, probeEndpoint } from '../../probe/index.ts';
import { seenInFull } from '../../probe/endpoint.ts';
import { probeJson, probeText } from '../../probe/format.ts';
import { probeTargetFor } from '../../probe/target.ts';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Registers `probe`. */
export function registerProbeCommand(program: Command): void {
  program
    .command('probe')
    .description('probe one endpoint: protocols, cipher suites, groups, and the certificate chain as served')
    .argument('<target>', 'HOST[:PORT] (port 443 when omitted)')
    .option('--sni <name>', 'SNI name to send (default: the host when it is a name; none for an IP)')
    .option('--no-sni', 'send no SNI at all')
    .option('--json', 'print JSON for machines')
    .option('--connect-to <rule>', 'HOST:PORT:HOST2:PORT2, as curl (repeatable)', collect, [] as string[])
    .option('--timeout <ms>', 'per-connection timeout in milliseconds', '5000')
    .option('--no-vulnerability-checks', 'skip the renegotiation, compression, fallback, Heartbleed, CCS and ROBOT checks')
    .action(async (targetArg: string, opts: { sni?: string | boolean; json?: boolean; connectTo: string[]; timeout: string; vulnerabilityChecks: boolean }) => {
      const target = probeTargetFor(targetArg, opts.sni, opts.connectTo.map(parseConnectTo));
      const timeoutMs = Number(opts.timeout);
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new AuditError('BAD_USAGE', `bad timeout "${opts.timeout}"`, '--timeout');
      const observation = await probeEndpoint(target, { timeoutMs, vulnerabilities: opts.vulnerabilityChecks });
      process.stdout.write(`${opts.json ? JSON.stringify(probeJson(observation), null, 2) : probeText(observation)}\n`);
      if (!seenInFull(observation)) process.exitCode = EXIT.INCOMPLETE;
    });
}
