/** Stable stand-in ARNs for resources that exist only in code: derived from the source address, so they survive line moves. */
import type { LoadBalancerType } from '../model/snapshot.ts';

/** 32-bit FNV-1a of the address as 8 hex digits. */
export function addressHash(address: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < address.length; i++) h = Math.imul(h ^ address.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

const KIND: Record<LoadBalancerType, string> = { application: 'app', network: 'net', gateway: 'gwy', classic: '' };
const clean = (name: string) => name.replace(/[^A-Za-z0-9-]/g, '-') || 'unnamed';
const elb = (region: string, account: string) => `arn:aws:elasticloadbalancing:${region}:${account}`;

export const iacArns = {
  loadBalancer: (type: LoadBalancerType, name: string, address: string, region: string, account: string) =>
    type === 'classic' ? `${elb(region, account)}:loadbalancer/${clean(name)}` : `${elb(region, account)}:loadbalancer/${KIND[type]}/${clean(name)}/iac${addressHash(address)}`,
  listener: (lbArn: string, type: LoadBalancerType, port: number, address: string) =>
    type === 'classic' ? `${lbArn}/listener/${port}` : `${lbArn.replace(':loadbalancer/', ':listener/')}/iac${addressHash(address)}`,
  targetGroup: (name: string, address: string, region: string, account: string) => `${elb(region, account)}:targetgroup/${clean(name)}/iac${addressHash(address)}`,
  trustStore: (name: string, address: string, region: string, account: string) => `${elb(region, account)}:truststore/${clean(name)}/iac${addressHash(address)}`,
  certificate: (source: 'acm' | 'iam', name: string, address: string, region: string, account: string) =>
    source === 'iam' ? `arn:aws:iam::${account}:server-certificate/${name}` : `arn:aws:acm:${region}:${account}:certificate/iac${addressHash(address)}`,
  unknownCertificate: (address: string) => `arn:aws:acm:unknown:unknown:certificate/known-after-deploy-${addressHash(address)}`,
};
