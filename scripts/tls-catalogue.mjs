// Builds rules/data/tls-catalogue.json, the project's one TLS catalogue: every cipher suite the probe
// offers (IANA name, code point, OpenSSL name, key exchange, authentication, encryption, MAC, protocols,
// strength and where the rating comes from), the SSLv2 cipher specs, the protocol table and the named groups.
// Inputs: shared/reference/cipher-suites.json (testssl.sh, sslyze, ciphersuite.info, Mozilla, IANA) and
// scripts/data/iana-cipher-suites-supplement.csv (IANA registry rows the reference lacks).
const PROTO = { SSLv2: 'SSLv2', SSLv3: 'SSLv3', TLSv1: 'TLSv1.0', 'TLSv1.1': 'TLSv1.1', 'TLSv1.2': 'TLSv1.2', 'TLSv1.3': 'TLSv1.3' };
const LEGACY = ['SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2'];

// ciphersuite.info's vulnerability names and severities (directory/fixtures/00_vulnerabilities.yaml at the
// commit the reference cites): 2 makes a suite insecure, 1 weak, 0 only keeps it from "recommended".
const SEVERITY = {
  'Anonymous key exchange': 2, 'NULL Authentication': 2, 'NULL Encryption': 2, 'NULL Integrity': 2,
  'Export-grade cipher suite': 2, 'Rivest Cipher 4': 2, 'Rivest Cipher 2': 2, 'Data Encryption Standard': 2,
  'Message Digest 5': 2, 'SSLv2-only cipher spec': 2,
  'Cipher Block Chaining': 1, 'Secure Hash Algorithm 1': 1, 'Non-ephemeral Key Exchange': 1, 'Triple-DES': 1,
  'DHEat Attack': 1, 'Raccoon Attack': 1,
  'RSA Authentication': 0,
};

/** Components of a suite from its IANA name, as ciphersuite.info's directory/signals.py splits them. */
export function parseIanaName(name) {
  const gost = /^TLS_GOSTR341112_256_WITH_(KUZNYECHIK|MAGMA|28147)_(CTR_OMAC|CNT_IMIT|MGM_[LS])$/.exec(name);
  if (gost) return parseGost(gost[1], gost[2]);
  const tls13 = !name.includes('_WITH_');
  if (tls13) {
    // TLS_AES_128_GCM_SHA256, TLS_SM4_GCM_SM3, TLS_AEGIS_256_SHA512, TLS_SHA256_SHA256 (RFC 9150, integrity only)
    const body = name.replace(/^TLS_/, '');
    const integrityOnly = /^SHA(256|384)_SHA\1$/.test(body);
    const enc = integrityOnly ? 'NULL' : encOf(body.replace(/_(SHA256|SHA384|SHA512|SM3)$/, ''));
    return { kx: 'any', auth: 'any', enc, mac: integrityOnly ? `HMAC-${body.slice(0, 6)}` : 'AEAD', tls13: true };
  }
  const [left, right] = name.replace(/^TLS_/, '').split('_WITH_');
  let kx = left;
  let auth = left;
  const m = /^(ECDHE|ECDH|DHE|DH|RSA|PSK|KRB5|SRP_SHA|ECCPWD|NULL)(?:_(.*))?$/.exec(left);
  if (m) {
    const [, k, a] = m;
    kx = k === 'SRP_SHA' ? 'SRP' : k;
    auth = a ?? k;
    if (k === 'SRP_SHA') auth = a ?? 'SRP';
    if (a === 'anon' || a === 'anon_EXPORT') { kx = `${k}_anon`; auth = 'anon'; }
    if (a === 'PSK') auth = 'PSK';
    if (k === 'PSK' && a === 'DHE') { kx = 'DHE'; auth = 'PSK'; } // the registry's TLS_PSK_DHE_WITH_* spelling
    if (a === 'EXPORT') auth = k;
    else if (a && a.endsWith('_EXPORT')) auth = a.replace(/_EXPORT$/, '');
    if (k === 'ECCPWD') auth = 'ECCPWD';
  }
  const macMatch = /_(SHA384|SHA256|SHA|MD5|NULL)$/.exec(right);
  const aead = /GCM|CCM|POLY1305/.test(right);
  const encPart = macMatch && !/_CCM(_8)?$/.test(right) ? right.slice(0, -macMatch[0].length) : right;
  const mac = aead ? 'AEAD' : macMatch ? { SHA: 'HMAC-SHA1', SHA256: 'HMAC-SHA256', SHA384: 'HMAC-SHA384', MD5: 'HMAC-MD5', NULL: 'NULL' }[macMatch[1]] : 'NULL';
  return { kx, auth, enc: encOf(encPart), mac, tls13: false };
}

