/** Trust anchors: Node's bundled Mozilla roots plus the user's --trust-store PEMs, indexed by subject. */
import { rootCertificates } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { splitPemCertificates } from './pem.ts';
import { loadCertificate, oneLine } from './parse.ts';

export interface TrustAnchor {
  subject: string;
  sha256: string;
  /** SubjectPublicKeyInfo DER as base64: a cross-signed copy of an anchor has the same subject and key. */
  spki: string;
  native: X509Certificate;
  source: 'bundled' | 'user' | 'private-ca';
}

export interface TrustAnchorSet {
  bySubject: Map<string, TrustAnchor[]>;
  /** Trust-store entries that could not be parsed; callers report them rather than dropping them silently. */
  errors: string[];
}

let bundled: TrustAnchor[] | null = null;

function toAnchors(pems: readonly string[], source: TrustAnchor['source'], errors: string[]): TrustAnchor[] {
  const anchors: TrustAnchor[] = [];
  pems.forEach((pem, index) => {
    // A trust store file may hold many roots: the per-chain certificate cap does not apply here.
    for (const block of pem.split(/(?=-----BEGIN )/)) {
      if (block.trim() === '') continue;
      const split = splitPemCertificates(block, `${source} trust anchor ${index + 1}`);
      if (!split.ok) { errors.push(split.error); continue; }
      for (const der of split.blocks) {
        const loaded = loadCertificate(der, `${source} trust anchor ${index + 1}`);
        if (!loaded.ok) { errors.push(loaded.error); continue; }
        const { parsed, native } = loaded.certificate;
        anchors.push(anchor(parsed.subject, parsed.sha256, native, source));
      }
    }
  });
  return anchors;
}

/** An anchor whose key (SPKI) is exported only when a chain asks for it: most of 140 bundled roots never are. */
function anchor(subject: string, sha256: string, native: X509Certificate, source: TrustAnchor['source']): TrustAnchor {
  let spki: string | undefined;
  return {
    subject, sha256, native, source,
    get spki() {
      return (spki ??= spkiOf(native));
    },
  };
}

/**
 * Node's bundled roots, read with Node's own parser only: an anchor needs its subject, fingerprint and key,
 * never the extensions the full parse decodes (that parse costs ~0.5 s of every cold run). The roots the
 * full parse reads are exactly these (test/enrich/x509/trust-anchors.test.ts holds it to that).
 */
export function bundledAnchors(): TrustAnchor[] {
  const anchors: TrustAnchor[] = [];
  for (const pem of rootCertificates) {
    try {
      const native = new X509Certificate(pem);
      anchors.push(anchor(oneLine(native.subject), native.fingerprint256.replace(/:/g, ''), native, 'bundled'));
    } catch {
      // Node ships no root it cannot parse; a future one that it cannot is no anchor, as with the full parse.
    }
  }
  return anchors;
}

/** The bundled roots through the full parse (what bundledAnchors must equal). */
export function bundledAnchorsFullyParsed(): TrustAnchor[] {
  return toAnchors(rootCertificates, 'bundled', []);
}

/**
 * Build the anchor set once per run: the bundled roots are parsed once per process. Private-CA anchors are
 * the roots of the ACM Private CAs that issued collected certificates (their clients trust them by design).
 */
export function trustAnchorSet(userPems: readonly string[], privateCaPems: readonly string[] = []): TrustAnchorSet {
  const errors: string[] = [];
  bundled ??= bundledAnchors();
  const bySubject = new Map<string, TrustAnchor[]>();
  for (const anchor of [...toAnchors(userPems, 'user', errors), ...toAnchors(privateCaPems, 'private-ca', errors), ...bundled]) {
    const list = bySubject.get(anchor.subject) ?? [];
    list.push(anchor);
    bySubject.set(anchor.subject, list);
  }
  return { bySubject, errors };
}

/** The public key of a certificate as comparable text. */
export function spkiOf(native: X509Certificate): string {
  return native.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
}
