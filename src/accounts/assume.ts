/** STS AssumeRole into one member account's audit role. */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { SdkClientSettings } from '../collect/index.ts';
import { clientConfig } from './organization.ts';

export interface AssumeRoleRequest {
  account: string;
  roleName: string;
  externalId?: string;
  sessionName: string;
  homeRegion: string;
}

/** The partition of a region, so role ARNs are right in China and GovCloud too. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** arn:<partition>:iam::<account>:role/<name>; a name may carry a path (path/name). */
export function roleArn(account: string, roleName: string, homeRegion: string): string {
  return `arn:${partitionOf(homeRegion)}:iam::${account}:role/${roleName.replace(/^\/+/, '')}`;
}

/** Temporary credentials for the member account; throws the STS error as is. */
export async function assumeAuditRole(settings: SdkClientSettings, request: AssumeRoleRequest): Promise<NonNullable<SdkClientSettings['credentials']>> {
  const sts = new STSClient(clientConfig(settings, request.homeRegion));
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: roleArn(request.account, request.roleName, request.homeRegion),
      RoleSessionName: request.sessionName,
      DurationSeconds: 3600,
      ...(request.externalId !== undefined ? { ExternalId: request.externalId } : {}),
    }),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('STS AssumeRole returned no credentials');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}
