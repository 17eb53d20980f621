#!/usr/bin/env node
// Builds rules/data/*.json from the reference tables in ../shared/reference (development time only:
// nothing reads ../shared at run time). Re-run after the reference tables change:
//   node scripts/build-data.mjs [path/to/shared/reference]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTlsCatalogue } from './tls-catalogue.mjs';

const ref = process.argv[2] ?? join(import.meta.dirname, '..', '..', 'shared', 'reference');
const load = (f) => JSON.parse(readFileSync(join(ref, f), 'utf8'));
const out = (f, data) => writeFileSync(join(import.meta.dirname, '..', 'rules', 'data', f), JSON.stringify(data, null, 1) + '\n');
const PROTO = { SSLv2: 'SSLv2', SSLv3: 'SSLv3', TLSv1: 'TLSv1.0', 'TLSv1.1': 'TLSv1.1', 'TLSv1.2': 'TLSv1.2', 'TLSv1.3': 'TLSv1.3' };

buildTlsCatalogue(load('cipher-suites.json'), readFileSync(join(import.meta.dirname, 'data', 'iana-cipher-suites-supplement.csv'), 'utf8'),
  (f, text) => writeFileSync(join(import.meta.dirname, '..', 'rules', 'data', f), text));

const clb = load('clb-predefined-policies.json');
out('classic-policies.json', {
  source: clb.source.map((s) => s.ref),
  derivedFrom: 'shared/reference/clb-predefined-policies.json (retrieved ' + clb.retrieved + ')',
  note: 'protocol null = not known from any source; enrich treats it as enabled (fail closed).',
  defaultPolicy: clb.default_policy,
  attributeUniverse: clb.attribute_universe,
  policies: clb.policies.map((p) => ({
    name: p.name,
    status: p.status,
    confidence: p.confidence,
    serverOrder: p.server_defined_cipher_order,
    protocols: Object.fromEntries(Object.entries(p.protocols).map(([k, v]) => [PROTO[k.replace('Protocol-', '')], v])),
    ciphers: p.ciphers,
  })),
  aliases: { 'ELBSample-ELBDefaultNegotiationPolicy': 'ELBSample-ELBDefaultCipherPolicy', 'ELBSample-OpenSSLDefaultNegotiationPolicy': 'ELBSample-OpenSSLDefaultCipherPolicy' },
});

const v2 = load('elbv2-security-policies.json');
out('elbv2-policies.json', {
  source: v2.source.map((s) => s.ref),
  derivedFrom: 'shared/reference/elbv2-security-policies.json (retrieved ' + v2.retrieved + ')',
  note: 'ciphers null = not known (RFC 9151 family): enrich marks the policy unknown unless DescribeSSLPolicies answered.',
  defaults: v2.conventions.defaults,
  policies: v2.policies.map((p) => ({
    name: p.name,
    confidence: p.confidence,
    protocols: p.ssl_protocols.map((x) => PROTO[x] ?? x),
    ciphers: p.ciphers === null ? null : [...p.ciphers].sort((a, b) => a.priority - b.priority).map((c) => c.name),
    fips: p.fips,
    postQuantum: p.post_quantum_hybrid_kex,
    loadBalancerTypes: p.supported_load_balancer_types,
  })),
});
console.log('rules/data written from', ref);
