/**
 * The chain judge: which supplied certificates form the path from the leaf to a trust anchor, decided
 * by signature verification (so cross-signs and re-keyed CAs with the same name work), and what is
 * wrong with the rest: order, missing issuer, extraneous or duplicate certificates, an included root.
 */
import type { LoadedCertificate } from './parse.ts';
import { verifies } from './parse.ts';
import { spkiOf, type TrustAnchor, type TrustAnchorSet } from './trust-anchors.ts';
import type { ChainCertificate, ChainJudgement, ChainRole, ChainStatus, CertificateRef } from './types.ts';

const DAY_MS = 86_400_000;
/** Path search visits at most this many nodes; with at most 16 certificates real input never gets close. */
const MAX_SEARCH_STEPS = 2_000;

interface PathResult {
  status: Exclude<ChainStatus, 'error'>;
  path: number[];
  anchor: ChainJudgement['anchor'];
  missingIssuer: string | null;
}

const RANK: Record<PathResult['status'], number> = { trusted: 2, untrusted: 1, incomplete: 0 };

function better(a: PathResult, b: PathResult | null): boolean {
  if (!b) return true;
  if (RANK[a.status] !== RANK[b.status]) return RANK[a.status] > RANK[b.status];
  // Among equals, the path that uses more of what was supplied explains the chain best.
  return a.path.length > b.path.length;
}

/** The anchor this certificate *is* (same subject and key), e.g. a root or a cross-signed copy of one. */
export function matchingAnchor(cert: LoadedCertificate, anchors: TrustAnchorSet): TrustAnchor | null {
  const candidates = anchors.named(cert.parsed.subject, cert.nameKeys.subject);
  if (candidates.length === 0) return null;
  const spki = spkiOf(cert.native);
  return candidates.find((a) => a.sha256 === cert.parsed.sha256 || a.spki === spki) ?? null;
}

/** An anchor that issued this certificate: same name as its issuer and its key verifies the signature. */
export function issuingAnchor(cert: LoadedCertificate, anchors: TrustAnchorSet): TrustAnchor | null {
  return anchors.named(cert.parsed.issuer, cert.nameKeys.issuer).find((a) => verifies(cert.native, a.native)) ?? null;
}

function searchPath(certs: readonly LoadedCertificate[], usable: readonly number[], anchors: TrustAnchorSet): PathResult {
  let steps = 0;
  const issuers = new Map<number, number[]>();
  const issuersOf = (i: number): number[] => {
    let found = issuers.get(i);
    if (!found) {
      const subject = certs[i]!;
      found = usable.filter((j) => j !== i && verifies(subject.native, certs[j]!.native));
      issuers.set(i, found);
    }
    return found;
  };

  const walk = (path: number[]): PathResult => {
    steps += 1;
    const index = path[path.length - 1]!;
    const cert = certs[index]!;
    const anchor = matchingAnchor(cert, anchors);
    if (anchor) return { status: 'trusted', path, anchor: { subject: anchor.subject, source: anchor.source }, missingIssuer: null };
    if (cert.parsed.selfSigned) {
      return { status: 'untrusted', path, anchor: { subject: cert.parsed.subject, source: 'supplied' }, missingIssuer: null };
    }
    let best: PathResult | null = null;
    for (const next of issuersOf(index)) {
      if (path.includes(next) || steps > MAX_SEARCH_STEPS) continue;
      const result = walk([...path, next]);
      if (better(result, best)) best = result;
      if (best?.status === 'trusted' && best.path.length === usable.length) break;
    }
    const external = issuingAnchor(cert, anchors);
    if (external) {
      const viaAnchor: PathResult = { status: 'trusted', path, anchor: { subject: external.subject, source: external.source }, missingIssuer: null };
      if (better(viaAnchor, best)) best = viaAnchor;
    }
    return best ?? { status: 'incomplete', path, anchor: null, missingIssuer: cert.parsed.issuer };
  };
  return walk([0]);
}

function ref(cert: LoadedCertificate, position: number): CertificateRef {
  return { position, subject: cert.parsed.subject, sha256: cert.parsed.sha256 };
}

/** Validity and strength of one certificate at asOf, with its role in the chain. */
function describe(cert: LoadedCertificate, position: number, role: ChainRole, asOfMs: number): ChainCertificate {
  const p = cert.parsed;
  const notBefore = Date.parse(p.notBefore);
  const notAfter = Date.parse(p.notAfter);
  return {
    ...ref(cert, position), role, issuer: p.issuer, notBefore: p.notBefore, notAfter: p.notAfter,
    daysUntilExpiry: Math.floor((notAfter - asOfMs) / DAY_MS),
    expired: asOfMs > notAfter,
    notYetValid: asOfMs < notBefore,
    key: p.key, signatureAlgorithm: p.signature.name, signatureHash: p.signature.hash,
    ca: p.basicConstraints?.ca ?? false, selfSigned: p.selfSigned,
  };
}

/** Judge a parsed chain: position 0 is the leaf, the rest as supplied (or served). */
export function judgeChain(certs: readonly LoadedCertificate[], anchors: TrustAnchorSet, asOf: string): ChainJudgement {
  const asOfMs = Date.parse(asOf);
  const duplicates: CertificateRef[] = [];
  const seen = new Set<string>();
  const usable: number[] = [];
  certs.forEach((cert, i) => {
    if (seen.has(cert.parsed.sha256)) duplicates.push(ref(cert, i));
    else { seen.add(cert.parsed.sha256); usable.push(i); }
  });

  const found = searchPath(certs, usable, anchors);
  const onPath = new Set(found.path);
  const duplicatePositions = new Set(duplicates.map((d) => d.position));
  const extraneous = usable.filter((i) => !onPath.has(i)).map((i) => ref(certs[i]!, i));
  const rootPosition = found.path.find((i) => i > 0 && certs[i]!.parsed.selfSigned) ?? null;

  const certificates = certs.map((cert, i): ChainCertificate => {
    let role: ChainRole = 'extraneous';
    if (duplicatePositions.has(i)) role = 'duplicate';
    else if (i === 0) role = 'leaf';
    else if (i === rootPosition) role = 'root';
    else if (onPath.has(i)) role = 'intermediate';
    return describe(cert, i, role, asOfMs);
  });

  // In issuing order means the path occupies positions 0..k in sequence; extras after it are judged
  // as extraneous, not as misordering. rootLast is stricter: nothing may follow an included root.
  const orderOk = found.path.every((position, i) => position === i);
  return {
    status: found.status,
    error: null,
    certificateCount: certs.length,
    orderOk,
    rootIncluded: rootPosition !== null,
    rootLast: rootPosition === null ? null : rootPosition === certs.length - 1,
    missingIssuer: found.missingIssuer,
    anchor: found.anchor,
    path: found.path,
    extraneous,
    duplicates,
    certificates,
  };
}

/** The judgement for input that could not be parsed or was refused. */
export function erroredChain(error: string, certificateCount: number): ChainJudgement {
  return {
    status: 'error', error, certificateCount, orderOk: null, rootIncluded: false, rootLast: null, missingIssuer: null,
    anchor: null, path: [], extraneous: [], duplicates: [], certificates: [],
  };
}
