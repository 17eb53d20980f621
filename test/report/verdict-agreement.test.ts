/**
 * One verdict, stated the same everywhere: for every combination of --fail-on, baseline, --allow-partial and
 * completeness (and the empty estate with and without --fail-on-empty), the exit code, the Action's `verdict`
 * output, summary.md's headline, the HTML verdict box and the Lambda's return and SNS message agree, and agree
 * with what the gate's definition says independently of the code that decides it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { audit, type AuditOutcome } from '../../src/audit.ts';
import { demoSnapshot, demoTrustAnchors, withDemoCollectionGap } from '../../src/demo/estate.ts';
import { actionOutputs } from '../../src/entry/action.ts';
import { readAlertConfig } from '../../src/alerts/config.ts';
import { snsSummary } from '../../src/alerts/sns.ts';
import { summaryOf, type LambdaConfig } from '../../src/entry/lambda.ts';
import type { FailOn, Finding } from '../../src/model/finding.ts';
import { SEVERITIES } from '../../src/model/rule.ts';
import type { Snapshot } from '../../src/model/snapshot.ts';
import { buildSnapshot } from '../../src/snapshot/builder.ts';
import { escapeMarkdown } from '../../src/text/escape-markdown.ts';

const dir = mkdtempSync(join(tmpdir(), 'verdict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXIT_OF = { pass: 0, fail: 1, empty: 0, incomplete: 3 } as const;
const rank = (s: string) => SEVERITIES.indexOf(s as (typeof SEVERITIES)[number]);
const atOrAbove = (f: Finding, failOn: FailOn) => failOn !== 'none' && rank(f.severity) <= rank(failOn);

/** The gate's definition, written out independently: what the verdict must be. */
function expectedKind(findings: Finding[], o: { failOn: FailOn; baseline: Set<string> | null; allowPartial: boolean; failOnEmpty: boolean; lbs: number }): string {
  const complete = findings.every((f) => f.status !== 'error');
  const undecided = findings.some((f) => f.status === 'error' && !['collection-incomplete', 'probe-failed'].includes(f.category) && atOrAbove(f, o.failOn));
  if (!complete && (!o.allowPartial || undecided || o.lbs === 0)) return 'incomplete';
  const gating = findings.filter((f) => f.status === 'fail' && atOrAbove(f, o.failOn) && (f.waiver?.expired === true || !(o.baseline?.has(f.fingerprint) ?? false)));
  if (gating.length > 0) return 'fail';
  return o.lbs === 0 ? 'empty' : 'pass';
}

const LAMBDA: LambdaConfig = {
  regions: ['eu-west-1'], rulesProfile: 'default', bucket: 'b', prefix: 'p', accounts: null, roleName: null, externalId: null,
  accountConcurrency: 1, snsTopicArn: null, probe: false, failOn: 'high', failOnEmpty: false, alerts: readAlertConfig({}),
};

/** Everything each output says about the verdict. */
function statedBy(outcome: AuditOutcome, out: string) {
  const summary = readFileSync(join(out, 'summary.md'), 'utf8');
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  const json = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as { verdict: { kind: string; headline: string } };
  const lambda = summaryOf(outcome, LAMBDA, 'run', 'p/run', []);
  return {
    exit: outcome.exitCode,
    action: actionOutputs(outcome, out)['verdict'],
    actionMessage: actionOutputs(outcome, out)['verdict-message'],
    summary: /^(?:✅|❌|⛔|📭) \*\*([A-Z]+)\*\*/m.exec(summary)?.[1]?.toLowerCase(),
    summaryText: summary,
    html: /data-verdict="([a-z]+)"/.exec(html)?.[1],
    htmlText: html,
    json: json.verdict.kind,
    lambda: lambda.verdict,
    lambdaExit: lambda.exitCode,
    sns: snsSummary({ verdict: lambda.verdict, result: outcome.result, changes: null, reportUrl: '', bucket: 'b', prefix: 'p/run' }).message.split('\n')[0],
  };
}

let counter = 0;
async function run(snapshot: Snapshot, gate: { failOn: FailOn; baseline: string | null; allowPartial: boolean; failOnEmpty?: boolean }) {
  const out = join(dir, `run-${counter++}`);
  const outcome = await audit({
    source: { kind: 'snapshot', snapshot }, probe: false, profile: 'default', trustAnchorsPem: demoTrustAnchors(),
    failOn: gate.failOn, allowPartial: gate.allowPartial, failOnEmpty: gate.failOnEmpty === true,
    ...(gate.baseline ? { baselinePath: gate.baseline } : {}),
    out: { dir: out, formats: ['md', 'html', 'json'] },
  });
  return { outcome, stated: statedBy(outcome, out) };
}

