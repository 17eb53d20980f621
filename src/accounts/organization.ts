/** Organizations ListAccounts: the member accounts an --organization audit covers. */
import { ListAccountsCommand, OrganizationsClient, type Account } from '@aws-sdk/client-organizations';
import type { SdkClientSettings } from '../collect/index.ts';

/** Ids of every ACTIVE account in the caller's organisation (management or delegated-admin account), sorted. */
export async function listOrganizationAccounts(settings: SdkClientSettings, homeRegion: string): Promise<string[]> {
  const client = new OrganizationsClient(clientConfig(settings, homeRegion));
  const accounts: Account[] = [];
  let token: string | undefined;
  do {
    const out = await client.send(new ListAccountsCommand(token ? { NextToken: token } : {}));
    accounts.push(...(out.Accounts ?? []));
    token = out.NextToken;
  } while (token);
  // `State` replaces the deprecated `Status`; accept either so old and new API answers agree.
  return accounts
    .filter((a) => (a.State ?? a.Status) === 'ACTIVE' && a.Id !== undefined)
    .map((a) => a.Id as string)
    .sort();
}

/** Region, endpoint and credentials for the caller's own clients (STS, Organizations). */
export function clientConfig(settings: SdkClientSettings, region: string): Record<string, unknown> {
  const config: Record<string, unknown> = { region, maxAttempts: 3 };
  const endpoint = settings.endpoint ?? envEndpoint();
  if (endpoint !== undefined) config['endpoint'] = endpoint;
  if (settings.credentials !== undefined) config['credentials'] = settings.credentials;
  return config;
}

function envEndpoint(): string | undefined {
  if (process.env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] === 'true') return undefined;
  const value = process.env['AWS_ENDPOINT_URL'];
  return value !== undefined && value !== '' ? value : undefined;
}
