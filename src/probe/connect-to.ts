/** curl's --connect-to HOST:PORT:HOST2:PORT2: send connections for HOST:PORT to HOST2:PORT2 instead. */
import { AuditError } from '../model/errors.ts';

export interface ConnectToRule {
  host: string | null;
  port: number | null;
  toHost: string | null;
  toPort: number | null;
}

// IPv6 literals are written in brackets, as curl expects.
const PART = String.raw`(\[[^\]]*\]|[^:]*)`;
const RULE = new RegExp(`^${PART}:(\\d*):${PART}:(\\d*)$`);

/** Parses one --connect-to value; empty parts match anything / keep the original, as in curl. */
export function parseConnectTo(value: string): ConnectToRule {
  const match = RULE.exec(value.trim());
  if (!match) throw new AuditError('BAD_USAGE', `expected HOST:PORT:HOST2:PORT2, got "${value}"`, '--connect-to');
  const host = (s: string | undefined): string | null => (s ? s.replace(/^\[|\]$/g, '') : null);
  const port = (s: string | undefined): number | null => {
    if (!s) return null;
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new AuditError('BAD_USAGE', `bad port "${s}" in "${value}"`, '--connect-to');
    return n;
  };
  return { host: host(match[1]), port: port(match[2]), toHost: host(match[3]), toPort: port(match[4]) };
}

/** Where a connection for host:port really goes; the first matching rule wins, as in curl. */
export function resolveConnectTo(host: string, port: number, rules: readonly ConnectToRule[]): { host: string; port: number; redirected: boolean } {
  for (const rule of rules) {
    if ((rule.host === null || rule.host.toLowerCase() === host.toLowerCase()) && (rule.port === null || rule.port === port)) {
      return { host: rule.toHost ?? host, port: rule.toPort ?? port, redirected: true };
    }
  }
  return { host, port, redirected: false };
}

/** The HOST2:PORT2 a probe target connects to (IPv6 bracketed), or null when no rule redirects host:port. */
export function connectToAddress(host: string, port: number, rules: readonly ConnectToRule[]): string | null {
  const to = resolveConnectTo(host, port, rules);
  return to.redirected ? `${to.host.includes(':') ? `[${to.host}]` : to.host}:${to.port}` : null;
}
