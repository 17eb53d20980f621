/** `elb-tls-audit probe HOST[:PORT]`: the s_client equivalent over the project's own probe. */
import type { Command } from 'commander';
import net from 'node:net';
import { AuditError, EXIT } from '../../model/errors.ts';
import { parseConnectTo, probeEndpoint, resolveConnectTo } from '../../probe/index.ts';
import { probeJson, probeText } from '../../probe/format.ts';
import { parseTarget } from '../../probe/target.ts';

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
    .action(async (targetArg: string, opts: { sni?: string | boolean; json?: boolean; connectTo: string[]; timeout: string }) => {
      const { host, port } = parseTarget(targetArg);
      const timeoutMs = Number(opts.timeout);
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new AuditError('BAD_USAGE', `bad timeout "${opts.timeout}"`, '--timeout');
      const sni = typeof opts.sni === 'string' ? opts.sni : opts.sni === false || net.isIP(host) ? null : host;
      const to = resolveConnectTo(host, port, opts.connectTo.map(parseConnectTo));
      const observation = await probeEndpoint(
        { host, port, sni, ...(to.redirected ? { connectTo: `${to.host.includes(':') ? `[${to.host}]` : to.host}:${to.port}` } : {}) },
        { timeoutMs },
      );
      process.stdout.write(`${opts.json ? JSON.stringify(probeJson(observation), null, 2) : probeText(observation)}\n`);
      // Fail closed: a probe that could not see, or could not see all of it, is not a clean result.
      if (observation.status !== 'ok' || (observation.incomplete?.length ?? 0) > 0) process.exitCode = EXIT.INCOMPLETE;
    });
}
