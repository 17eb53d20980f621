/**
 * The preflight: one STS GetCallerIdentity before anything is collected, so missing or rejected credentials,
 * a misspelt profile, a bad region or an unreachable endpoint stop the run in seconds with the SDK's reason
 * and what to do (exit 3), instead of every collector retrying and the run ending in a count of nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { configuredEndpoint } from '../collect/clients.ts';
import { AuditError } from '../model/errors.ts';

/** The one call's client settings: a single attempt and short timeouts, so a dead endpoint answers in seconds. */
export const PREFLIGHT_CLIENT = { maxAttempts: 1, connectionTimeoutMs: 3000, requestTimeoutMs: 5000 } as const;

export interface PreflightTarget {
  /** The region the call signs for (the first audited region). */
  region: string;
  env?: NodeJS.ProcessEnv;
  /** Injected client (tests); by default one built with PREFLIGHT_CLIENT from the SDK chain. */
  client?: Pick<STSClient, 'send'>;
}

export interface CallerIdentity {
  account: string;
  arn: string;
}

/** Profile names in the shared config and credentials files ([profile x] / [x]). */
export function knownProfiles(env: NodeJS.ProcessEnv = process.env): Set<string> {
  const home = env['HOME'] ?? homedir();
  const files = [env['AWS_CONFIG_FILE'] ?? join(home, '.aws', 'config'), env['AWS_SHARED_CREDENTIALS_FILE'] ?? join(home, '.aws', 'credentials')];
  const names = new Set<string>();
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/^\s*\[\s*(?:profile\s+)?([^\]\s]+)\s*\]/gm)) names.add(m[1]!);
  }
  return names;
}

/** Builds the preflight's own STS client: one attempt, short connect and response timeouts. */
export function preflightClient(region: string, env: NodeJS.ProcessEnv = process.env): STSClient {
  const endpoint = configuredEndpoint('sts', env);
  return new STSClient({
    region,
    maxAttempts: PREFLIGHT_CLIENT.maxAttempts,
    requestHandler: { connectionTimeout: PREFLIGHT_CLIENT.connectionTimeoutMs, requestTimeout: PREFLIGHT_CLIENT.requestTimeoutMs },
    ...(endpoint !== undefined ? { endpoint } : {}),
  });
}

const NETWORK = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH|socket hang up|TimeoutError|RequestTimeout/i;
const REJECTED = /InvalidClientTokenId|SignatureDoesNotMatch|ExpiredToken|UnrecognizedClient|AccessDenied|InvalidAccessKeyId|TokenRefreshRequired/i;

/** The SDK's reason and what to do about it, in one message. */
export function explainPreflightFailure(error: unknown, region: string, env: NodeJS.ProcessEnv = process.env): string {
  const e = error as { name?: string; code?: string; message?: string };
  const reason = [e.name && e.name !== 'Error' ? e.name : e.code, e.message].filter(Boolean).join(': ') || String(error);
  const endpoint = configuredEndpoint('sts', env) ?? `the STS endpoint of ${region}`;
  const profile = env['AWS_PROFILE'];
  if (e.name === 'CredentialsProviderError' || /credentials|profile|SSO|token/i.test(e.message ?? '') && !REJECTED.test(reason)) {
    const hint = profile
      ? `check that profile "${profile}" exists and holds credentials (aws configure list-profiles; aws sso login --profile ${profile})`
      : 'set AWS_PROFILE or pass --profile, export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run aws sso login';
    return `no usable AWS credentials (${reason}): ${hint}`;
  }
  if (REJECTED.test(reason)) return `AWS rejected the credentials (${reason}): refresh them (aws sso login, or new keys) or choose another --profile`;
  if (NETWORK.test(reason) || NETWORK.test(e.code ?? '')) {
    return `cannot reach ${endpoint} (${reason}): check the network, the region name and AWS_ENDPOINT_URL`;
  }
  return `STS GetCallerIdentity failed at ${endpoint} (${reason}): check credentials, region and endpoint`;
}

/** Asks STS who the credentials are, once; any failure is an INCOMPLETE AuditError (exit 3) explaining it. */
export async function preflight(target: PreflightTarget): Promise<CallerIdentity> {
  const env = target.env ?? process.env;
  const profile = env['AWS_PROFILE'];
  if (profile !== undefined && profile !== '' && !target.client) {
    const known = knownProfiles(env);
    if (!known.has(profile)) {
      const list = known.size > 0 ? `known: ${[...known].sort().join(', ')}` : 'no profile is configured in ~/.aws/config or ~/.aws/credentials';
      throw new AuditError('INCOMPLETE', `AWS profile "${profile}" is not configured (${list}): check the spelling of --profile / AWS_PROFILE`, 'preflight');
    }
  }
  const client = target.client ?? preflightClient(target.region, env);
  try {
    const out = await client.send(new GetCallerIdentityCommand({}));
    return { account: out.Account ?? 'unknown', arn: out.Arn ?? 'unknown' };
  } catch (error) {
    throw new AuditError('INCOMPLETE', explainPreflightFailure(error, target.region, env), 'preflight', { cause: error });
  } finally {
    if (!target.client) (client as STSClient).destroy();
  }
}
