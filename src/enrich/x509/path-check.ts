/**
 * Certification-path validation of the path the chain judge found, by pkijs (RFC 5280 §6 as pkijs
 * implements it): CA basic constraints and keyCertSign of every issuer, name constraints (permitted and
 * excluded subtrees), certificate policies, name chaining and signatures. pkijs parses pathLenConstraint
 * but does not enforce it (checked in its 3.x source), so path length is checked here, over the same path.
 * Validity dates are judged by the expiry rules, so the path is checked at a moment inside every
 * certificate's validity window when there is one: an expired intermediate is cert-expired, not this.
 */
import { createPublicKey, webcrypto, type X509Certificate } from 'node:crypto';
import * as pkijs from 'pkijs';
import { issuingAnchor, matchingAnchor } from './chain.ts';
import type { LoadedCertificate } from './parse.ts';
import type { TrustAnchorSet } from './trust-anchors.ts';
import type { ChainJudgement, PathCheck } from './types.ts';

type EngineCrypto = ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'];

/**
 * pkijs verifies signatures with WebCrypto, which lacks Ed25519 in its X.509 mapping and MD5 entirely, so
 * such a path would come out "invalid" for a reason that is not one. Signatures of the certificates on
 * the path are checked with Node's X509Certificate.verify instead (what the chain judge already uses);
 * pkijs keeps the RFC 5280 logic. The engine is passed per call: nothing global is set.
 */
class NodeSignatureEngine extends pkijs.CryptoEngine {
  constructor(private readonly byTbs: ReadonlyMap<string, X509Certificate>) {
    super({ name: 'node-webcrypto', crypto: webcrypto as unknown as EngineCrypto });
  }

  override async verifyWithPublicKey(data: Parameters<pkijs.CryptoEngine['verifyWithPublicKey']>[0], signature: Parameters<pkijs.CryptoEngine['verifyWithPublicKey']>[1], publicKeyInfo: pkijs.PublicKeyInfo,
    signatureAlgorithm: pkijs.AlgorithmIdentifier, shaAlgorithm?: string): Promise<boolean> {
    const bytes = ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data as ArrayBuffer);
    const cert = this.byTbs.get(bytes.toString('base64'));
    if (!cert) return super.verifyWithPublicKey(data, signature, publicKeyInfo, signatureAlgorithm, shaAlgorithm);
    try {
      return cert.verify(createPublicKey({ key: Buffer.from(publicKeyInfo.toSchema().toBER(false)), format: 'der', type: 'spki' }));
    } catch {
      return false;
    }
  }
}

const NOT_CHECKED: Record<string, string> = {
  incomplete: 'no path to a trust anchor was found, so there is no path to validate',
  error: 'the chain could not be read',
};

function toPkijs(der: Buffer): pkijs.Certificate {
  return pkijs.Certificate.fromBER(new Uint8Array(der).buffer);
}

/** A moment inside every validity window of the path, or asOf when the windows do not overlap. */
function checkDate(certs: readonly LoadedCertificate[], asOf: string): Date {
  const from = Math.max(...certs.map((c) => Date.parse(c.parsed.notBefore)));
  const to = Math.min(...certs.map((c) => Date.parse(c.parsed.notAfter)));
  return from <= to ? new Date(from) : new Date(asOf);
}

/** Path length: a CA with pathLenConstraint n may have at most n intermediate CAs below it on the path. */
function pathLengthProblems(path: readonly LoadedCertificate[]): string[] {
  const problems: string[] = [];
  path.forEach((cert, k) => {
    const limit = cert.parsed.basicConstraints?.pathLen ?? null;
    if (k === 0 || limit === null || !cert.parsed.basicConstraints?.ca) return;
    const below = path.slice(1, k).filter((c) => c.parsed.subject !== c.parsed.issuer).length;
    if (below > limit) problems.push(`${cert.parsed.subject} allows ${limit} intermediate CA(s) below it (pathLenConstraint) but ${below} follow it on the path`);
  });
  return problems;
}

/**
 * pkijs says only "one of intermediate certificates is not a CA certificate" (its CA check covers the
 * cA flag and keyCertSign alike); the parsed extensions name which issuer and why.
 */
function issuerProblems(path: readonly LoadedCertificate[]): string[] {
  return path.slice(1).flatMap((cert) => {
    const p = cert.parsed;
    if (!p.basicConstraints?.ca) return [`${p.subject} issues certificates but is not a CA certificate (basicConstraints cA false or absent)`];
    if (p.keyUsage.length > 0 && !p.keyUsage.includes('keyCertSign')) return [`${p.subject} is a CA but its key usage lacks keyCertSign`];
    return [];
  });
}

