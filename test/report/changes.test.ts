/** Run-to-run changes: new, resolved, unchanged, and unknown kept apart from resolved (fail closed). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding, FindingStatus } from '../../src/model/finding.ts';
import { compareRuns, hasChanges, loadPreviousRun, type PreviousRun } from '../../src/report/changes.ts';

function f(id: string, status: FindingStatus): Finding {
  const arn = `arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/${id}/1`;
  return {
    ruleId: 'listener-weak-protocol', category: 'weak-protocol', severity: 'high', status,
    resource: { arn, kind: 'loadBalancer', name: id, region: 'eu-west-1', account: '123456789012', loadBalancerArn: arn, loadBalancerType: 'application' },
    message: `${id} ${status}`, messageId: 'default', evidence: [], controls: {}, fingerprint: `fp-${id}`, waiver: null,
  };
}

const previous = (findings: Finding[], complete = true): PreviousRun => ({ finishedAt: '2026-11-01T00:00:00.000Z', complete, bySeverity: { critical: 0, high: findings.length, medium: 0, low: 0, info: 0 }, findings });

describe('compareRuns', () => {
  it('sorts failures into new, resolved and unchanged by fingerprint', () => {
    const before = previous([f('a', 'fail'), f('b', 'fail'), f('c', 'pass'), f('gone', 'fail')]);
    const changes = compareRuns(before, { complete: true, findings: [f('a', 'fail'), f('b', 'pass'), f('c', 'fail'), f('fresh', 'fail')] });
    expect(changes.new.map((e) => e.fingerprint)).toEqual(['fp-c', 'fp-fresh']);
    expect(changes.resolved.map((e) => [e.fingerprint, e.status])).toEqual([['fp-b', 'pass'], ['fp-gone', 'absent']]);
    expect(changes.unchanged).toBe(1);
    expect(changes.undetermined).toEqual([]);
    expect(changes.resolved[0]).toMatchObject({ ruleId: 'listener-weak-protocol', resource: { name: 'b', account: '123456789012' }, message: 'b pass' });
    expect(hasChanges(changes)).toBe(true);
  });

  it('an error now, or a finding an incomplete run did not produce, is undetermined, never resolved', () => {
    const before = previous([f('a', 'fail'), f('b', 'fail')]);
    const changes = compareRuns(before, { complete: false, findings: [f('a', 'error')] });
    expect(changes.resolved).toEqual([]);
    expect(changes.undetermined.map((e) => [e.fingerprint, e.status])).toEqual([['fp-a', 'error'], ['fp-b', 'absent']]);
    expect(changes.completeness).toEqual({ before: true, now: false });
    expect(hasChanges(changes)).toBe(true);
  });

  it('a newly waived failure is not news; a lapsed waiver is', () => {
    const waivedNow = compareRuns(previous([f('a', 'fail')]), { complete: true, findings: [f('a', 'waived')] });
    expect(waivedNow).toMatchObject({ new: [], resolved: [], unchanged: 1 });
    expect(hasChanges(waivedNow)).toBe(false);
    const lapsed = compareRuns(previous([f('a', 'waived')]), { complete: true, findings: [f('a', 'fail')] });
    expect(lapsed.new.map((e) => e.fingerprint)).toEqual(['fp-a']);
  });

  it('loadPreviousRun names the file and the JSON path of what is wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'previous-'));
    const path = join(dir, 'findings.json');
    writeFileSync(path, JSON.stringify({ finishedAt: 'x', complete: true, summary: { bySeverity: {} }, findings: [{ fingerprint: 'a', ruleId: 'r', message: 'm', status: 'broken', severity: 'high', resource: { arn: 'x' } }] }));
    expect(() => loadPreviousRun(path)).toThrow(`${path}: $.findings[0].status: "broken" is not a status`);
    writeFileSync(path, JSON.stringify({ runs: [] }));
    expect(() => loadPreviousRun(path)).toThrow('$.finishedAt: missing');
  });
});
