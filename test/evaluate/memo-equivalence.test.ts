// The outcome caches and planned findings of evaluateFacts (ADR 0019) must never change a finding: here every
// subject is judged again on its own, by a fresh evaluator that has seen no other subject, its messages
// rendered by renderMessage, and the findings must be the same, byte for byte. The estates hold many
// subjects that read the same values, and subjects that differ only in what the cache keys must tell
// apart: an unknown fact and its reason, a null parent, an absent path, a parse error.
import { describe, expect, it } from 'vitest';
import { generateEstate } from '../../bench/estate.ts';
import { demoSnapshot, demoTrustAnchors, withDemoCollectionGap } from '../../src/demo/estate.ts';
import { enrich } from '../../src/enrich/index.ts';
import { SubjectEvaluator } from '../../src/evaluate/engine.ts';
import { evaluateFacts, fingerprintOf } from '../../src/evaluate/index.ts';
import { renderMessage } from '../../src/evaluate/messages.ts';
import { defaultRulesDir } from '../../src/evaluate/paths.ts';
import { applyProfile, loadProfile, type ProfiledRule } from '../../src/evaluate/profiles.ts';
import { loadRules } from '../../src/evaluate/rule-loader.ts';
import { GAP_CATEGORIES } from '../../src/evaluate/system-rules.ts';
import type { FactsBySubject, SubjectIdentity } from '../../src/model/facts.ts';
import { SUBJECT_KINDS } from '../../src/model/facts.ts';
import type { Finding } from '../../src/model/finding.ts';
import type { Snapshot } from '../../src/model/snapshot.ts';

const allRules = loadRules(defaultRulesDir());

/** What evaluateFacts did before it cached anything: each subject alone, each message rendered from its template. */
async function judgedOneByOne(facts: FactsBySubject, rules: readonly ProfiledRule[]): Promise<{ findings: Finding[]; notApplicable: number }> {
  const findings: Finding[] = [];
  let notApplicable = 0;
  for (const kind of SUBJECT_KINDS) {
    const profiled = rules.filter((r) => r.rule.subject === kind);
    if (profiled.length === 0) continue;
    for (const subject of facts[kind] as SubjectIdentity[]) {
      const outcomes = await new SubjectEvaluator(kind, profiled).evaluate(structuredClone(subject));
      const resource = {
        arn: subject.arn, kind, name: subject.name, region: subject.region, account: subject.account,
        loadBalancerArn: subject.loadBalancerArn, loadBalancerType: subject.loadBalancerType,
      };
      for (const { rule, params, severity } of profiled) {
        let outcome = outcomes.get(rule.id)!;
        if (outcome.status === 'not_applicable') {
          notApplicable++;
          continue;
        }
        const visibility = GAP_CATEGORIES.has(rule.category);
        if (outcome.status === 'fail' && visibility) outcome = { ...outcome, status: 'error', reason: null };
        let message: string;
        if (outcome.status === 'fail' || (outcome.status === 'error' && visibility)) message = renderMessage(rule.messages[outcome.messageId ?? ''] ?? rule.title, subject, params);
        else if (outcome.status === 'error') message = `Not judged (check: ${rule.title}): ${outcome.reason ?? 'unknown error'}`;
        else message = renderMessage(rule.passMessage, subject, params);
        findings.push({
          ruleId: rule.id, category: rule.category, severity, status: outcome.status, resource, message,
          messageId: outcome.messageId, evidence: outcome.evidence, controls: rule.controls,
          fingerprint: fingerprintOf(rule.id, resource), waiver: null,
        });
      }
    }
  }
  return { findings, notApplicable };
}

