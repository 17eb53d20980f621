import type { Command } from 'commander';
import { registerProbeCommand } from './probe.ts';
import { registerCollectCommand } from './collect.ts';
import { registerIacCommand } from './iac.ts';

/** Each command lives in its own module; add one line here to register it. */
export type CommandRegistrar = (program: Command) => void;

export const commandRegistrars: CommandRegistrar[] = [
  registerProbeCommand,
  registerCollectCommand,
  registerIacCommand,
];
