/**
 * The endpoint rules over what is served, fired by real servers: a pass-through NLB of the demo estate is
 * pointed (--connect-to) at openssl s_server / Node tls configured to serve each fault, and the audit's
 * findings for that endpoint are read back. No rule is judged from hand-written facts here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditPassThrough, PASS_THROUGH_DNS } from '../helpers/pass-through.ts';
import { pemBundle, TestPki, type TestCertificate } from '../helpers/pki.ts';
import { startNodeTlsServer, startSServer, type Pki, type RunningServer } from '../helpers/tls-servers.ts';

describe('endpoint rules over the served chain, groups, order and stapling, on real servers', () => {
  let lab: TestPki;
  let labPki: Pki;
  let root: TestCertificate;
  let int1: TestCertificate;
  let int2: TestCertificate;
  const dns = PASS_THROUGH_DNS;
  const servers: RunningServer[] = [];
  const keep = (s: RunningServer): RunningServer => { servers.push(s); return s; };
  beforeAll(() => {
    lab = new TestPki();
    labPki = { dir: lab.dir, path: (n) => join(lab.dir, n), pem: () => '', cleanup: () => lab.cleanup() };
    root = lab.root('Rules Root CA');
    int1 = lab.intermediate('Rules Intermediate 1', root);
    int2 = lab.intermediate('Rules Intermediate 2', int1);
  }, 60_000);
  afterAll(async () => { for (const s of servers) await s.stop(); lab?.cleanup(); });

  /** Audits the demo's hsm-front pass-through endpoint served by the given port; findings by rule id. */
  async function judge(port: number, anchors: string[] = [root.pem], profile = 'default'): Promise<(id: string) => string[]> {
    const outcome = await auditPassThrough(port, { anchors, profile, asOf: lab.now.toISOString() });
    return (id) => outcome.result.findings.filter((f) => f.ruleId === id).map((f) => `${f.status}: ${f.message}`);
  }
  const serve = async (leaf: TestCertificate, chain: TestCertificate[], extra: string[] = []): Promise<number> => {
    const file = `${leaf.name}-chain.pem`;
    writeFileSync(join(lab.dir, file), pemBundle(chain));
    return keep(await startSServer(labPki, ['-cert', leaf.certPath, '-key', leaf.keyPath, ...(chain.length ? ['-cert_chain', file] : []), ...extra])).port;
  };
  const leafFor = (cn: string, options: Parameters<TestPki['leaf']>[2] = {}): TestCertificate =>
    lab.leaf(cn, int2, { dnsNames: [dns, cn], ...options });

  it('a good chain passes the chain rules; without its root trusted it is incomplete, or untrusted when the root is sent', async () => {
    const port = await serve(leafFor('good.example.com'), [int2, int1]);
    const trusted = await judge(port);
    for (const id of ['endpoint-served-chain-incomplete', 'endpoint-served-chain-untrusted', 'endpoint-served-chain-extraneous',
      'endpoint-served-weak-key', 'endpoint-served-weak-signature', 'endpoint-served-chain-expiring']) {
      expect(trusted(id), id).toEqual([expect.stringMatching(/^pass: /)]);
    }
    // the root not sent and not trusted: the path has no anchor, which is incomplete, not untrusted
    const unanchored = await judge(port, []);
    expect(unanchored('endpoint-served-chain-incomplete')).toEqual([expect.stringMatching(/^fail: .*Rules Root CA/)]);
    expect(unanchored('endpoint-served-chain-untrusted')).toEqual([expect.stringMatching(/^pass: /)]);
    // the root sent but not trusted: untrusted
    const withRoot = await judge(await serve(leafFor('private.example.com'), [int2, int1, root]), []);
    expect(withRoot('endpoint-served-chain-untrusted')).toEqual([expect.stringMatching(/^fail: .*Rules Root CA, which is not a trusted root/)]);
  }, 120_000);

  it('a missing intermediate fails endpoint-served-chain-incomplete, naming the missing issuer', async () => {
    const port = await serve(leafFor('short.example.com'), [int2]);
    const f = await judge(port);
    expect(f('endpoint-served-chain-incomplete')).toEqual([expect.stringMatching(/^fail: .*Rules Intermediate 1/)]);
  }, 120_000);

  it('an unrelated CA in the chain fails endpoint-served-chain-extraneous', async () => {
    const stray = lab.root('Stray Extra CA');
    const port = await serve(leafFor('extra.example.com'), [int2, stray, int1]);
    expect((await judge(port))('endpoint-served-chain-extraneous')).toEqual([expect.stringMatching(/^fail: .*Stray Extra CA/)]);
  }, 120_000);

  it('an RSA-1024 SHA-1 leaf that expires in 10 days fails the weak-key, weak-signature and expiring rules', async () => {
    const leaf = leafFor('weak.example.com', { key: 'rsa-1024', digest: 'sha1', notAfterDays: 10 });
    const port = await serve(leaf, [int2, int1], ['-cipher', 'ALL:@SECLEVEL=0']);
    const f = await judge(port);
    expect(f('endpoint-served-weak-key')).toEqual([expect.stringMatching(/^fail: .*weak\.example\.com/)]);
    expect(f('endpoint-served-weak-signature')).toEqual([expect.stringMatching(/^fail: .*weak\.example\.com/)]);
    expect(f('endpoint-served-chain-expiring')).toEqual([expect.stringMatching(/^fail: .*expires in (9|10) days/)]);
  }, 120_000);

  it('client cipher order fails endpoint-server-order-off; -serverpref passes; the Mozilla profile leaves the rule out', async () => {
    const leaf = leafFor('order.example.com');
    const suites = ['-no_tls1_3', '-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305'];
    const client = await judge(await serve(leaf, [int2, int1], suites));
    expect(client('endpoint-server-order-off')).toEqual([expect.stringMatching(/^fail: .*follows the client's cipher-suite order/)]);
    const server = await judge(await serve(leaf, [int2, int1], [...suites, '-serverpref']));
    expect(server('endpoint-server-order-off')).toEqual([expect.stringMatching(/^pass: /)]);
    expect((await judge(servers.at(-1)!.port, [root.pem], 'mozilla-intermediate'))('endpoint-server-order-off')).toEqual([]);
  }, 120_000);

  it('groups: P-384 only fails endpoint-missing-common-group; P-224 accepted beside an ECDSA P-256 certificate fails endpoint-weak-group; no ML-KEM fails endpoint-no-post-quantum', async () => {
    const leaf = leafFor('groups.example.com');
    const p384 = await judge(await serve(leaf, [int2, int1], ['-groups', 'P-384']));
    expect(p384('endpoint-missing-common-group')).toEqual([expect.stringMatching(/^fail: .*secp384r1/)]);
    expect(p384('endpoint-weak-group')).toEqual([expect.stringMatching(/^pass: /)]);
    // OpenSSL 3.0 on Debian has no ML-KEM: a real TLS 1.3 server without hybrids, so the rule fails
    expect(p384('endpoint-no-post-quantum')).toEqual([expect.stringMatching(/^fail: .*no post-quantum group/)]);
    const p224 = await judge(await serve(leaf, [int2, int1], ['-no_tls1_3', '-groups', 'P-256:P-224', '-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256:@SECLEVEL=0']));
    expect(p224('endpoint-weak-group')).toEqual([expect.stringMatching(/^fail: .*secp224r1/)]);
    expect(p224('endpoint-missing-common-group')).toEqual([expect.stringMatching(/^pass: /)]);
  }, 120_000);

  it('a must-staple leaf without a staple fails endpoint-ocsp-must-staple-missing; stapled it passes; a plain leaf is info', async () => {
    const mustStaple = leafFor('staple.example.com', { extraExtensions: ['tlsfeature = status_request'] });
    const options = { key: mustStaple.keyPem, cert: mustStaple.pem + pemBundle([int2, int1]) };
    const bare = await judge(keep(await startNodeTlsServer(options)).port);
    expect(bare('endpoint-ocsp-must-staple-missing')).toEqual([expect.stringMatching(/^fail: .*without a stapled OCSP response/)]);
    expect(bare('endpoint-ocsp-not-stapled')).toEqual([]);
    const stapled = await judge(keep(await startNodeTlsServer(options, Buffer.from('3003020100', 'hex'))).port);
    expect(stapled('endpoint-ocsp-must-staple-missing')).toEqual([expect.stringMatching(/^pass: /)]);
    const plain = await judge(await serve(leafFor('plain.example.com'), [int2, int1]));
    expect(plain('endpoint-ocsp-not-stapled')).toEqual([expect.stringMatching(/^fail: .*does not staple/)]);
    expect(plain('endpoint-ocsp-must-staple-missing')).toEqual([]);
  }, 120_000);
});
