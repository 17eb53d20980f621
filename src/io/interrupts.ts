/**
 * Temporary files and folders that a SIGINT or SIGTERM must not leave behind. While any is registered,
 * the signal is caught, every registered path removed, and the signal raised again so the process still
 * ends the way the sender asked (exit status 128 + signal).
 */
import { rmSync } from 'node:fs';

const pending = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function onSignal(signal: NodeJS.Signals): void {
  for (const path of pending) rmSync(path, { recursive: true, force: true });
  pending.clear();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.kill(process.pid, signal);
}

/** Registers a temporary path for removal on interruption; returns the function that forgets it. */
export function removeOnInterrupt(path: string): () => void {
  if (pending.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  pending.add(path);
  return () => {
    pending.delete(path);
    if (pending.size === 0) for (const s of SIGNALS) process.removeListener(s, onSignal);
  };
}
