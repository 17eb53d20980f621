/**
 * Which certificate key types each load balancer type can serve. Data, with its sources:
 * - ALB: "Application Load Balancers do not support ED25519 keys"; RSA and ECDSA certificates are served
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/https-listener-certificates.html,
 *   .../application/create-https-listener.html).
 * - NLB: RSA and ECDSA server certificates
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/tls-listener-certificates.html).
 * - Classic: RSA and ECDSA (its predefined policies carry ECDHE-ECDSA suites), no EdDSA
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/ssl-server-cert.html).
 * - Gateway Load Balancers do not terminate TLS, so no key type applies.
 * EdDSA, DSA and RSA-PSS-only keys are absent from every list: none of the pages names them, and an
 * unsupported key is worth a finding rather than a silent pass.
 */
import type { KeyInfo } from './types.ts';

interface KeySupport {
  types: readonly KeyInfo["type"][];
  curves: readonly string[];
}

const NIST_CURVES = ['P-256', 'P-384', 'P-521'] as const;

export const LOAD_BALANCER_KEY_SUPPORT: Readonly<Record<string, KeySupport>> = {
  application: { types: ['rsa', 'ec'], curves: NIST_CURVES },
  network: { types: ['rsa', 'ec'], curves: NIST_CURVES },
  classic: { types: ['rsa', 'ec'], curves: NIST_CURVES },
};

/** Whether a load balancer type can serve a certificate with this key; unknown LB types are not judged. */
export function loadBalancerSupportsKey(loadBalancerType: string, key: KeyInfo): boolean {
  const support = LOAD_BALANCER_KEY_SUPPORT[loadBalancerType];
  if (!support) return true;
  if (!support.types.includes(key.type)) return false;
  return key.type !== 'ec' || (key.curve !== null && support.curves.includes(key.curve));
}
