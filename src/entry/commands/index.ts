import type { Command } from 'commander';
import { registerAuditCommand } from './audit.ts';
import { registerCollectCommand } from './collect.ts';
import { registerDemoCommand } from './demo.ts';
import { registerEvaluateCommand } from './evaluate.ts';
import { registerIacCommand } from './iac.ts';
import { registerProbeCommand } from './probe.ts';
import { registerRulesCommand } from './rules.ts';

/** Each command lives in its own module; add one line here to register it. */
export type CommandRegistrar = (program: Command) => void;

/** Every command of the CLI, in the order `--help` lists them. */
export const commandRegistrars: readonly CommandRegistrar[] = [
  registerAuditCommand,
  registerEvaluateCommand,
  registerRulesCommand,
  registerDemoCommand,
  registerProbeCommand,
  registerCollectCommand,
  registerIacCommand,
];
