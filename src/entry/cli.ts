#!/usr/bin/env node
/** The CLI adapter: parse flags, call the command, map every error once to a message and an exit code. */
import './sdk-node-support.ts';
import { Command, CommanderError } from 'commander';
import { AuditError, EXIT, exitCodeFor } from '../model/errors.ts';
import { escapeTerminal } from '../text/escape-terminal.ts';
import { TOOL_VERSION } from '../version.ts';
import { commandRegistrars } from './commands/index.ts';
import { applyConfigFile } from './config-file.ts';
import { stopAllProgress } from './progress.ts';

/** Builds the program (exported so tests can drive it in-process). */
export function buildProgram(): Command {
  const program = new Command('elb-tls-audit')
    .description('TLS compliance auditor for AWS load balancers: configuration, certificates, CloudHSM placement and what is really served')
    .version(TOOL_VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  for (const register of commandRegistrars) register(program);
  program.commands.forEach((c) => c.exitOverride());
  // The config file fills what the command line left at its defaults, before the command runs.
  program.hook('preAction', (_program, command) => {
    applyConfigFile(command);
  });
  return program;
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (error) {
    stopAllProgress();
    if (error instanceof CommanderError) {
      // help and --version end with code 0; any usage mistake is exit 2.
      return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (error instanceof AuditError) {
      // Each line escaped on its own: a message may list several problems, one per line.
      process.stderr.write(`elb-tls-audit: ${error.message.split('\n').map(escapeTerminal).join('\n')}\n`);
      return exitCodeFor(error);
    }
    process.stderr.write(`elb-tls-audit: internal error: ${(error as Error).stack ?? String(error)}\n`);
    return exitCodeFor(error);
  }
}

/**
 * A reader that goes away (`rules list | head`) closes the pipe: stop quietly, as other Unix tools do, instead of
 * dying on an unhandled EPIPE. The exit code is the one the run had reached (0 for a listing).
 */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK);
    throw error;
  });
}

const invokedDirectly = process.argv[1] !== undefined && /(?:^|[\\/])(cli\.(?:ts|js|mjs)|elb-tls-audit)$/.test(process.argv[1]);
if (invokedDirectly) {
  exitQuietlyOnClosedPipe(process.stdout);
  exitQuietlyOnClosedPipe(process.stderr);
  process.exitCode = await main(process.argv.slice(2));
}
