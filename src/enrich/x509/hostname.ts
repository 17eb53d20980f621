/** Hostname coverage per RFC 6125 section 6.4 as browsers apply it (CA/Browser Forum wildcard rules). */
import { isIP } from 'node:net';

function normalise(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** Whether one DNS-ID from a certificate matches a reference hostname. */
export function dnsIdMatches(pattern: string, hostname: string): boolean {
  const id = normalise(pattern);
  const host = normalise(hostname);
  if (id === '' || host === '') return false;
  if (!id.includes('*')) return id === host;
  // Only a whole left-most label may be '*', it matches exactly one non-empty label, and at least two
  // labels must follow it (no '*.com'); partial wildcards such as 'w*.example.com' are not honoured.
  const [first, ...rest] = id.split('.');
  if (first !== '*' || rest.length < 2 || rest.some((label) => label.includes('*'))) return false;
  const hostLabels = host.split('.');
  if (hostLabels.length !== rest.length + 1 || hostLabels[0] === '') return false;
  return hostLabels.slice(1).join('.') === rest.join('.');
}

/** Whether a certificate with these identities covers the hostname (or IP address). */
export function coversHostname(identity: { dnsNames: readonly string[]; ipAddresses: readonly string[]; commonName: string | null }, hostname: string): boolean {
  const host = normalise(hostname);
  if (isIP(host) !== 0) return identity.ipAddresses.some((ip) => ip.toLowerCase() === host);
  // RFC 6125 6.4.4: the CN is only consulted when the certificate has no DNS-ID at all.
  const ids = identity.dnsNames.length > 0 ? identity.dnsNames : identity.commonName ? [identity.commonName] : [];
  return ids.some((id) => dnsIdMatches(id, host));
}

/** The hostnames of the list a certificate does not cover, de-duplicated, in input order. */
export function uncoveredHostnames(identity: Parameters<typeof coversHostname>[0], hostnames: readonly string[]): string[] {
  const seen = new Set<string>();
  const uncovered: string[] = [];
  for (const hostname of hostnames) {
    const key = normalise(hostname);
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    if (!coversHostname(identity, key)) uncovered.push(key);
  }
  return uncovered;
}
