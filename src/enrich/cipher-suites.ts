/** The bars rules judge cipher suites and protocols against, over the one TLS catalogue (src/catalogue/tls.ts). */
import { lookupSuite, normaliseProtocol, protocolRank, type CipherStrength } from '../catalogue/tls.ts';

export { lookupSuite as lookupCipherSuite, normaliseProtocol, sortProtocols, type CipherStrength } from '../catalogue/tls.ts';

const STRENGTH_RANK: Record<CipherStrength, number> = { insecure: 0, weak: 1, secure: 2, recommended: 3 };

/** What a profile accepts in a cipher suite; every field is optional in rule params. */
export interface CipherBar {
  minStrength?: CipherStrength;
  forwardSecrecy?: boolean;
  aead?: boolean;
  /** substrings of the encryption component that are refused outright, e.g. "3DES", "RC4" */
  forbidEncryption?: string[];
}

/** The suites (IANA names, or the given name when unknown) that fall below the bar. Unknown suites always do. */
export function suitesFailingBar(suites: readonly string[], bar: CipherBar): string[] {
  const min = STRENGTH_RANK[bar.minStrength ?? 'weak'];
  return suites.filter((name) => {
    const info = lookupSuite(name);
    if (!info) return true;
    if (STRENGTH_RANK[info.strength] < min) return true;
    if (bar.forwardSecrecy && !info.forwardSecrecy) return true;
    if (bar.aead && !info.aead) return true;
    return (bar.forbidEncryption ?? []).some((needle) => info.enc.includes(needle));
  });
}

/** Protocols below the minimum version (unknown spellings always are). */
export function protocolsBelow(protocols: readonly string[], min: string): string[] {
  const floor = protocolRank(normaliseProtocol(min) ?? 'TLSv1.2');
  return protocols.filter((p) => {
    const known = normaliseProtocol(p);
    return known === undefined || protocolRank(known) < floor;
  });
}
