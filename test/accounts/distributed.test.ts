/** The distributed run's merge survives a bad account: a truncated, foreign or missing snapshot, or an unreadable account list, is that account's gap. */
import { describe, expect, it } from 'vitest';
import { mergeStoredRun } from '../../src/accounts/distributed.ts';
import { audit } from '../../src/audit.ts';
import { demoSnapshot } from '../../src/demo/estate.ts';

const OPTIONS = { capturedAt: '2026-11-20T09:00:00.000Z', generator: { name: 'elb-tls-audit', version: 'test' }, regions: ['eu-west-1'], homeRegion: 'eu-west-1' };
const GOOD = '123456789012';

function run(accountList: unknown, texts: Record<string, string>) {
  const stored = new Map(Object.keys(texts).map((a) => [a, `runs/r1/accounts/${a}/snapshot.json`]));
  return mergeStoredRun({ accountList, stored, read: async (a) => texts[a]! }, OPTIONS);
}

describe('mergeStoredRun', () => {
  const good = JSON.stringify(demoSnapshot());
  const foreign = JSON.stringify({ ...demoSnapshot(), schemaVersion: 7 });

  it('merges the good account and records every bad one as a gap with its reason', async () => {
    const merged = await run([GOOD, '111111111111', '222222222222', '333333333333'], {
      [GOOD]: good,
      '111111111111': good.slice(0, 500), // truncated upload
      '222222222222': foreign, // written by a newer release
    });
    expect(merged.loadBalancers.length).toBe(demoSnapshot().loadBalancers.length);
    const gaps = merged.attempts.filter((a) => a.status === 'error').map((a) => `${a.account} ${a.operation}: ${a.reason}`).sort();
    expect(gaps).toEqual([
      expect.stringMatching(/^111111111111 ReadAccountSnapshot: .*not valid JSON/),
      expect.stringMatching(/^222222222222 ReadAccountSnapshot: .*\/schemaVersion 7 is not supported/),
      expect.stringMatching(/^333333333333 CollectAccount: .*no snapshot was stored/),
    ]);
    expect(merged.scope.accounts).toEqual(['111111111111', GOOD, '222222222222', '333333333333'].sort());
    const outcome = await audit({ source: { kind: 'snapshot', snapshot: merged }, probe: false, profile: 'default', failOn: 'high', allowPartial: false });
    expect(outcome.result.verdict.kind).toBe('incomplete');
    expect(outcome.result.findings.filter((f) => f.ruleId === 'collection-incomplete').map((f) => f.resource.account).sort()).toEqual(['111111111111', '222222222222', '333333333333']);
  });

  it('an account list that is not an array still judges every stored account, and says the list was unreadable', async () => {
    const merged = await run({ accounts: [GOOD] }, { [GOOD]: good });
    expect(merged.loadBalancers.length).toBeGreaterThan(0);
    expect(merged.attempts.find((a) => a.operation === 'ReadAccountList')).toMatchObject({ status: 'error', reason: expect.stringMatching(/not a JSON array/) });
  });
});
