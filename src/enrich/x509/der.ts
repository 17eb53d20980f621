/**
 * A strict DER walk over a certificate's outer structure (RFC 5280 §4.1): it finds where the validity times,
 * the extensions and the signature algorithm are, and leaves decoding them to the ASN.1 schemas. A full
 * schema parse of a whole certificate costs 2 to 5 ms, most of it in the issuer and subject names, which
 * Node's own parser already reads; the pieces the facts need cost a tenth of that.
 */

/** One TLV: its tag byte, where its contents start and end, and where the next TLV starts. */
interface Tlv {
  tag: number;
  start: number;
  end: number;
}

function fail(what: string): never {
  throw new Error(`malformed DER: ${what}`);
}

/** The TLV at `offset`, which must end by `limit`; definite lengths only (DER), single-byte tags only. */
function tlvAt(der: Uint8Array, offset: number, limit: number, what: string): Tlv {
  if (offset + 2 > limit) fail(`${what} is truncated`);
  const tag = der[offset]!;
  if ((tag & 0x1f) === 0x1f) fail(`${what} has a multi-byte tag`);
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0) fail(`${what} has an indefinite length`);
    if (bytes > 4) fail(`${what} has a length of ${bytes} bytes`);
    if (start + bytes > limit) fail(`${what} is truncated`);
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i]!;
    start += bytes;
  }
  const end = start + length;
  if (end > limit) fail(`${what} runs past its container`);
  return { tag, start, end };
}

/** The TLV at `offset`, which must carry `tag`. */
function expect(der: Uint8Array, offset: number, limit: number, tag: number, what: string): Tlv {
  const tlv = tlvAt(der, offset, limit, what);
  if (tlv.tag !== tag) fail(`${what} has tag 0x${tlv.tag.toString(16)}, expected 0x${tag.toString(16)}`);
  return tlv;
}

/** The dotted text of an OBJECT IDENTIFIER's contents (X.690 §8.19), arcs of any size. */
function oidText(der: Uint8Array, start: number, end: number, what: string): string {
  if (start === end) fail(`${what} is empty`);
  const arcs: (number | bigint)[] = [];
  let value = 0;
  let big: bigint | null = null;
  for (let i = start; i < end; i++) {
    const byte = der[i]!;
    if (big !== null) big = big * 128n + BigInt(byte & 0x7f);
    else if (value > 2 ** 45) big = BigInt(value) * 128n + BigInt(byte & 0x7f);
    else value = value * 128 + (byte & 0x7f);
    if (byte & 0x80) {
      if (i === end - 1) fail(`${what} ends inside an arc`);
      continue;
    }
    arcs.push(big ?? value);
    value = 0;
    big = null;
  }
  const first = arcs[0]!;
  const head = typeof first === 'bigint' ? ['2', String(first - 80n)] : first < 40 ? ['0', String(first)] : first < 80 ? ['1', String(first - 40)] : ['2', String(first - 80)];
  return [...head, ...arcs.slice(1).map(String)].join('.');
}

/** The bytes from start to end as an ArrayBuffer of their own (a Buffer's slice shares its pool). */
function copy(der: Uint8Array, start: number, end: number): ArrayBuffer {
  const out = new Uint8Array(end - start);
  out.set(der.subarray(start, end));
  return out.buffer;
}

/** One extension as the facts read it: its OID, its criticality and its extnValue contents. */
export interface RawExtension {
  extnID: string;
  critical: boolean;
  /** The contents of extnValue (the DER of the extension's own value). */
  value: ArrayBuffer;
}

/** Extensions ::= SEQUENCE OF Extension; Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }. */
export function extensionList(der: Uint8Array): RawExtension[] {
  const list = expect(der, 0, der.length, SEQUENCE, 'extensions');
  const out: RawExtension[] = [];
  for (let at = list.start; at < list.end;) {
    const what = `extension ${out.length + 1}`;
    const extension = expect(der, at, list.end, SEQUENCE, what);
    const id = expect(der, extension.start, extension.end, 0x06, `${what} extnID`);
    let next = id.end;
    let critical = false;
    if (next < extension.end && der[next] === 0x01) {
      const flag = expect(der, next, extension.end, 0x01, `${what} critical`);
      if (flag.end - flag.start !== 1) fail(`${what} critical is not one byte`);
      critical = der[flag.start] !== 0;
      next = flag.end;
    }
    const value = expect(der, next, extension.end, 0x04, `${what} extnValue`);
    if (value.end !== extension.end) fail(`${what} holds more than extnID, critical and extnValue`);
    out.push({ extnID: oidText(der, id.start, id.end, `${what} extnID`), critical, value: copy(der, value.start, value.end) });
    at = extension.end;
  }
  return out;
}

