/**
 * One catalogue, one answer: a pass-through endpoint serving a suite the old project table lacked is
 * judged by its rating (not as unknown), and the HTML matrix shows exactly the drift the finding reports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, type AuditOutcome } from '../../src/audit.ts';
import { demoSnapshot, demoTrustAnchors } from '../../src/demo/estate.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { htmlReporter } from '../../src/report/html.ts';
import { buildReportData } from '../../src/report/html/model.ts';
import { launchChromium } from '../helpers/chromium.ts';
import type { MatrixRow, MatrixView } from '../../src/report/html/matrix.ts';
import { makePki, startSServer, type Pki, type RunningServer } from '../helpers/tls-servers.ts';

async function auditOne(lbName: string, port: number, server: RunningServer): Promise<AuditOutcome> {
  const snapshot = demoSnapshot();
  snapshot.loadBalancers = snapshot.loadBalancers.filter((lb) => lb.name === lbName);
  const lb = snapshot.loadBalancers[0]!;
  return audit({
    source: { kind: 'snapshot', snapshot }, profile: 'default', failOn: 'none', allowPartial: true, trustAnchorsPem: demoTrustAnchors(),
    probe: { connectTo: [`${lb.dnsName}:${port}:127.0.0.1:${server.port}`], timeoutMs: 3000, groups: false },
  });
}

describe('the TLS catalogue decides once', () => {
  let pki: Pki;
  let ccmOnly: RunningServer;
  let broad: RunningServer;
  beforeAll(async () => {
    pki = makePki();
    ccmOnly = await startSServer(pki, ['-cert', 'leafec.pem', '-key', 'leafec.key', '-cert_chain', 'chain_good.pem',
      '-no_tls1_3', '-cipher', 'ECDHE-ECDSA-AES128-CCM:ECDHE-ECDSA-AES256-CCM']);
    broad = await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-cert_chain', 'chain_good.pem',
      '-min_protocol', 'TLSv1', '-cipher', 'DEFAULT:PSK:@SECLEVEL=0', '-ciphersuites', 'TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_SHA256']);
  }, 60_000);
  afterAll(async () => { await ccmOnly?.stop(); await broad?.stop(); pki?.cleanup(); });

  it('does not judge a pass-through endpoint serving ECDHE-ECDSA-AES128-CCM as insecure', async () => {
    const outcome = await auditOne('hsm-front', 443, ccmOnly);
    const endpoint = outcome.facts.endpoint.find((e) => e.port === 443)!;
    expect(endpoint.probeStatus).toBe('ok');
    expect(endpoint.configuredProtocols).toBeNull();
    expect(endpoint.servedCipherSuites).toEqual(expect.arrayContaining(['TLS_ECDHE_ECDSA_WITH_AES_128_CCM', 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM']));
    const weak = outcome.result.findings.find((f) => f.ruleId === 'endpoint-weak-cipher' && f.resource.arn === endpoint.arn)!;
    expect(weak.status, weak.message).toBe('pass');
  }, 60_000);

  it('draws the HTML matrix from the facts, agreeing with the cipher-drift finding suite by suite', async () => {
    const outcome = await auditOne('shop', 443, broad);
    const endpoint = outcome.facts.endpoint.find((e) => e.port === 443 && e.probeStatus === 'ok')!;
    const drift = outcome.result.findings.find((f) => f.ruleId === 'endpoint-cipher-drift' && f.resource.arn === endpoint.arn)!;
    expect(drift.status).toBe('fail');
    const extra = endpoint.drift.extraCipherSuites!;
    const missing = endpoint.drift.missingCipherSuites!;
    // the TLS 1.3 CCM suite (which a name-based guess put under TLS 1.2) is among them
    expect(extra).toEqual(expect.arrayContaining(['TLS_AES_128_CCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA']));
    for (const suite of extra) expect(drift.message).toContain(suite);
    expect(missing).toContain('TLS_AES_256_GCM_SHA384');
    const judged = (path: string): unknown => drift.evidence.find((e) => e.path?.includes(path))?.actual;
    expect(judged('extraCipherSuites')).toEqual(extra);
    expect(judged('missingCipherSuites')).toEqual(missing);

    const data = buildReportData({ ...outcome, options: { sarifCategory: 'x' } });
    // the audit covers one load balancer, so its one HTTPS :443 listener is the probed one
    const { c, r } = data.listeners as { c: string[]; r: unknown[][] };
    const listener = r.find((row) => row[c.indexOf('port')] === 443 && row[c.indexOf('protocol')] === 'HTTPS')!;
    const matrix = data.matrices[listener[c.indexOf('matrix')] as number] as MatrixView;
    expect(matrix.servedProtocols).not.toBeNull();
    const rows = new Map<string, MatrixRow>(matrix.rows.map((r) => [r[0], r]));
    for (const suite of extra) {
      const row = rows.get(suite)!;
      expect(row[1], suite).toContain('not in policy');
      expect(row[2].some(Boolean), `${suite} configured`).toBe(false);
      // served exactly under the protocols the endpoint facts list it for
      expect(matrix.protocols.filter((_, i) => row[3]![i]), suite).toEqual(matrix.protocols.filter((p) => endpoint.servedCipherSuitesByProtocol[p]?.includes(suite)));
    }
    for (const suite of missing) {
      expect(rows.get(suite)![1]).toContain('never chosen');
      expect(rows.get(suite)![3]!.some(Boolean)).toBe(false);
    }
    const flagged = matrix.rows.filter((r) => r[1].includes('not in policy') || r[1].includes('never chosen')).map((r) => r[0]).sort();
    expect(flagged).toEqual([...extra, ...missing].sort());
    // the TLS 1.3 CCM suite is drawn in the TLS 1.3 column only, as the catalogue says
    const ccm = rows.get('TLS_AES_128_CCM_SHA256')!;
    expect(matrix.protocols.filter((_, i) => ccm[3]![i])).toEqual(['TLSv1.3']);

    // and the page draws those cells and flags as they are, nothing re-derived in the browser
    const out = resolve('reports/out');
    mkdirSync(out, { recursive: true });
    const file = join(out, 'report-catalogue-matrix.html');
    writeFileSync(file, htmlReporter.render({ ...outcome, options: { sarifCategory: 'x' } }));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('html[data-ready="true"]');
      const drawn = await page.$$eval('details.matrix tr[data-suite]', (trs) => trs.map((tr) => ({
        suite: tr.getAttribute('data-suite'),
        flags: [...tr.querySelectorAll('th .flag')].map((f) => f.textContent),
        cells: [...tr.querySelectorAll('td')].map((td) => td.getAttribute('data-cell')),
      })));
      const expected = matrix.rows.map((r) => ({ suite: r[0], flags: r[1],
        cells: matrix.protocols.flatMap((_, i) => [`configured:${r[2][i] ? 'on' : 'off'}`, `served:${r[3]![i] ? 'on' : 'off'}`]) }));
      expect(drawn).toEqual(expected);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
