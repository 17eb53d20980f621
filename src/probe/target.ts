/** HOST[:PORT] as typed on a command line ([v6]:port, bare v6, name or v4), port 443 when omitted, and the probe target it names. */
import net from 'node:net';
import { AuditError } from '../model/errors.ts';
import { connectToAddress, type ConnectToRule } from './connect-to.ts';
import type { ProbeTarget } from './endpoint.ts';

/** Parses one command-line target; a bad one is a usage error naming it. */
export function parseTarget(value: string, place = 'probe'): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  const plain = /^([^:]+)(?::(\d+))?$/.exec(value);
  const match = bracketed ?? (net.isIPv6(value) ? [value, value, undefined] : plain);
  if (!match?.[1]) throw new AuditError('BAD_USAGE', `expected HOST[:PORT], got "${value}"`, place);
  const port = match[2] === undefined ? 443 : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new AuditError('BAD_USAGE', `bad port in "${value}"`, place);
  return { host: match[1], port };
}

/**
 * An SNI name as RFC 6066 3 allows it: an ASCII DNS host name (IDNs in their A-label form), no trailing dot,
 * not an IP address literal. A bad one is a usage error naming it, never bytes sent as typed.
 */
export function checkSniName(name: string, place = '--sni'): string {
  const why = sniNameProblem(name);
  if (why) throw new AuditError('BAD_USAGE', `bad SNI name ${JSON.stringify(name)}: ${why}`, place);
  return name;
}

/** What is wrong with a would-be SNI name, first problem first, or null. */
function sniNameProblem(name: string): string | null {
  if (name === '') return 'it is empty';
  if (net.isIP(name)) return 'an IP address is not sent as SNI (use --no-sni)';
  if (name.length > 253) return `it is ${name.length} characters long (at most 253)`;
  if (name.endsWith('.')) return 'it ends with a dot';
  if (/[^\x00-\x7f]/.test(name)) return 'it is not ASCII (give an IDN in its xn-- form)';
  const label = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;
  if (name.split('.').some((l) => !label.test(l))) return 'a label is empty, too long or has a character other than letters, digits, hyphen and underscore';
  return null;
}

/**
 * The probe target a command-line argument names: --sni NAME, --no-sni (false), or by default the host when it
 * is a name and no SNI for an IP; redirected by the first matching --connect-to rule.
 */
export function probeTargetFor(value: string, sni: string | boolean | undefined, rules: readonly ConnectToRule[], place = 'probe'): ProbeTarget {
  const { host, port } = parseTarget(value, place);
  const name = typeof sni === 'string' ? checkSniName(sni) : sni === false || net.isIP(host) ? null : host;
  const connectTo = connectToAddress(host, port, rules);
  return { host, port, sni: name, ...(connectTo ? { connectTo } : {}) };
}
