/**
 * mTLS trust stores judged like every other certificate: each CA of the bundle for expiry, weak key or
 * signature and CA flags; each revocation list for expiry (nextUpdate) and age (thisUpdate). Pure: time is asOf.
 */
import type { ListenerFacts, WeakCertificateRef } from '../model/facts.ts';
import type { TrustStoreRecord } from '../model/snapshot.ts';
import { loadCertificate } from './x509/parse.ts';
import { splitPemCertificates } from './x509/pem.ts';
import { weakKeyReason, weakSignatureReason } from './x509/strength.ts';
import type { UnknownFactsCollector } from './unknown.ts';

const DAY_MS = 86_400_000;

type TrustStoreFacts = Pick<NonNullable<ListenerFacts['mtls']>,
  'trustStoreCaCount' | 'expiredCas' | 'caMinDaysUntilExpiry' | 'weakCas' | 'revocationListCount' | 'expiredRevocationLists' | 'oldestRevocationAgeDays'>;

/** Every fact null: no trust store, or nothing of it read. */
export const NO_TRUST_STORE_FACTS: TrustStoreFacts = {
  trustStoreCaCount: null, expiredCas: null, caMinDaysUntilExpiry: null, weakCas: null,
  revocationListCount: null, expiredRevocationLists: null, oldestRevocationAgeDays: null,
};
const CA_FACTS = ['mtls.trustStoreCaCount', 'mtls.expiredCas', 'mtls.caMinDaysUntilExpiry', 'mtls.weakCas'];
const CRL_FACTS = ['mtls.revocationListCount', 'mtls.expiredRevocationLists', 'mtls.oldestRevocationAgeDays'];

/** The trust-store facts of a verify-mode listener; what was not read is marked unknown. */
export function trustStoreFacts(store: TrustStoreRecord | undefined, arn: string, asOf: string, unknown: UnknownFactsCollector): TrustStoreFacts {
  if (!store) {
    for (const fact of [...CA_FACTS, ...CRL_FACTS]) unknown.mark(fact, 'error', `trust store ${arn} is not in the snapshot (DescribeTrustStores did not return it)`);
    return NO_TRUST_STORE_FACTS;
  }
  const notRead = { status: 'skipped' as const, reason: 'this snapshot holds no CA bundles or revocation lists (collected before they were read)' };
  const observed = store.observed ?? { caBundle: notRead, revocations: notRead };
  const asOfMs = Date.parse(asOf);
  const facts: TrustStoreFacts = { ...NO_TRUST_STORE_FACTS };
  if (unknown.from(observed.caBundle, `the CA bundle of ${store.name} (GetTrustStoreCaCertificatesBundle)`, ...CA_FACTS)) {
    Object.assign(facts, caFacts(store.caBundlePem ?? '', asOfMs, unknown));
  }
  if (unknown.from(observed.revocations, `the revocation lists of ${store.name} (DescribeTrustStoreRevocations)`, ...CRL_FACTS)) {
    const lists = store.revocations ?? [];
    const unreadable = lists.filter((r) => r.thisUpdate === null || r.error !== null);
    facts.revocationListCount = lists.length;
    if (unreadable.length > 0) {
      const reason = `revocation list ${unreadable.map((r) => `${r.revocationId} (${r.error ?? 'no dates'})`).join(', ')} could not be read`;
      for (const fact of CRL_FACTS.slice(1)) unknown.mark(fact, 'error', reason);
    } else {
      facts.expiredRevocationLists = lists
        .filter((r) => r.nextUpdate !== null && Date.parse(r.nextUpdate) < asOfMs)
        .map((r) => ({ position: r.revocationId, subject: r.issuer ?? `revocation list ${r.revocationId}`, reason: `nextUpdate ${r.nextUpdate}` }));
      facts.oldestRevocationAgeDays = lists.length === 0 ? null : Math.max(...lists.map((r) => Math.floor((asOfMs - Date.parse(r.thisUpdate ?? asOf)) / DAY_MS)));
    }
  }
  return facts;
}

function caFacts(bundle: string, asOfMs: number, unknown: UnknownFactsCollector): Partial<TrustStoreFacts> {
  const expiredCas: WeakCertificateRef[] = [];
  const weakCas: WeakCertificateRef[] = [];
  let minDays: number | null = null;
  let count = 0;
  // A bundle may hold many CAs: the per-chain certificate cap does not apply, so split block by block.
  for (const block of bundle.split(/(?=-----BEGIN )/)) {
    if (block.trim() === '') continue;
    const split = splitPemCertificates(block, `CA bundle certificate ${count + 1}`);
    const der = split.ok ? split.blocks[0] : undefined;
    const loaded = der ? loadCertificate(der, `CA bundle certificate ${count + 1}`) : null;
    if (!loaded?.ok) {
      const reason = !split.ok ? split.error : loaded && !loaded.ok ? loaded.error : 'empty PEM block';
      for (const fact of CA_FACTS) unknown.mark(fact, 'error', `the CA bundle could not be parsed: ${reason}`);
      return {};
    }
    const ca = loaded.certificate.parsed;
    const position = count++;
    const days = Math.floor((Date.parse(ca.notAfter) - asOfMs) / DAY_MS);
    minDays = minDays === null ? days : Math.min(minDays, days);
    if (asOfMs > Date.parse(ca.notAfter)) expiredCas.push({ position, subject: ca.subject, reason: `expired ${ca.notAfter}` });
    else if (asOfMs < Date.parse(ca.notBefore)) expiredCas.push({ position, subject: ca.subject, reason: `not valid before ${ca.notBefore}` });
    // A self-signed anchor's own signature protects nothing; its key and its CA flags do.
    const reasons = [
      weakKeyReason(ca.key),
      ca.selfSigned ? null : weakSignatureReason(ca.signature.name, ca.signature.hash),
      ca.basicConstraints?.ca === true ? null : 'not a CA (basicConstraints CA:FALSE or absent)',
      ca.keyUsage.length > 0 && !ca.keyUsage.includes('keyCertSign') ? 'keyUsage lacks keyCertSign' : null,
    ].filter((r): r is string => r !== null);
    if (reasons.length > 0) weakCas.push({ position, subject: ca.subject, reason: reasons.join(', ') });
  }
  return { trustStoreCaCount: count, expiredCas, caMinDaysUntilExpiry: minDays, weakCas };
}
