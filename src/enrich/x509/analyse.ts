/** From PEM text to a judged, summarised chain: the one entry point for configured and served chains. */
import { erroredChain, judgeChain } from './chain.ts';
import { checkCertificationPath } from './path-check.ts';
import { loadCertificate, type LoadedCertificate } from './parse.ts';
import { MAX_CHAIN_CERTIFICATES, splitPemCertificates } from './pem.ts';
import { belowRoot, weakKeyReason, weakSignatureReason } from './strength.ts';
import type { TrustAnchorSet } from './trust-anchors.ts';
import type { ChainFacts, ChainJudgement, ParsedCertificate, PathCheck } from './types.ts';

export interface ChainAnalysis {
  leaf: ParsedCertificate | null;
  chain: ChainFacts;
  /** The first reason the input could not be analysed, else null. */
  parseError: string | null;
}

/** Analyse a leaf PEM plus an optional chain PEM, as stored in ACM or IAM. */
export async function analyseConfiguredPems(bodyPem: string, chainPem: string | null, anchors: TrustAnchorSet, asOf: string): Promise<ChainAnalysis> {
  const body = splitPemCertificates(bodyPem, 'certificate body');
  if (!body.ok) return failed(body.error, 0);
  if (body.blocks.length !== 1) return failed(`certificate body: ${body.blocks.length} certificates, expected exactly 1`, body.blocks.length);
  const chain = chainPem === null ? { ok: true as const, blocks: [] } : splitPemCertificates(chainPem, 'certificate chain');
  if (!chain.ok) return failed(chain.error, 1);
  return analyseDer([...body.blocks, ...chain.blocks], ['certificate body', ...chain.blocks.map((_, i) => `chain certificate ${i + 1}`)], anchors, asOf);
}

/** Analyse a chain as served: one PEM per certificate, leaf first, in the order the server sent them. */
export async function analyseServedPems(pems: readonly string[], anchors: TrustAnchorSet, asOf: string): Promise<ChainAnalysis> {
  if (pems.length === 0) return failed('served chain: no certificate', 0);
  if (pems.length > MAX_CHAIN_CERTIFICATES) {
    return failed(`served chain: ${pems.length} certificates, more than the ${MAX_CHAIN_CERTIFICATES} analysed`, pems.length);
  }
  const ders: Buffer[] = [];
  for (const [i, pem] of pems.entries()) {
    const split = splitPemCertificates(pem, `served certificate ${i + 1}`);
    if (!split.ok) return failed(split.error, pems.length);
    if (split.blocks.length !== 1) return failed(`served certificate ${i + 1}: ${split.blocks.length} certificates in one entry`, pems.length);
    ders.push(split.blocks[0]!);
  }
  return analyseDer(ders, pems.map((_, i) => `served certificate ${i + 1}`), anchors, asOf);
}

async function analyseDer(ders: readonly Buffer[], labels: readonly string[], anchors: TrustAnchorSet, asOf: string): Promise<ChainAnalysis> {
  if (ders.length > MAX_CHAIN_CERTIFICATES) {
    return failed(`${ders.length} certificates, more than the ${MAX_CHAIN_CERTIFICATES} analysed`, ders.length);
  }
  const loaded: LoadedCertificate[] = [];
  for (const [i, der] of ders.entries()) {
    const result = loadCertificate(der, labels[i] ?? `certificate ${i + 1}`);
    // A leaf that parses is still worth reporting on even when the chain behind it is garbage.
    if (!result.ok) return { ...failed(result.error, ders.length), leaf: loaded[0]?.parsed ?? null };
    loaded.push(result.certificate);
  }
  const judgement = judgeChain(loaded, anchors, asOf);
  const pathCheck = await checkCertificationPath(loaded, judgement, anchors, asOf);
  return { leaf: loaded[0]?.parsed ?? null, chain: summarise(judgement, pathCheck), parseError: null };
}

function failed(error: string, certificateCount: number): ChainAnalysis {
  return { leaf: null, chain: summarise(erroredChain(error, certificateCount), { status: 'not-checked', problems: ['the chain could not be read'] }), parseError: error };
}

/** Add the expiry and strength summaries rules read directly. */
export function summarise(judgement: ChainJudgement, pathCheck: PathCheck | null): ChainFacts {
  const onPath = judgement.certificates.filter((c) => c.role !== 'extraneous' && c.role !== 'duplicate');
  const validated = belowRoot(judgement.certificates);
  const ref = (c: (typeof onPath)[number]) => ({ position: c.position, subject: c.subject, sha256: c.sha256 });
  const rsaBits = validated.filter((c) => ['rsa', 'rsa-pss', 'dsa'].includes(c.key.type) && c.key.bits !== null).map((c) => c.key.bits!);
  return {
    ...judgement,
    expiredCertificates: onPath.filter((c) => c.expired).map(ref),
    notYetValidCertificates: onPath.filter((c) => c.notYetValid).map(ref),
    minDaysUntilExpiry: onPath.length === 0 ? null : Math.min(...onPath.map((c) => c.daysUntilExpiry)),
    weakKeyCertificates: validated.flatMap((c) => {
      const reason = weakKeyReason(c.key);
      return reason ? [{ position: c.position, subject: c.subject, reason }] : [];
    }),
    weakSignatureCertificates: validated.flatMap((c) => {
      const reason = weakSignatureReason(c.signatureAlgorithm, c.signatureHash);
      return reason ? [{ position: c.position, subject: c.subject, reason }] : [];
    }),
    smallestRsaBits: rsaBits.length === 0 ? null : Math.min(...rsaBits),
    pathCheck,
  };
}