/**
 * GOST suites: RFC 9189 (TLS 1.2: VKO GOST R 34.10-2012 key agreement against the key in the server's GOST
 * certificate, so no ServerKeyExchange and no forward secrecy; CTR or CNT encryption with an OMAC or IMIT MAC)
 * and RFC 9367 (TLS 1.3: MGM AEAD, "_L"/"_S" the re-keying variant, despite the _WITH_ in the name).
 */
function parseGost(cipher, mode) {
  const enc = { KUZNYECHIK: 'Kuznyechik', MAGMA: 'Magma', 28147: 'GOST 28147-89' }[cipher];
  if (mode.startsWith('MGM')) return { kx: 'any', auth: 'any', enc: `${enc} MGM`, mac: 'AEAD', tls13: true };
  return { kx: 'VKO_GOST', auth: 'GOST', enc: `${enc} ${mode === 'CNT_IMIT' ? 'CNT' : 'CTR'}`, mac: mode === 'CNT_IMIT' ? 'GOST 28147-89 IMIT' : 'OMAC', tls13: false };
}

function encOf(part) {
  if (part === 'NULL') return 'NULL';
  if (part.startsWith('3DES')) return '3DES EDE CBC';
  return part.split('_').join(' ');
}

/** The ciphersuite.info convention (see the reference's strength_convention) applied to a suite's components. */
export function rateSuite(name, parts) {
  const reasons = new Set();
  const { kx, auth, enc, mac } = parts;
  if (/anon/.test(kx)) reasons.add('Anonymous key exchange');
  if (['RSA', 'DH', 'ECDH', 'PSK', 'KRB5', 'NULL', 'DH_anon', 'ECDH_anon', 'VKO_GOST'].includes(kx)) reasons.add('Non-ephemeral Key Exchange');
  if (['DH', 'DHE', 'DH_anon'].includes(kx)) reasons.add('Raccoon Attack');
  if (kx === 'DHE') reasons.add('DHEat Attack');
  if (auth === 'RSA') reasons.add('RSA Authentication');
  if (auth === 'NULL') reasons.add('NULL Authentication');
  if (enc === 'NULL') reasons.add('NULL Encryption');
  if (/CBC/.test(enc)) reasons.add('Cipher Block Chaining');
  if (/^3DES/.test(enc)) reasons.add('Triple-DES');
  else if (/^DES/.test(enc)) reasons.add('Data Encryption Standard');
  if (/^RC4/.test(enc)) reasons.add('Rivest Cipher 4');
  if (/^RC2/.test(enc)) reasons.add('Rivest Cipher 2');
  if (/EXPORT/.test(name)) reasons.add('Export-grade cipher suite');
  if (mac === 'HMAC-SHA1') reasons.add('Secure Hash Algorithm 1');
  if (mac === 'HMAC-MD5') reasons.add('Message Digest 5');
  if (mac === 'NULL' && enc === 'NULL') reasons.add('NULL Integrity');
  const worst = Math.max(-1, ...[...reasons].map((r) => SEVERITY[r]));
  const ephemeral = parts.tls13 || ['ECDHE', 'DHE'].includes(kx);
  const strength = worst >= 2 ? 'insecure' : worst === 1 ? 'weak'
    : worst === -1 && !/CCM/.test(enc) && ephemeral ? 'recommended' : 'secure';
  return { strength, reasons: [...reasons].sort() };
}

