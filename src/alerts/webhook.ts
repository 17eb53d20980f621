/**
 * The chat webhook: its URL kept in Secrets Manager (never in the environment or the template), the
 * message posted as JSON that Slack and Teams (`text`) and Amazon Chime (`Content`) incoming webhooks accept.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AuditError } from '../model/errors.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The webhook URL in a secret: the plain URL, or JSON {"url": "..."}. Only https (http on loopback, for relays and tests). */
export async function webhookUrlFromSecret(secretId: string, env: NodeJS.ProcessEnv = process.env): Promise<URL> {
  const endpoint = env['AWS_ENDPOINT_URL_SECRETS_MANAGER'] ?? env['AWS_ENDPOINT_URL'];
  const client = new SecretsManagerClient({ ...(endpoint ? { endpoint } : {}) });
  const secret = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString ?? '';
  let text = secret.trim();
  if (text.startsWith('{')) {
    const parsed = JSON.parse(text) as { url?: unknown };
    text = typeof parsed.url === 'string' ? parsed.url : '';
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AuditError('BAD_INPUT', 'the secret holds no URL (a URL, or JSON {"url": "https://..."})', `secret ${secretId}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new AuditError('BAD_INPUT', `the webhook must be https (got ${url.protocol}//${url.hostname})`, `secret ${secretId}`);
  }
  return url;
}

/** Posts the alert; retried once on 429/5xx or a network error; throws when it was not delivered. */
export async function postWebhook(url: URL, text: string, attempts = 2): Promise<void> {
  const body = JSON.stringify({ text, Content: text });
  let last = '';
  for (let i = 0; i < attempts; i++) {
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000), redirect: 'error' });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
      if (res.status !== 429 && res.status < 500) break;
    } catch (error) {
      last = (error as Error).message;
    }
  }
  throw new Error(`webhook ${url.host} not delivered: ${last}`);
}
