import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { endpointFacts } from '../../src/enrich/endpoint.ts';
import schema from '../../src/enrich/schemas/endpoint.schema.json' with { type: 'json' };
import type { ResolvedPolicy, Snapshot } from '../../src/model/index.ts';
import { OBSERVED } from '../../src/model/snapshot.ts';
import { planProbes, probeEstate } from '../../src/probe/index.ts';
import { makePki, startSServer, type Pki, type RunningServer } from '../helpers/tls-servers.ts';

const LB = 'arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/shop/1';
const LISTENER = `${LB.replace(':loadbalancer/', ':listener/')}/443`;
const TCP_LISTENER = `${LB.replace(':loadbalancer/', ':listener/')}/8443`;
const CERT = 'arn:aws:acm:eu-west-1:111122223333:certificate/abc';

function snapshotWith(pki: Pki, leaf: string): Snapshot {
  const listener = (arn: string, port: number, protocol: 'HTTPS' | 'TCP', certs: { arn: string; isDefault: boolean }[]) => ({
    arn, port, protocol, instanceProtocol: null, instancePort: null, policyNames: [], sslPolicy: protocol === 'HTTPS' ? 'ELBSecurityPolicy-TLS13-1-2-2021-06' : null,
    certificates: certs, defaultActions: [], rules: [], alpnPolicy: [], mutualAuthentication: null, observed: { certificates: OBSERVED, rules: OBSERVED },
  });
  return {
    schemaVersion: 2, generator: { name: 't', version: '0' }, capturedAt: '2026-01-01T00:00:00Z', scope: { accounts: [], regions: [] },
    loadBalancers: [{
      arn: LB, name: 'shop', type: 'application', account: '111122223333', region: 'eu-west-1', scheme: 'internet-facing', dnsName: 'shop.elb.test',
      vpcId: null, availabilityZones: [], securityGroups: [], attributes: {}, tags: {},
      listeners: [listener(LISTENER, 443, 'HTTPS', [{ arn: CERT, isDefault: true }]), listener(TCP_LISTENER, 8443, 'TCP', [])],
      classicPolicies: [], backendServers: [], registeredInstances: [], targetGroups: [], createdAt: null,
      observed: { listeners: OBSERVED, attributes: OBSERVED, tags: OBSERVED, classicPolicies: OBSERVED, registeredInstances: OBSERVED, targetGroups: OBSERVED },
    }, {
      arn: `${LB}-internal`, name: 'internal', type: 'network', account: '111122223333', region: 'eu-west-1', scheme: 'internal', dnsName: 'int.elb.test',
      vpcId: null, availabilityZones: [], securityGroups: [], attributes: {}, tags: {}, listeners: [listener(`${LISTENER}-int`, 443, 'HTTPS', [])],
      classicPolicies: [], backendServers: [], registeredInstances: [], targetGroups: [], createdAt: null,
      observed: { listeners: OBSERVED, attributes: OBSERVED, tags: OBSERVED, classicPolicies: OBSERVED, registeredInstances: OBSERVED, targetGroups: OBSERVED },
    }],
    certificates: [{
      arn: CERT, source: 'acm', account: '111122223333', region: 'eu-west-1', name: 'a.test', domainName: 'a.test', subjectAlternativeNames: ['a.test', '*.wild.test'],
      acmType: 'IMPORTED', status: 'ISSUED', keyAlgorithm: 'RSA_2048', notBefore: null, notAfter: null, renewalEligibility: null, renewalStatus: null,
      transparencyLogging: null, inUseBy: [LB], bodyPem: pki.pem(leaf), chainPem: pki.pem('int2') + pki.pem('int1'), tags: {}, observed: { metadata: OBSERVED, body: OBSERVED },
    }],
    hsmClusters: [], instances: [], sslPolicies: [], classicPredefinedPolicies: [], trustStores: [], observations: [], attempts: [],
  };
}