/** Which certificate the server must hold to choose the suite ('any' for TLS 1.3, 'none' without one). */
function certificateFor(kx, auth) {
  if (auth === 'any') return 'any';
  if (['RSA', 'ECDSA', 'DSS', 'GOST'].includes(auth)) return auth;
  if (kx === 'RSA' && auth === 'PSK') return 'RSA'; // RSA_PSK: RSA key transport, RSA certificate
  return 'none';
}

/** What the ServerKeyExchange carries: finite-field DH parameters, an ECDH point, or nothing the probe reads. */
function ephemeralOf(kx) {
  if (kx === 'DHE' || kx === 'DH_anon') return 'DH';
  if (kx === 'ECDHE' || kx === 'ECDH_anon') return 'ECDH';
  return null;
}

function protocolsFor(name, parts) {
  if (parts.tls13) return ['TLSv1.3'];
  if (parts.kx === 'VKO_GOST') return ['TLSv1.2'];
  if (parts.mac === 'AEAD' || /SHA(256|384)$/.test(name)) return ['TLSv1.2'];
  if (/EXPORT/.test(name)) return ['SSLv3', 'TLSv1.0'];
  return [...LEGACY];
}

const hex = (n, w) => '0x' + n.toString(16).toUpperCase().padStart(w, '0');

// IANA names of protocol versions and named groups (TLS Supported Groups registry) the probe can offer.
const PROTOCOLS = [
  { name: 'SSLv2', wire: '0x0002', rank: 0, aliases: ['SSLv2', 'Protocol-SSLv2'] },
  { name: 'SSLv3', wire: '0x0300', rank: 1, aliases: ['SSLv3', 'Protocol-SSLv3'] },
  { name: 'TLSv1.0', wire: '0x0301', rank: 2, aliases: ['TLSv1', 'TLSv1.0', 'Protocol-TLSv1', 'TLSv1_0'] },
  { name: 'TLSv1.1', wire: '0x0302', rank: 3, aliases: ['TLSv1.1', 'Protocol-TLSv1.1', 'TLSv1_1'] },
  { name: 'TLSv1.2', wire: '0x0303', rank: 4, aliases: ['TLSv1.2', 'Protocol-TLSv1.2', 'TLSv1_2'] },
  { name: 'TLSv1.3', wire: '0x0304', rank: 5, aliases: ['TLSv1.3', 'Protocol-TLSv1.3', 'TLSv1_3'] },
];
// Every entry of the IANA TLS Supported Groups registry a server can negotiate (retrieved 2026-11), except the
// explicit-curve code points (see `excluded`). kind: ec, ffdhe (RFC 7919), hybrid-pq (an
// ECDHE share and an ML-KEM or pre-standard Kyber share together), pq (ML-KEM alone); tls13: valid in TLS 1.3
// (RFC 8446 4.2.7 drops the binary and small curves); tls12: valid in TLS <= 1.2 supported_groups (a fifth
// element where the rule below does not hold: every curve not valid in TLS 1.3, and those up to x448).
const GROUPS = [
  [1, 'sect163k1', 'ec', false], [2, 'sect163r1', 'ec', false], [3, 'sect163r2', 'ec', false], [4, 'sect193r1', 'ec', false],
  [5, 'sect193r2', 'ec', false], [6, 'sect233k1', 'ec', false], [7, 'sect233r1', 'ec', false], [8, 'sect239k1', 'ec', false],
  [9, 'sect283k1', 'ec', false], [10, 'sect283r1', 'ec', false], [11, 'sect409k1', 'ec', false], [12, 'sect409r1', 'ec', false],
  [13, 'sect571k1', 'ec', false], [14, 'sect571r1', 'ec', false],
  [15, 'secp160k1', 'ec', false], [16, 'secp160r1', 'ec', false], [17, 'secp160r2', 'ec', false], [18, 'secp192k1', 'ec', false],
  [19, 'secp192r1', 'ec', false], [20, 'secp224k1', 'ec', false], [21, 'secp224r1', 'ec', false], [22, 'secp256k1', 'ec', false],
  [23, 'secp256r1', 'ec', true], [24, 'secp384r1', 'ec', true], [25, 'secp521r1', 'ec', true],
  [26, 'brainpoolP256r1', 'ec', false], [27, 'brainpoolP384r1', 'ec', false], [28, 'brainpoolP512r1', 'ec', false],
  [29, 'x25519', 'ec', true], [30, 'x448', 'ec', true],
  [31, 'brainpoolP256r1tls13', 'ec', true], [32, 'brainpoolP384r1tls13', 'ec', true], [33, 'brainpoolP512r1tls13', 'ec', true],
  // GOST R 34.10-2012 curves: TLS 1.2 (RFC 9189) and TLS 1.3 (RFC 9367).
  [34, 'GC256A', 'ec', true, true], [35, 'GC256B', 'ec', true, true], [36, 'GC256C', 'ec', true, true], [37, 'GC256D', 'ec', true, true],
  [38, 'GC512A', 'ec', true, true], [39, 'GC512B', 'ec', true, true], [40, 'GC512C', 'ec', true, true],
  [41, 'curveSM2', 'ec', true],
  [256, 'ffdhe2048', 'ffdhe', true], [257, 'ffdhe3072', 'ffdhe', true], [258, 'ffdhe4096', 'ffdhe', true],
  [259, 'ffdhe6144', 'ffdhe', true], [260, 'ffdhe8192', 'ffdhe', true],
  [0x0200, 'MLKEM512', 'pq', true], [0x0201, 'MLKEM768', 'pq', true], [0x0202, 'MLKEM1024', 'pq', true],
  [0x11eb, 'SecP256r1MLKEM768', 'hybrid-pq', true], [0x11ec, 'X25519MLKEM768', 'hybrid-pq', true], [0x11ed, 'SecP384r1MLKEM1024', 'hybrid-pq', true],
  [0x11ee, 'curveSM2MLKEM768', 'hybrid-pq', true],
  [0x6399, 'X25519Kyber768Draft00', 'hybrid-pq', true], [0x639a, 'SecP256r1Kyber768Draft00', 'hybrid-pq', true],
];