/** pkijs' messages say "Unable to build certificate chain - …"; the reader wants what is wrong. */
function plain(message: string): string {
  return message.replace(/^Unable to build certificate chain - /, '').replace(/^using "keyCertSign" flag set without BasicConstraints$/, 'an issuer has keyCertSign but is not a CA (no basicConstraints cA)')
    .replace(/^"keyCertSign" flag was not set$/, 'an issuing CA certificate lacks the keyCertSign key usage')
    .replace(/^One of intermediate certificates is not a CA certificate$/, 'an intermediate on the path is not a CA certificate (basicConstraints cA false or absent)')
    .replace(/^more than one possible end-user certificate$/, 'an issuer on the path is not a CA certificate (basicConstraints cA false or absent)');
}

// One estate serves the same chain from many endpoints and SNI names: each distinct path is validated once per anchor set.
// Bounded, because a warm Lambda keeps the anchor set across runs (asOf is in the key).
const MEMO_LIMIT = 20_000;
const memo = new WeakMap<TrustAnchorSet, Map<string, Promise<PathCheck>>>();

/** Validate the judged path (leaf first) to its anchor; `not-checked` when there is no path to validate. */
export async function checkCertificationPath(certs: readonly LoadedCertificate[], judgement: ChainJudgement, anchors: TrustAnchorSet, asOf: string): Promise<PathCheck> {
  if (judgement.status !== 'trusted' && judgement.status !== 'untrusted') {
    return { status: 'not-checked', problems: [NOT_CHECKED[judgement.status] ?? `chain status ${judgement.status}`] };
  }
  const key = `${asOf}|${judgement.path.map((i) => certs[i]!.parsed.sha256).join(',')}`;
  let byPath = memo.get(anchors);
  if (!byPath) { byPath = new Map(); memo.set(anchors, byPath); }
  let check = byPath.get(key);
  if (!check) {
    if (byPath.size >= MEMO_LIMIT) byPath.clear();
    check = validatePath(certs, judgement, anchors, asOf);
    byPath.set(key, check);
  }
  const result = await check;
  return { status: result.status, problems: [...result.problems] };
}

async function validatePath(certs: readonly LoadedCertificate[], judgement: ChainJudgement, anchors: TrustAnchorSet, asOf: string): Promise<PathCheck> {
  const path = judgement.path.map((i) => certs[i]!);
  const last = path[path.length - 1]!;
  // The anchor is the last certificate on the path when it is a root (trusted or supplied), else an external anchor.
  const external = matchingAnchor(last, anchors) || last.parsed.selfSigned ? null : issuingAnchor(last, anchors);
  const anchorDer = external ? Buffer.from(external.native.raw) : last.der;
  const below = external ? path : path.slice(0, -1);
  if (below.length === 0) return { status: 'not-checked', problems: ['the certificate is its own trust anchor (self-signed), so there is no path to validate'] };
  const problems = pathLengthProblems(path);
  try {
    // Each certificate is parsed once (a pkijs parse costs about as much as the rest of the path check).
    const parsed = new Map<LoadedCertificate, pkijs.Certificate>(path.map((c) => [c, toPkijs(c.der)]));
    const validation = new pkijs.CertificateChainValidationEngine({
      trustedCerts: [external ? toPkijs(anchorDer) : parsed.get(last)!],
      certs: below.map((c) => parsed.get(c)!).reverse(),
      checkDate: checkDate([...path], asOf),
    });
    const byTbs = new Map<string, X509Certificate>();
    for (const c of path) byTbs.set(Buffer.from(parsed.get(c)!.tbsView).toString('base64'), c.native);
    const outcome = await validation.verify({}, new NodeSignatureEngine(byTbs));
    if (!outcome.result) {
      const named = outcome.resultCode === 14 ? issuerProblems(path) : [];
      problems.unshift(...(named.length > 0 ? named : [plain(outcome.resultMessage || `pkijs result code ${outcome.resultCode}`)]));
    }
  } catch (error) {
    const message = error && typeof error === 'object' && 'resultMessage' in error ? String((error as { resultMessage: unknown }).resultMessage) : error instanceof Error ? error.message : String(error);
    problems.unshift(plain(message));
  }
  return { status: problems.length === 0 ? 'valid' : 'invalid', problems };
}
