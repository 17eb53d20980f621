/**
 * Local stand-ins for the demo estate's endpoints: Node TLS servers on 127.0.0.1 that serve what each demo
 * listener would, plus the drift a real estate accumulates (an old certificate still served on an SNI name,
 * a protocol the policy does not allow). The demo probes them through curl-style --connect-to rules.
 */
import { createServer as createTcpServer } from 'node:net';
import { createServer, createSecureContext, type SecureContext, type SecureVersion, type Server } from 'node:tls';
import type { Snapshot } from '../model/snapshot.ts';
import pki from './pki.json' with { type: 'json' };

type CertName = keyof typeof pki.certificates;

interface EndpointSpec {
  loadBalancer: string;
  port: number;
  cert: CertName;
  /** SNI name -> certificate served for it (drift when it differs from the configured one). */
  sni?: Record<string, CertName>;
  minVersion: SecureVersion;
  maxVersion: SecureVersion;
  ciphers: string;
  /** Accept client-initiated renegotiation (Node's default). Load balancers refuse it; only a pass-through target keeps it. */
  clientRenegotiation?: boolean;
}

const MODERN = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384';
const SPECS: EndpointSpec[] = [
  // Classic with the custom SSLv3/TLSv1 policy. A Node stand-in can serve neither SSLv3, RC4 nor 3DES, nor RSA key exchange
  // at all (Node 20 refuses RSA PKCS#1 v1.5 decryption since CVE-2023-46809 and answers internal_error), so it offers an
  // ECDHE suite instead: the probe sees drift both ways, configured suites never chosen and a served suite not configured.
  { loadBalancer: 'legacy-web', port: 443, cert: 'legacy-web-2019', minVersion: 'TLSv1', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA@SECLEVEL=0' },
  { loadBalancer: 'payments-classic', port: 443, cert: 'payments.example.com', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: `${MODERN}:ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES128-SHA:AES128-GCM-SHA256:AES128-SHA256:AES128-SHA:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES256-SHA:AES256-GCM-SHA384:AES256-SHA256:AES256-SHA` },
  // The well-run ALB, except that last year's certificate is still served to SNI clients asking for www. (It is ECDSA like the
  // default one on purpose: OpenSSL keeps an ECDSA default certificate when an SNI callback offers an RSA-only context.)
  { loadBalancer: 'shop', port: 443, cert: 'shop.example.com', sni: { 'www.shop.example.com': 'www.shop.example.com-2025' }, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', ciphers: MODERN },
  { loadBalancer: 'api', port: 443, cert: 'api.example.com', minVersion: 'TLSv1', maxVersion: 'TLSv1.2', ciphers: `${MODERN}:ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES128-SHA:AES128-GCM-SHA256:AES128-SHA@SECLEVEL=0` },
  // TCP pass-through: the CloudHSM-backed web servers serve TLS themselves, with an old server default still
  // allowing TLS 1.1: no load-balancer policy covers them, only the probe sees it.
  // The web servers' own TLS stack also still accepts client-initiated renegotiation (endpoint-client-renegotiation).
  { loadBalancer: 'hsm-front', port: 443, cert: 'payments.example.com', minVersion: 'TLSv1.1', maxVersion: 'TLSv1.3', ciphers: `${MODERN}:ECDHE-RSA-AES128-SHA@SECLEVEL=0`, clientRenegotiation: true },
  // The FIPS NLB also accepts TLS 1.1, which its policy does not allow.
  { loadBalancer: 'mqtt-tls', port: 8883, cert: 'mqtt.example.com', minVersion: 'TLSv1.1', maxVersion: 'TLSv1.3', ciphers: `${MODERN}:ECDHE-RSA-AES128-SHA@SECLEVEL=0` },
];

function context(name: CertName, spec: EndpointSpec): SecureContext {
  const c = pki.certificates[name];
  return createSecureContext({ key: c.keyPem, cert: c.bodyPem + c.chainPem, minVersion: spec.minVersion, maxVersion: spec.maxVersion, ciphers: spec.ciphers });
}

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return typeof address === 'object' && address ? address.port : 9;
}

export interface DemoEndpoints {
  /** curl-style rules: every demo load balancer's DNS name and port to its local stand-in. */
  connectTo: string[];
  stop(): Promise<void>;
}

/** Starts one TLS server per demo endpoint on 127.0.0.1 and returns how to reach them. */
export async function startDemoEndpoints(snapshot: Snapshot): Promise<DemoEndpoints> {
  const servers: Server[] = [];
  const connectTo: string[] = [];
  try {
    for (const spec of SPECS) {
      const lb = snapshot.loadBalancers.find((l) => l.name === spec.loadBalancer);
      if (!lb) continue;
      const sni = new Map(Object.entries(spec.sni ?? {}).map(([host, cert]) => [host, context(cert, spec)]));
      const fallback = context(spec.cert, spec);
      const c = pki.certificates[spec.cert];
      const server = createServer({
        key: c.keyPem, cert: c.bodyPem + c.chainPem, minVersion: spec.minVersion, maxVersion: spec.maxVersion, ciphers: spec.ciphers,
        SNICallback: (host, done) => done(null, sni.get(host) ?? fallback),
      });
      server.on('tlsClientError', () => {}); // probes abort handshakes on purpose
      server.on('connection', (socket) => socket.on('error', () => {}));
      if (!spec.clientRenegotiation) server.on('secureConnection', (socket) => { socket.on('error', () => socket.destroy()); socket.disableRenegotiation(); });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      servers.push(server);
      const address = server.address();
      if (typeof address === 'object' && address) connectTo.push(`${lb.dnsName}:${spec.port}:127.0.0.1:${address.port}`);
    }
    // The Classic SSL listener on 8443 has no stand-in: its probe meets a closed port, as with a dead endpoint.
    const payments = snapshot.loadBalancers.find((l) => l.name === 'payments-classic');
    if (payments?.listeners.some((l) => l.port === 8443)) connectTo.push(`${payments.dnsName}:8443:127.0.0.1:${await closedPort()}`);
  } catch (error) {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    throw error;
  }
  return {
    connectTo,
    stop: async () => {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}