/**
 * The text of a string value as Node's name formatting shows it (OpenSSL converts each string type to
 * UTF-8), or null for anything this does not decode exactly: another type, a byte that is not what its type
 * allows, an odd length. Null sends the caller to Node's own parser.
 */
function stringValue(der: Uint8Array, tlv: Tlv): string | null {
  const bytes = der.subarray(tlv.start, tlv.end);
  switch (tlv.tag) {
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x1a: // VisibleString
    case 0x12: // NumericString
      for (const byte of bytes) if (byte < 0x20 || byte > 0x7e) return null;
      return Buffer.from(bytes).toString('latin1');
    case 0x0c: { // UTF8String
      for (const byte of bytes) if (byte < 0x20 || byte === 0x7f) return null;
      const text = Buffer.from(bytes).toString('utf8');
      // Invalid UTF-8 decodes to U+FFFD here but may be shown otherwise by OpenSSL.
      return text.includes('\ufffd') || Buffer.byteLength(text) !== bytes.length ? null : text;
    }
    case 0x1e: { // BMPString (UCS-2)
      if (bytes.length % 2 !== 0) return null;
      let text = '';
      for (let i = 0; i < bytes.length; i += 2) {
        const unit = bytes[i]! * 256 + bytes[i + 1]!;
        if (unit < 0x20 || unit === 0x7f || (unit >= 0xd800 && unit <= 0xdfff)) return null;
        text += String.fromCharCode(unit);
      }
      return text;
    }
    default:
      return null;
  }
}

/** The values of every commonName (2.5.4.3) in a Name, in DER order; null when one cannot be decoded exactly. */
function commonNames(der: Uint8Array, name: Tlv): string[] | null {
  const out: string[] = [];
  for (let at = name.start; at < name.end;) {
    const rdn = expect(der, at, name.end, 0x31, 'a relative distinguished name');
    for (let inner = rdn.start; inner < rdn.end;) {
      const pair = expect(der, inner, rdn.end, SEQUENCE, 'an attribute of a name');
      const type = expect(der, pair.start, pair.end, 0x06, 'an attribute type');
      const value = tlvAt(der, type.end, pair.end, 'an attribute value');
      if (value.end !== pair.end) fail('an attribute holds more than its type and value');
      if (oidText(der, type.start, type.end, 'an attribute type') === '2.5.4.3') {
        const text = stringValue(der, value);
        if (text === null) return null;
        out.push(text);
      }
      inner = pair.end;
    }
    at = rdn.end;
  }
  return out;
}

/**
 * A key for finding trust anchors by name without formatting every anchor's name: the common names, each
 * decoded to text. Node shows a name with every value converted to UTF-8 and escaped one-to-one, so two names
 * Node shows alike have the same common names and so the same key; the key narrows the search, and the
 * names Node shows still decide. Null when a common name cannot be decoded exactly (compare every anchor then).
 */
export function nameKey(der: Uint8Array, name: Tlv): string | null {
  const names = commonNames(der, name);
  return names === null ? null : names.join('\u0000');
}

/** Where the fields of Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } sit, up to the key. */
interface Layout {
  cert: Tlv;
  tbs: Tlv;
  issuer: Tlv;
  validity: Tlv;
  subject: Tlv;
  /** Where the optional fields after subjectPublicKeyInfo start. */
  afterKey: number;
}

