/** The one TLS catalogue: complete for what the probe offers, rated with a named source, consistent with the model. */
import { describe, expect, it } from 'vitest';
import {
  allSuites, groupName, groups, lookupSuite, normaliseProtocol, protocols, suiteByCode, suiteProtocols, wireVersion,
} from '../../src/catalogue/tls.ts';
import { TLS_PROTOCOLS } from '../../src/model/snapshot.ts';
import { offerSuites } from '../../src/probe/offer-order.ts';
import { LEGACY_GROUPS, TLS13_GROUPS } from '../../src/probe/wire.ts';
import { parseIanaName, rateSuite } from '../../scripts/tls-catalogue.mjs';

describe('TLS catalogue', () => {
  it('holds every suite the probe offers, once per wire code, each rated with its source', () => {
    for (const p of TLS_PROTOCOLS) {
      const offered = offerSuites(p);
      expect(offered.length, p).toBeGreaterThan(0);
      expect(new Set(offered).size).toBe(offered.length);
      for (const code of offered) {
        const suite = suiteByCode(code, p === 'SSLv2');
        expect(suite, `${p} 0x${code.toString(16)}`).toBeDefined();
        expect(suite!.protocols).toContain(p);
        expect(['insecure', 'weak', 'secure', 'recommended']).toContain(suite!.strength);
        expect(suite!.rating).toMatch(/ciphersuite\.info/);
      }
    }
    const codes = allSuites().map((s) => `${s.protocols.includes('SSLv2') ? 'v2' : 'tls'}:${s.code}`);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('covers the suites the old probe table had beyond the project table, and Camellia-GCM, rated by the ciphersuite.info convention', () => {
    const expected: Record<string, string> = {
      'ECDHE-ECDSA-AES128-CCM': 'secure', 'ECDHE-ECDSA-AES256-CCM8': 'secure', 'AES128-CCM': 'weak', 'DHE-RSA-AES256-CCM': 'weak',
      'ECDHE-ECDSA-ARIA128-GCM-SHA256': 'recommended', 'ECDHE-ARIA256-GCM-SHA384': 'secure', 'ARIA128-GCM-SHA256': 'weak',
      TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256: 'recommended', TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384: 'secure',
      TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256: 'insecure', TLS_SHA256_SHA256: 'insecure',
    };
    for (const [name, strength] of Object.entries(expected)) {
      const suite = lookupSuite(name);
      expect(suite, name).toBeDefined();
      expect(suite!.strength, name).toBe(strength);
      expect(suite!.rating).toBe('ciphersuite.info convention, applied by scripts/tls-catalogue.mjs');
      expect(suite!.source).toMatch(/^IANA \(RFC\d+\)$/);
    }
    expect(lookupSuite('ECDHE-ECDSA-AES128-CCM')).toMatchObject({ iana: 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM', code: '0xC0AC', kx: 'ECDHE', auth: 'ECDSA',
      enc: 'AES 128 CCM', mac: 'AEAD', protocols: ['TLSv1.2'], certificate: 'ECDSA', forwardSecrecy: true, aead: true });
  });

  it('rates by a convention that reproduces every rating taken from the reference', () => {
    const fromReference = allSuites().filter((s) => s.rating === 'ciphersuite.info' && !s.protocols.includes('SSLv2'));
    expect(fromReference.length).toBeGreaterThan(200);
    for (const s of fromReference) expect(rateSuite(s.iana, parseIanaName(s.iana)).strength, s.iana).toBe(s.strength);
  });

  it('classes ECDH_anon as elliptic-curve and DH_anon/DHE as finite-field key exchange', () => {
    for (const s of allSuites().filter((x) => x.kx === 'ECDH_anon')) expect(s.ephemeral, s.iana).toBe('ECDH');
    for (const s of allSuites().filter((x) => x.kx === 'DH_anon' || x.kx === 'DHE')) expect(s.ephemeral, s.iana).toBe('DH');
    expect(lookupSuite('TLS_ECDH_anon_WITH_AES_128_CBC_SHA')?.ephemeral).toBe('ECDH');
  });

  it('has the protocol table in the model order, with the API spellings and wire versions', () => {
    expect(protocols().map((p) => p.name)).toEqual([...TLS_PROTOCOLS]);
    expect(normaliseProtocol('TLSv1')).toBe('TLSv1.0');
    expect(normaliseProtocol('Protocol-TLSv1.2')).toBe('TLSv1.2');
    expect(normaliseProtocol('TLSv1_3')).toBe('TLSv1.3');
    expect(normaliseProtocol('TLSv9')).toBeUndefined();
    expect(wireVersion('TLSv1.2')).toBe(0x0303);
    expect(wireVersion('SSLv3')).toBe(0x0300);
    expect(suiteProtocols('TLS_PSK_WITH_AES_128_CBC_SHA256')).toEqual(['TLSv1.0', 'TLSv1.1', 'TLSv1.2']);
    expect(suiteProtocols('TLS_AES_128_CCM_SHA256')).toEqual(['TLSv1.3']);
  });

  it('names every group the probe offers, TLS 1.3 groups marked as such', () => {
    for (const code of [...TLS13_GROUPS, ...LEGACY_GROUPS]) expect(groupName(code)).not.toMatch(/^0x/);
    const tls13 = new Set(groups().filter((g) => g.tls13).map((g) => parseInt(g.code, 16)));
    for (const code of TLS13_GROUPS) expect(tls13.has(code), groupName(code)).toBe(true);
    expect(groupName(0x11ec)).toBe('X25519MLKEM768');
  });
});