function expectAgreement(stated: ReturnType<typeof statedBy>, kind: string, headline: string): void {
  expect({ action: stated.action, summary: stated.summary, html: stated.html, json: stated.json, lambda: stated.lambda }).toEqual({ action: kind, summary: kind, html: kind, json: kind, lambda: kind });
  expect(stated.exit).toBe(EXIT_OF[kind as keyof typeof EXIT_OF] + (kind === 'empty' && headline.includes('fail-on-empty') ? 1 : 0));
  expect(stated.lambdaExit).toBe(stated.exit);
  // The same words everywhere, threshold included.
  expect(stated.actionMessage).toBe(headline);
  expect(stated.sns).toContain(headline);
  expect(stated.summaryText).toContain(escapeMarkdown(headline.replace(/^[A-Z]+: /, '')).slice(0, 60));
  expect(stated.htmlText).toContain(headline.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').slice(0, 60));
}

describe('every output states the one verdict', () => {
  const clean = demoSnapshot();
  const gap = withDemoCollectionGap(clean);
  const failOns: FailOn[] = ['critical', 'medium', 'none'];

  it('agrees for every --fail-on x baseline x --allow-partial x completeness combination', async () => {
    const kinds = new Set<string>();
    for (const [label, snapshot] of [['complete', clean], ['with a gap', gap]] as const) {
      // The baseline is the run's own findings.json: every failure it has is known.
      const first = await run(snapshot, { failOn: 'none', baseline: null, allowPartial: true });
      const baselinePath = join(dir, `baseline-${label.replace(/ /g, '-')}.json`);
      writeFileSync(baselinePath, JSON.stringify(first.outcome.result));
      const known = new Set(first.outcome.result.findings.filter((f) => f.status === 'fail' || f.status === 'error').map((f) => f.fingerprint));
      for (const failOn of failOns) for (const withBaseline of [false, true]) for (const allowPartial of [false, true]) {
        const { outcome, stated } = await run(snapshot, { failOn, baseline: withBaseline ? baselinePath : null, allowPartial });
        const kind = expectedKind(outcome.result.findings, { failOn, baseline: withBaseline ? known : null, allowPartial, failOnEmpty: false, lbs: snapshot.loadBalancers.length });
        const where = `${label}, --fail-on ${failOn}, ${withBaseline ? 'baseline' : 'no baseline'}, ${allowPartial ? '--allow-partial' : 'strict'}`;
        expect(outcome.result.verdict.kind, where).toBe(kind);
        expectAgreement(stated, kind, outcome.result.verdict.headline);
        kinds.add(kind);
        // The headline names the threshold, and lists only severities at or above it.
        if (kind === 'fail') {
          expect(outcome.result.verdict.headline, where).toContain(failOn === 'critical' ? 'critical or above' : 'medium or above');
          if (failOn === 'critical') expect(outcome.result.verdict.headline).not.toMatch(/\d+ (high|medium|low)\b(?! or)/);
        }
        if (kind === 'incomplete') expect(stated.summaryText, where).toMatch(/not collected: Could not read DescribeLoadBalancerAttributes/);
      }
    }
    expect([...kinds].sort()).toEqual(['fail', 'incomplete', 'pass']);
  }, 600_000);

  it('an expired waiver fails the gate even when the baseline knows its finding', async () => {
    const waivers = join(dir, 'waivers.json');
    writeFileSync(waivers, JSON.stringify({ waivers: [{ rule: 'cert-expired', resource: '*', reason: 'renewal booked with the vendor', expires: '2026-11-01' }] }));
    const first = await audit({ source: { kind: 'snapshot', snapshot: clean }, probe: false, profile: 'default', failOn: 'none', allowPartial: false, trustAnchorsPem: demoTrustAnchors() });
    const baseline = join(dir, 'baseline-waived.json');
    writeFileSync(baseline, JSON.stringify(first.result));
    const outcome = await audit({
      source: { kind: 'snapshot', snapshot: clean }, probe: false, profile: 'default', failOn: 'critical', allowPartial: false, trustAnchorsPem: demoTrustAnchors(),
      waiversPath: waivers, baselinePath: baseline,
    });
    expect(outcome.result.findings.some((f) => f.ruleId === 'cert-expired' && f.status === 'fail' && f.waiver?.expired)).toBe(true);
    expect(outcome.result.verdict).toMatchObject({ kind: 'fail', exitCode: 1, expiredWaivers: expect.any(Number) });
    expect(outcome.result.verdict.headline).toMatch(/waivers? expired/);
  });

  it('an empty estate read completely is "empty" everywhere; --fail-on-empty makes it exit 1', async () => {
    const empty = buildSnapshot({ capturedAt: clean.capturedAt, generator: clean.generator, scope: clean.scope }, { attempts: clean.attempts });
    for (const failOnEmpty of [false, true]) {
      const { outcome, stated } = await run(empty, { failOn: 'high', baseline: null, allowPartial: false, failOnEmpty });
      expect(outcome.result.verdict.kind).toBe('empty');
      expectAgreement(stated, 'empty', outcome.result.verdict.headline);
      expect(stated.exit).toBe(failOnEmpty ? 1 : 0);
      expect(stated.summaryText).not.toMatch(/No failing findings/);
      expect(outcome.result.verdict.emptyScopes).toEqual([{ account: '123456789012', region: 'eu-west-1' }]);
      expect(stated.summaryText).toContain('held nothing: 123456789012/eu-west-1');
    }
  });
});