const policy: ResolvedPolicy = {
  name: 'ELBSecurityPolicy-TLS13-1-2-2021-06', source: 'elbv2-predefined', known: true, referencePolicy: null, protocols: ['TLSv1.2', 'TLSv1.3'], minProtocol: 'TLSv1.2',
  cipherSuites: ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
  cipherSuitesByProtocol: {
    'TLSv1.2': ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
    'TLSv1.3': ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'],
  },
  unknownCipherSuites: [], insecureCipherSuites: [], weakCipherSuites: [], nonForwardSecretCipherSuites: [], cbcCipherSuites: [], serverCipherOrder: true, fips: false, postQuantum: false,
};

describe('planning, estate probing and endpoint drift facts', () => {
  let pki: Pki;
  let server: RunningServer;
  beforeAll(async () => {
    pki = makePki();
    server = await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-cert_chain', 'chain_misordered.pem', '-min_protocol', 'TLSv1', '-cipher', 'DEFAULT:@SECLEVEL=0']);
  }, 60_000);
  afterAll(async () => { await server.stop(); pki.cleanup(); });

  it('plans TLS listeners and TCP pass-through on TLS ports, skips internal LBs unless reachable', async () => {
    const snapshot = snapshotWith(pki, 'leaf');
    const plan = planProbes(snapshot);
    expect(plan.map((t) => [t.host, t.port, t.sni, t.sniNames])).toEqual([['shop.elb.test', 443, 'a.test', ['www.wild.test']], ['shop.elb.test', 8443, null, []]]);
    expect(planProbes(snapshot, { includeInternal: true })).toHaveLength(3);
  });

  it('turns served-versus-configured differences into drift facts that validate against the schema', async () => {
    const snapshot = snapshotWith(pki, 'other');
    snapshot.observations = await probeEstate(snapshot, { connectTo: [`shop.elb.test::127.0.0.1:${server.port}`], timeoutMs: 2000, groups: false });
    expect(snapshot.observations.map((o) => o.status)).toEqual(['ok', 'ok']);
    const facts = (await endpointFacts(snapshot, new Map([[LISTENER, policy], [TCP_LISTENER, null]])));
    const validate = new Ajv({ allErrors: true }).compile(schema);
    for (const f of facts) expect(validate(f), JSON.stringify(validate.errors)).toBe(true);
    const https = facts.find((f) => f.listenerArn === LISTENER)!;
    expect(https.drift.extraProtocols).toEqual(['TLSv1.0', 'TLSv1.1']);
    expect(https.drift.missingProtocols).toEqual([]);
    expect(https.drift.extraCipherSuites).toContain('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA');
    // no ECDSA certificate is served, so the configured ECDSA suite is not "missing"
    expect(https.drift.missingCipherSuites).toEqual([]);
    expect(https.drift.certificateMismatches[0]).toMatch(/^SNI a\.test .*served .*CN=localhost, configured .*certificate\/abc/);
    expect(https.drift.chainMismatches.length).toBeGreaterThan(0);
    const tcp = facts.find((f) => f.listenerArn === TCP_LISTENER)!;
    expect(tcp.drift.extraProtocols).toBeNull();
    expect(tcp.drift.certificates[0]?.matches).toBeNull();
  });

  it('matches when the served leaf is the configured one, and flags the served chain order', async () => {
    const snapshot = snapshotWith(pki, 'leaf');
    snapshot.observations = await probeEstate(snapshot, { connectTo: [`::127.0.0.1:${server.port}`], timeoutMs: 2000, groups: false });
    const https = (await endpointFacts(snapshot, new Map([[LISTENER, policy]]))).find((f) => f.listenerArn === LISTENER)!;
    expect(https.drift.certificateMismatches).toEqual([]);
    expect(https.drift.certificates.every((c) => c.matches === true)).toBe(true);
    // configured leaf, I2, I1 — served leaf, I1, I2, root
    expect(https.drift.certificates[0]?.chainMatches).toBe(false);
  });
});
