/**
 * The external id the member-account roles require, read from Secrets Manager when the Lambda enters the
 * accounts (EXTERNAL_ID_SECRET_ID), so it is never a template parameter or an environment value.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AuditError } from '../model/errors.ts';

// What STS accepts as ExternalId (AssumeRole API reference): 2-1224 characters of this set.
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** The secret's value: the id itself, or JSON {"externalId": "..."}; a bad value names the secret, never its text. */
export async function externalIdFromSecret(secretId: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const endpoint = env['AWS_ENDPOINT_URL_SECRETS_MANAGER'] ?? env['AWS_ENDPOINT_URL'];
  const client = new SecretsManagerClient({ ...(endpoint ? { endpoint } : {}) });
  let text: string;
  try {
    text = ((await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString ?? '').trim();
  } catch (error) {
    throw new AuditError('BAD_INPUT', `the external id could not be read: ${(error as Error).name}: ${(error as Error).message}`, `EXTERNAL_ID_SECRET_ID (${secretId})`);
  }
  if (text.startsWith('{')) {
    let parsed: { externalId?: unknown } = {};
    try {
      parsed = JSON.parse(text) as { externalId?: unknown };
    } catch {
      // reported below as holding no external id
    }
    text = typeof parsed.externalId === 'string' ? parsed.externalId : '';
  }
  if (!EXTERNAL_ID.test(text)) {
    throw new AuditError('BAD_INPUT', 'the secret holds no valid external id (2-1224 characters of letters, digits and +=,.@:/-_; or JSON {"externalId": "..."})', `EXTERNAL_ID_SECRET_ID (${secretId})`);
  }
  return text;
}
