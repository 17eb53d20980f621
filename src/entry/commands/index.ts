import type { Command } from 'commander';

/** Each command lives in its own module; add one line here to register it. */
export type CommandRegistrar = (program: Command) => void;

export const commandRegistrars: CommandRegistrar[] = [];
