/**
 * Version-1 snapshots (written by the previous release: test/fixtures/snapshots/demo-v1.snapshot.json is the demo's
 * own `--snapshot-out`, with its simulated AccessDenied on mqtt-tls's attributes) are migrated on read: what the
 * attempts' covers said was not seen becomes the records' observation, and is judged as unknown.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { demoSnapshot, demoTrustAnchors, withDemoCollectionGap } from '../../src/demo/estate.ts';
import { AuditError } from '../../src/model/errors.ts';
import { SNAPSHOT_SCHEMA_VERSION } from '../../src/model/snapshot.ts';
import { readSnapshot, validateSnapshot } from '../../src/snapshot/io.ts';

const PEER_RULES = /^(alb-waf-missing|lb-sg-.*|cert-untagged|private-ca-.*|mtls-ca-.*|mtls-revocation-stale)$/;
const V1 = new URL('../fixtures/snapshots/demo-v1.snapshot.json', import.meta.url).pathname;

describe('snapshot migration', () => {
  it('reads a version-1 demo snapshot as version 2, with the denied attributes as a failed observation', () => {
    expect(JSON.parse(readFileSync(V1, 'utf8')).schemaVersion).toBe(1);
    const snapshot = readSnapshot(V1);
    expect(snapshot.schemaVersion).toBe(SNAPSHOT_SCHEMA_VERSION);
    const mqtt = snapshot.loadBalancers.find((lb) => lb.name === 'mqtt-tls')!;
    expect(mqtt.observed.attributes).toEqual({ status: 'error', reason: expect.stringMatching(/^AccessDenied/) });
    expect(mqtt.observed.listeners).toEqual({ status: 'ok', reason: null });
    const shop = snapshot.loadBalancers.find((lb) => lb.name === 'shop')!;
    // Version 1 never read HTTPS listener rules: unknown, not "none".
    expect(shop.listeners.find((l) => l.protocol === 'HTTPS')!.observed.rules.status).toBe('error');
    expect(shop.listeners.find((l) => l.protocol === 'HTTP')!.observed.rules.status).toBe('ok');
    expect(snapshot.certificates.every((c) => c.observed.body.status === 'ok')).toBe(true);
  });

  it('judges the migrated snapshot like the same estate collected today, except what version 1 did not read', async () => {
    const judge = async (snapshot: ReturnType<typeof readSnapshot>) =>
      (await audit({ source: { kind: 'snapshot', snapshot }, probe: false, profile: 'default', failOn: 'high', allowPartial: false, trustAnchorsPem: demoTrustAnchors() })).result;
    const migrated = await judge(readSnapshot(V1));
    const today = await judge(withDemoCollectionGap(demoSnapshot()));
    const status = (r: typeof migrated, rule: string, name: string) => r.findings.find((f) => f.ruleId === rule && f.resource.name === name)?.status;
    // The denied attributes are unknown in both, although the v1 file still carried a value for deletion protection.
    expect(status(migrated, 'lb-deletion-protection', 'mqtt-tls')).toBe('error');
    expect(status(today, 'lb-deletion-protection', 'mqtt-tls')).toBe('error');
    // A plaintext target group already seen settles backend encryption, unread rules or not.
    expect(status(migrated, 'listener-backend-unencrypted', 'api:443')).toBe('fail');
    // An encrypted default backend with unread rules cannot be vouched for.
    expect(status(migrated, 'listener-backend-unencrypted', 'shop:443')).toBe('error');
    expect(status(today, 'listener-backend-unencrypted', 'shop:443')).toBe('pass');
    const key = (f: { ruleId: string; resource: { arn: string }; status: string }) => `${f.ruleId}|${f.resource.arn}|${f.status}`;
    // What rests on the rules of HTTPS listeners (where traffic goes: backend and health-check protocols) is the difference.
    const v1Only = (f: { ruleId: string; resource: { name: string } }) => /^listener-(backend|health-check)-unencrypted$/.test(f.ruleId) || f.resource.name === 'mqtt-tls';
    // What the demo gained with the peer checks (ADR 0012) and a version-1 file cannot hold: WAF, security groups,
    // tags, the Private CA (which anchors intranet's chain) and the CA bundles and CRLs of trust stores (shop:443 gained mTLS).
    const peerCheck = (f: { ruleId: string; resource: { name: string } }) => PEER_RULES.test(f.ruleId) || f.resource.name === 'shop:443'
      || (f.ruleId === 'chain-untrusted' && f.resource.name === 'intranet.corp.example');
    const compared = (f: { ruleId: string; resource: { name: string } }) => !v1Only(f) && !peerCheck(f);
    expect(migrated.findings.filter(compared).map(key).sort()).toEqual(today.findings.filter(compared).map(key).sort());
    // A version-1 file never looked: its peer-check rules are not applicable, neither passes nor errors.
    expect(migrated.findings.filter((f) => PEER_RULES.test(f.ruleId))).toEqual([]);
    expect(migrated.verdict.kind).toBe('incomplete');
  });

  it('refuses versions it does not know, naming the field', () => {
    const raw = { ...JSON.parse(readFileSync(V1, 'utf8')), schemaVersion: 99 };
    expect(() => validateSnapshot(raw, 'future.json')).toThrow(AuditError);
    expect(() => validateSnapshot(raw, 'future.json')).toThrow(/future\.json: \/schemaVersion 99 is not supported \(this version reads 1 to 2\)/);
  });

  it('a snapshot read from a file must be consistent: duplicate ARNs, bad ports and dangling certificates are exit 2 with the path', () => {
    const base = JSON.parse(JSON.stringify(demoSnapshot()));
    const duplicate = { ...base, loadBalancers: [...base.loadBalancers, base.loadBalancers[0]] };
    expect(() => validateSnapshot(duplicate, 's.json')).toThrow(/\/loadBalancers\/9 repeats the load balancer arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer\/\S+ of \/loadBalancers\/0/);
    const port = JSON.parse(JSON.stringify(base));
    port.loadBalancers[0].listeners[0].port = 70000;
    expect(() => validateSnapshot(port, 's.json')).toThrow(/\/loadBalancers\/0\/listeners\/0\/port 70000 is not a port/);
    const dangling = JSON.parse(JSON.stringify(base));
    dangling.certificates = dangling.certificates.slice(1);
    expect(() => validateSnapshot(dangling, 's.json')).toThrow(/listeners\/\d+\/certificates\/0\/arn names arn:aws:\S+, which is not in \/certificates/);
  });

  it('a used certificate without a body is unknown, not a certificate with nothing to judge', () => {
    const s = JSON.parse(JSON.stringify(demoSnapshot()));
    const used = s.certificates.find((c: { name: string }) => c.name === 'shop.example.com');
    used.bodyPem = null;
    used.chainPem = null;
    const read = validateSnapshot(s, 's.json');
    expect(read.certificates.find((c) => c.name === 'shop.example.com')!.observed.body).toMatchObject({ status: 'error', reason: expect.stringMatching(/listener uses this certificate/) });
  });
});
