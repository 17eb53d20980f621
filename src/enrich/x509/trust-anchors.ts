/** Trust anchors: Node's bundled Mozilla roots plus the user's --trust-store PEMs, indexed by subject. */
import { rootCertificates } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { splitPemCertificates } from './pem.ts';
import { certificateNameKeys } from './der.ts';
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
  /**
   * The anchors whose subject is `name` (as Node shows it, on one line): the user's, then the Private CAs',
   * then the bundled roots, each in its own order. `key` is that name's nameKey (der.ts), which picks the few
   * bundled roots worth parsing; null parses them all.
   */
  named(name: string, key: string | null): TrustAnchor[];
  /** Trust-store entries that could not be parsed; callers report them rather than dropping them silently. */
  errors: string[];
}

/**
 * Node's bundled roots, parsed only when a chain looks for their name: each root's DER is walked for its
 * name key (a few microseconds), and Node's parser (half a millisecond a root, 140 roots) runs only for the
 * roots under a key some chain asks for. A root whose key cannot be read is looked at on every look-up.
 */
class BundledIndex {
  private readonly byKey = new Map<string, number[]>();
  private readonly unkeyed: number[] = [];
  private readonly parsed: (TrustAnchor | null | undefined)[];
  private readonly pems: readonly string[];

  constructor(pems: readonly string[]) {
    this.pems = pems;
    this.parsed = new Array<TrustAnchor | null | undefined>(pems.length);
    pems.forEach((pem, i) => {
      const split = splitPemCertificates(pem, 'bundled root');
      const key = split.ok && split.blocks.length === 1 ? certificateNameKeys(split.blocks[0]!).subject : null;
      if (key === null) this.unkeyed.push(i);
      else {
        const list = this.byKey.get(key);
        if (list) list.push(i);
        else this.byKey.set(key, [i]);
      }
    });
  }

  private anchorAt(i: number): TrustAnchor | null {
    let anchor = this.parsed[i];
    if (anchor === undefined) this.parsed[i] = anchor = bundledAnchor(this.pems[i]!);
    return anchor;
  }

  /** The bundled roots named `name`, in the order Node lists them. */
  named(name: string, key: string | null): TrustAnchor[] {
    const indexes = key === null ? this.pems.map((_, i) => i) : mergeAscending(this.byKey.get(key) ?? [], this.unkeyed);
    const out: TrustAnchor[] = [];
    for (const i of indexes) {
      const anchor = this.anchorAt(i);
      if (anchor !== null && anchor.subject === name) out.push(anchor);
    }
    return out;
  }
}

function mergeAscending(a: readonly number[], b: readonly number[]): number[] {
  if (b.length === 0) return a as number[];
  return [...a, ...b].sort((x, y) => x - y);
}

let bundled: BundledIndex | null = null;

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
  return rootCertificates.map(bundledAnchor).filter((a): a is TrustAnchor => a !== null);
}

function bundledAnchor(pem: string): TrustAnchor | null {
  try {
    const native = new X509Certificate(pem);
    return anchor(oneLine(native.subject), native.fingerprint256.replace(/:/g, ''), native, 'bundled');
  } catch {
    // Node ships no root it cannot parse; a future one that it cannot is no anchor, as with the full parse.
    return null;
  }
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
  const index = (bundled ??= new BundledIndex(rootCertificates));
  const bySubject = new Map<string, TrustAnchor[]>();
  for (const anchor of [...toAnchors(userPems, 'user', errors), ...toAnchors(privateCaPems, 'private-ca', errors)]) {
    const list = bySubject.get(anchor.subject) ?? [];
    list.push(anchor);
    bySubject.set(anchor.subject, list);
  }
  // A chain asks for the same few names again and again: remember each answer for this set's life.
  const answers = new Map<string, TrustAnchor[]>();
  return {
    errors,
    named(name, key) {
      let found = answers.get(name);
      if (found === undefined) {
        if (answers.size >= 10_000) answers.clear();
        found = [...(bySubject.get(name) ?? []), ...index.named(name, key)];
        answers.set(name, found);
      }
      return found;
    },
  };
}

/** The public key of a certificate as comparable text. */
export function spkiOf(native: X509Certificate): string {
  return native.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
}
