import type { Action, MutualAuthenticationAttributes } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ListenerAction, ListenerProtocol, MutualAuthentication, TargetHealthState } from '../model/snapshot.ts';

const PROTOCOLS = new Set<string>(['HTTP', 'HTTPS', 'TCP', 'SSL', 'TLS', 'UDP', 'TCP_UDP', 'QUIC', 'TCP_QUIC', 'GENEVE']);
const HEALTH = new Set<string>(['healthy', 'unhealthy', 'initial', 'draining', 'unused', 'unavailable']);

/** An ELBv2 protocol as the model names it, or null when the API gave none. */
export function toListenerProtocol(value: string | undefined): ListenerProtocol | null {
  if (value === undefined) return null;
  const upper = value.toUpperCase();
  return PROTOCOLS.has(upper) ? (upper as ListenerProtocol) : null;
}

/** Target health as the model names it; anything new from the API reads as unknown. */
export function toTargetHealth(state: string | undefined): TargetHealthState {
  return state !== undefined && HEALTH.has(state) ? (state as TargetHealthState) : 'unknown';
}

/** A listener or rule action; forward targets come from TargetGroupArn and ForwardConfig alike. */
export function toAction(a: Action): ListenerAction {
  const targets = new Set<string>();
  if (a.TargetGroupArn) targets.add(a.TargetGroupArn);
  for (const t of a.ForwardConfig?.TargetGroups ?? []) if (t.TargetGroupArn) targets.add(t.TargetGroupArn);
  const r = a.RedirectConfig;
  return {
    // New action types (e.g. jwt-validation) pass through under their API name rather than being dropped.
    type: (a.Type ?? 'forward') as ListenerAction['type'],
    targetGroupArns: [...targets],
    redirect: r ? { protocol: r.Protocol ?? null, port: r.Port ?? null, host: r.Host ?? null, statusCode: r.StatusCode ?? 'HTTP_301' } : null,
  };
}

/** mTLS settings; absent means mode off. */
export function toMutualAuthentication(m: MutualAuthenticationAttributes | undefined): MutualAuthentication | null {
  if (!m) return null;
  const mode = m.Mode === 'verify' || m.Mode === 'passthrough' ? m.Mode : 'off';
  const advertise = m.AdvertiseTrustStoreCaNames;
  return {
    mode,
    trustStoreArn: m.TrustStoreArn ?? null,
    ignoreClientCertificateExpiry: m.IgnoreClientCertificateExpiry ?? null,
    advertiseTrustStoreCaNames: advertise === 'on' || advertise === 'off' ? advertise : null,
  };
}
