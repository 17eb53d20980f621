/** Probing inside audit(): an endpoint that cannot be reached is an error and an incomplete run, never a pass. */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { demoSnapshot, demoTrustAnchors } from '../../src/demo/estate.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('audit with probes', () => {
  it('turns an unreachable endpoint into a probe-failed error, a failed attempt, and exit 3', async () => {
    const snapshot = demoSnapshot();
    snapshot.loadBalancers = snapshot.loadBalancers.filter((lb) => lb.name === 'shop');
    const shop = snapshot.loadBalancers[0]!;
    const port = await closedPort();
    const outcome = await audit({
      source: { kind: 'snapshot', snapshot }, profile: 'default', failOn: 'none', allowPartial: false, trustAnchorsPem: demoTrustAnchors(),
      probe: { connectTo: [`${shop.dnsName}:443:127.0.0.1:${port}`], timeoutMs: 2000 },
    });
    expect(outcome.result.complete).toBe(false);
    expect(outcome.exitCode).toBe(3);
    const failed = outcome.result.attempts.filter((a) => a.service === 'probe' && a.status === 'error');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.covers).toEqual([shop.listeners.find((l) => l.port === 443)!.arn]);
    const finding = outcome.result.findings.find((f) => f.category === 'probe-failed')!;
    expect(finding.status).toBe('error');
    expect(finding.message).toMatch(/refused|ECONNREFUSED|unreachable|could not/i);
    expect(outcome.result.findings.some((f) => f.category === 'drift' && f.status === 'pass')).toBe(false);
  });
});
