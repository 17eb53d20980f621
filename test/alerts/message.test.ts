/** The chat alert text: only what changed, names from AWS unable to become mentions or links; delivery retried once. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { FindingChanges } from '../../src/model/finding.ts';
import { composeAlert } from '../../src/alerts/message.ts';
import { postWebhook } from '../../src/alerts/webhook.ts';

const result = {
  version: '0.1.0', profile: 'default', complete: true, scope: { accounts: ['123456789012'], regions: ['eu-west-1'] },
  summary: { total: 3, byStatus: { pass: 1, fail: 2, not_applicable: 0, error: 0, waived: 0 }, bySeverity: { critical: 0, high: 2, medium: 0, low: 0, info: 0 }, resources: { loadBalancers: 2, listeners: 2, certificates: 0, hsmClusters: 0, endpoints: 0 } },
};
const entry = (name: string) => ({ fingerprint: name, ruleId: 'listener-weak-protocol', severity: 'high' as const, status: 'pass' as const, resource: { arn: `arn:${name}`, name, kind: 'listener' as const, account: '123456789012', region: 'eu-west-1' }, message: `${name} fixed` });
const changes = (over: Partial<FindingChanges>): FindingChanges => ({
  previous: { finishedAt: '2026-11-01T00:00:00.000Z', complete: true, bySeverity: result.summary.bySeverity }, new: [], resolved: [], unchanged: 1, undetermined: [], completeness: { before: true, now: true }, ...over,
});

describe('composeAlert', () => {
  it('names the resolved finding and nothing else; a hostile name stays text', () => {
    const text = composeAlert({ verdict: 'fail', result, reportUrl: 's3://b/p/report.html', changes: changes({ resolved: [entry('<!channel> <https://evil.example|shop>')] }) });
    expect(text.split('\n')).toEqual([
      'elb-tls-audit 0.1.0: FAIL · 1 resolved',
      'Accounts 123456789012; regions eu-west-1; profile default',
      'Resolved (1):',
      '• high listener-weak-protocol · &lt;!channel&gt; &lt;https://evil.example|shop&gt; (123456789012, eu-west-1) — &lt;!channel&gt; &lt;https://evil.example|shop&gt; fixed',
      'Report: s3://b/p/report.html',
    ]);
  });

  it('says when completeness changed and the first run', () => {
    expect(composeAlert({ verdict: 'incomplete', result, reportUrl: 'x', changes: changes({ completeness: { before: true, now: false } }) })).toContain('Completeness: INCOMPLETE');
    expect(composeAlert({ verdict: 'fail', result, reportUrl: 'x', changes: null })).toContain('FAIL · first run: 2 failing');
  });
});

describe('postWebhook', () => {
  it('retries once after a 5xx, and reports a refusal without the URL path (it is the secret)', async () => {
    const statuses = [503, 200, 400, 400];
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => { bodies.push(body); res.statusCode = statuses.shift() ?? 500; res.end(); });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0/B0/very-secret`);
    try {
      await postWebhook(url, 'hello');
      expect(bodies.map((b) => JSON.parse(b))).toEqual([{ text: 'hello', Content: 'hello' }, { text: 'hello', Content: 'hello' }]);
      const refused = postWebhook(url, 'again');
      await expect(refused).rejects.toThrow(/not delivered: HTTP 400/);
      await expect(postWebhook(url, 'again')).rejects.not.toThrow(/very-secret/);
      expect(bodies).toHaveLength(4);
    } finally {
      server.close();
    }
  });
});