/** Copies of a few listeners and load balancers that read the same values but for one thing the cache must key on. */
function withLookalikes(facts: FactsBySubject): FactsBySubject {
  const tls = facts.listener.filter((l) => l.policy !== null).slice(0, 6);
  const variants: [string, (f: Record<string, unknown>) => void][] = [
    ['unknown-policy', (f) => { f.unknown = { policy: { status: 'error', reason: 'DescribeLoadBalancerPolicies was denied' } }; }],
    ['unknown-policy-other-reason', (f) => { f.unknown = { policy: { status: 'error', reason: 'DescribeLoadBalancerPolicies timed out' } }; }],
    ['unknown-policy-skipped', (f) => { f.unknown = { policy: { status: 'skipped', reason: 'DescribeLoadBalancerPolicies timed out' } }; }],
    ['unknown-backend-path', (f) => { f.unknown = { 'backend.encrypted': { status: 'error', reason: 'DescribeRules was denied' } }; }],
    ['null-policy', (f) => { f.policy = null; }],
    ['absent-path', (f) => { const policy = { ...(f.policy as object) } as Record<string, unknown>; delete policy.protocols; f.policy = policy; }],
    ['empty-mtls', (f) => { f.mtls = {}; }],
    ['string-policy', (f) => { f.policy = 'ELBSecurityPolicy-2016-08'; }],
    ['nan-port', (f) => { f.port = Number.NaN; }],
    ['parse-error', (f) => { f.parseError = 'not a certificate'; }],
  ];
  const extra = tls.flatMap((l, i) => variants.map(([name, change]) => {
    const copy = structuredClone(l) as unknown as Record<string, unknown>;
    copy.arn = `${l.arn}/${name}-${i}`;
    copy.name = `${l.name}-${name}`;
    change(copy);
    return copy as unknown as FactsBySubject['listener'][number];
  }));
  const lbs = facts.loadBalancer.slice(0, 4).flatMap((lb, i) => [
    { ...lb, arn: `${lb.arn}/gap-${i}`, unknown: { ...lb.unknown, deletionProtection: { status: 'error' as const, reason: `denied ${i % 2}` } } },
    { ...lb, arn: `${lb.arn}/null-${i}`, accessLogs: null },
  ]);
  return { ...facts, listener: [...facts.listener, ...extra], loadBalancer: [...facts.loadBalancer, ...lbs] };
}

async function compare(snapshot: Snapshot, trustAnchorsPem: string[], profile: string, lookalikes: boolean) {
  const rules = applyProfile(allRules, loadProfile(defaultRulesDir(), profile));
  let facts = await enrich(snapshot, { asOf: snapshot.capturedAt, trustAnchorsPem, hostnames: new Map() });
  if (lookalikes) facts = withLookalikes(facts);
  const fast = await evaluateFacts(facts, { rules, waivers: [], asOf: snapshot.capturedAt });
  const slow = await judgedOneByOne(facts, rules);
  expect(fast.notApplicable).toBe(slow.notApplicable);
  expect(fast.findings.length).toBe(slow.findings.length);
  expect(JSON.stringify(fast.findings)).toBe(JSON.stringify(slow.findings));
  return fast;
}

describe('evaluateFacts with its caches', () => {
  it('gives the demo estate (with its collection gap) exactly the findings of judging each subject alone', async () => {
    const fast = await compare(withDemoCollectionGap(demoSnapshot()), demoTrustAnchors(), 'default', false);
    expect(fast.findings.some((f) => f.status === 'error')).toBe(true);
    expect(fast.findings.some((f) => f.status === 'fail')).toBe(true);
  });

  it('gives a generated estate and its look-alike subjects exactly the findings of judging each subject alone', async () => {
    const fast = await compare(generateEstate(60), [], 'default', true);
    // The look-alikes were told apart: their errors name their own reasons.
    const reasons = new Set(fast.findings.filter((f) => f.resource.arn.includes('/unknown-policy')).map((f) => f.message));
    expect([...reasons].some((m) => m.includes('denied'))).toBe(true);
    expect([...reasons].some((m) => m.includes('timed out'))).toBe(true);
  }, 60_000);

  it('holds under a stricter profile with other params', async () => {
    await compare(generateEstate(30), [], 'fips', true);
  }, 60_000);

  it('keeps judging facts that changed between two runs of the same evaluators', async () => {
    const rules = applyProfile(allRules, loadProfile(defaultRulesDir(), 'default'));
    const snapshot = generateEstate(9);
    const facts = await enrich(snapshot, { asOf: snapshot.capturedAt, trustAnchorsPem: [], hostnames: new Map() });
    const { buildEvaluators } = await import('../../src/evaluate/index.ts');
    const evaluators = buildEvaluators(rules);
    await evaluateFacts(facts, { rules, waivers: [], asOf: snapshot.capturedAt }, evaluators);
    // The same objects, changed in place: each shared policy now allows TLSv1.0 and a long list of 3DES suites.
    const changed = new Set<object>();
    for (const l of facts.listener) {
      if (!l.policy || changed.has(l.policy)) continue;
      changed.add(l.policy);
      l.policy.protocols.splice(0, 0, 'TLSv1.0');
      l.policy.cipherSuites.push(...Array.from({ length: 9 }, () => 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'));
    }
    const again = await evaluateFacts(facts, { rules, waivers: [], asOf: snapshot.capturedAt }, evaluators);
    expect(again.findings.some((f) => f.ruleId === 'listener-weak-cipher' && f.status === 'fail' && f.message.includes('3DES'))).toBe(true);
    const slow = await judgedOneByOne(facts, rules);
    expect(JSON.stringify(again.findings)).toBe(JSON.stringify(slow.findings));
  }, 60_000);
});