function layout(der: Uint8Array): Layout {
  const cert = expect(der, 0, der.length, SEQUENCE, 'the certificate');
  const tbs = expect(der, cert.start, cert.end, SEQUENCE, 'tbsCertificate');
  let at = tbs.start;
  const next = (tag: number, what: string): Tlv => {
    const tlv = expect(der, at, tbs.end, tag, what);
    at = tlv.end;
    return tlv;
  };
  if (at < tbs.end && der[at] === 0xa0) next(0xa0, 'version');
  next(INTEGER, 'serialNumber');
  next(SEQUENCE, 'signature');
  const issuer = next(SEQUENCE, 'issuer');
  const validity = next(SEQUENCE, 'validity');
  const subject = next(SEQUENCE, 'subject');
  next(SEQUENCE, 'subjectPublicKeyInfo');
  return { cert, tbs, issuer, validity, subject, afterKey: at };
}

type NameKeys = { issuer: string | null; subject: string | null };

/** The name keys of the issuer and subject found; both null when a name cannot be read (look every anchor up). */
function nameKeysOf(der: Uint8Array, found: Layout): NameKeys {
  try {
    return { issuer: nameKey(der, found.issuer), subject: nameKey(der, found.subject) };
  } catch {
    return { issuer: null, subject: null };
  }
}

/** The name keys (nameKey) of a certificate's issuer and subject; null where they cannot be read. */
export function certificateNameKeys(der: Uint8Array): NameKeys {
  let found: Layout;
  try {
    found = layout(der);
  } catch {
    return { issuer: null, subject: null };
  }
  return nameKeysOf(der, found);
}

/** Where the facts' inputs sit in one certificate's DER: each a complete TLV (tag and length included). */
export interface CertificateParts {
  notBefore: Uint8Array;
  notAfter: Uint8Array;
  /** The SEQUENCE OF Extension inside [3], or null when the certificate has none. */
  extensions: Uint8Array | null;
  /** The outer signatureAlgorithm AlgorithmIdentifier. */
  signatureAlgorithm: Uint8Array;
  /** The name keys of the issuer and subject (certificateNameKeys), from the same walk. */
  nameKeys: NameKeys;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;

/** Locates the parts of Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }. */
export function certificateParts(der: Uint8Array): CertificateParts {
  const found = layout(der);
  const { cert, tbs, validity } = found;
  const signature = expect(der, tbs.end, cert.end, SEQUENCE, 'signatureAlgorithm');
  expect(der, signature.end, cert.end, 0x03, 'signatureValue');
  let at = found.afterKey;
  const time = (offset: number, what: string): Tlv => {
    const tlv = tlvAt(der, offset, validity.end, what);
    if (tlv.tag !== UTC_TIME && tlv.tag !== GENERALIZED_TIME) fail(`${what} is neither UTCTime nor GeneralizedTime`);
    return tlv;
  };
  const notBefore = time(validity.start, 'notBefore');
  const notAfter = time(notBefore.end, 'notAfter');
  if (notAfter.end !== validity.end) fail('validity holds more than two times');
  // Optional issuerUniqueID [1] and subjectUniqueID [2] (primitive or constructed), then extensions [3].
  let extensions: Uint8Array | null = null;
  while (at < tbs.end) {
    const tlv = tlvAt(der, at, tbs.end, 'an optional tbsCertificate field');
    if (tlv.tag === 0xa3) {
      if (extensions !== null) fail('two extensions fields');
      const list = expect(der, tlv.start, tlv.end, SEQUENCE, 'extensions');
      if (list.end !== tlv.end) fail('extensions [3] holds more than its SEQUENCE');
      extensions = der.subarray(tlv.start, list.end);
    } else if (tlv.tag !== 0x81 && tlv.tag !== 0xa1 && tlv.tag !== 0x82 && tlv.tag !== 0xa2) {
      fail(`tbsCertificate has an unexpected field with tag 0x${tlv.tag.toString(16)}`);
    }
    at = tlv.end;
  }
  const whole = (tlv: Tlv, from: number): Uint8Array => der.subarray(from, tlv.end);
  return {
    notBefore: whole(notBefore, validity.start),
    notAfter: whole(notAfter, notBefore.end),
    extensions,
    signatureAlgorithm: whole(signature, tbs.end),
    nameKeys: nameKeysOf(der, found),
  };
}