function readSupplement(csv) {
  return csv.split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith('code,')).map((l) => {
    const [code, iana, reference, openssl] = l.split(',');
    return { code, iana, reference, openssl: openssl || null };
  });
}

export function buildTlsCatalogue(ref, supplementCsv, write) {
  const suites = [];
  const mismatches = [];
  for (const c of ref.ciphers) {
    const sslv2Only = c.code_point.length === 8;
    const parts = sslv2Only ? null : parseIanaName(c.iana_name);
    // The convention as applied here must reproduce the reference's own ratings, or the supplement's are suspect.
    if (parts) {
      const mine = rateSuite(c.iana_name, parts);
      if (mine.strength !== c.strength) mismatches.push(`${c.iana_name}: ${mine.strength} vs ${c.strength}`);
    }
    const row = {
      iana: c.iana_name,
      openssl: c.openssl_name,
      code: c.code_point,
      protocols: c.protocols.map((p) => PROTO[p] ?? p),
      kx: parts?.kx ?? c.key_exchange,
      auth: parts?.auth ?? c.authentication,
      enc: c.encryption,
      mac: c.mac,
      certificate: sslv2Only ? 'RSA' : certificateFor(parts.kx, parts.auth),
      ephemeral: parts ? ephemeralOf(parts.kx) : null,
      strength: c.strength,
      reasons: c.strength_reasons,
      rating: 'ciphersuite.info',
      forwardSecrecy: c.forward_secrecy,
      aead: c.aead,
      cbc: /CBC/.test(c.encryption) || (!c.aead && /AES|CAMELLIA|ARIA|SEED|IDEA|DES/.test(c.encryption)),
      export: c.export_grade,
      mozilla: c.mozilla_6_0_lowest_profile ?? null,
      source: 'reference',
    };
    suites.push(row);
    // The SSLv2 CIPHER-SPEC sharing an OpenSSL name with a TLS suite is a separate wire identity.
    if (c.sslv2_variant_code_point && c.sslv2_variant_code_point !== '0xFF8010') {
      suites.push({ ...row, iana: c.sslv2_variant_name, code: c.sslv2_variant_code_point, protocols: ['SSLv2'], certificate: 'RSA', ephemeral: null,
        strength: 'insecure', reasons: [...new Set([...row.reasons, 'SSLv2-only cipher spec'])].sort() });
    }
  }
  if (mismatches.length > 0) throw new Error(`rating convention disagrees with the reference:\n${mismatches.join('\n')}`);
  const known = new Set(suites.map((s) => s.code));
  for (const s of readSupplement(supplementCsv)) {
    if (known.has(s.code)) continue;
    const parts = parseIanaName(s.iana);
    const { strength, reasons } = rateSuite(s.iana, parts);
    suites.push({
      iana: s.iana, openssl: s.openssl, code: s.code, protocols: protocolsFor(s.iana, parts),
      kx: parts.kx, auth: parts.auth, enc: parts.enc, mac: parts.mac,
      certificate: certificateFor(parts.kx, parts.auth), ephemeral: parts.tls13 ? null : ephemeralOf(parts.kx),
      strength, reasons, rating: 'ciphersuite.info convention, applied by scripts/tls-catalogue.mjs',
      forwardSecrecy: parts.tls13 || ['DHE', 'ECDHE', 'ECCPWD'].includes(parts.kx),
      aead: parts.mac === 'AEAD', cbc: /CBC/.test(parts.enc), export: /EXPORT/.test(s.iana), mozilla: null,
      source: `IANA (${s.reference})`,
    });
  }
  suites.sort((a, b) => a.code.length - b.code.length || parseInt(a.code, 16) - parseInt(b.code, 16));
  const catalogue = {
    source: [...ref.source.map((s) => s.ref), 'IANA TLS Cipher Suites registry via scripts/data/iana-cipher-suites-supplement.csv', 'IANA TLS Supported Groups registry'],
    derivedFrom: 'shared/reference/cipher-suites.json (retrieved ' + ref.retrieved + ') and scripts/data/iana-cipher-suites-supplement.csv',
    strengthConvention: {
      source: 'ciphersuite.info (hcrudolph/ciphersuite.info directory/models.py and fixtures/00_vulnerabilities.yaml)',
      rules: ref.strength_convention.rules,
      rating: "'ciphersuite.info' = the reference's rating; 'ciphersuite.info convention, applied by scripts/tls-catalogue.mjs' = the same algorithm applied to the IANA name's components (checked to reproduce every reference rating)",
    },
    excluded: {
      'arbitrary_explicit_prime_curves, arbitrary_explicit_char2_curves': 'deprecated by RFC 8422 and refused by every current TLS library',
      'TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS_FALLBACK_SCSV': 'signalling values, never negotiated',
    },
    protocols: PROTOCOLS,
    groups: GROUPS.map(([code, name, kind, tls13, tls12]) => ({ code: hex(code, 4), name, kind, tls13, tls12: tls12 ?? (kind === 'ec' ? !tls13 || code <= 30 : kind === 'ffdhe') })),
    suites,
  };
  // One suite, group or protocol per line: small enough to bundle, still diffable.
  const rows = (list) => list.map((x) => '  ' + JSON.stringify(x)).join(',\n');
  const head = JSON.stringify({ ...catalogue, protocols: undefined, groups: undefined, suites: undefined }, null, 1).replace(/\n}$/, '');
  write('tls-catalogue.json', `${head},\n "protocols": [\n${rows(PROTOCOLS)}\n ],\n "groups": [\n${rows(catalogue.groups)}\n ],\n "suites": [\n${rows(suites)}\n ]\n}\n`);
  return catalogue;
}
