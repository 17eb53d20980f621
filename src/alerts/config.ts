/** The Lambda's alert settings, read from its environment (names in template.yaml and docs/lambda.md). */
import { AuditError } from '../model/errors.ts';

export interface AlertConfig {
  /** import findings into the function account's Security Hub (SECURITY_HUB=true) */
  securityHub: boolean;
  /** the hub's region (SECURITY_HUB_REGION, default AWS_REGION) */
  securityHubRegion: string;
  /** Secrets Manager secret (name or ARN) holding the webhook URL (WEBHOOK_SECRET_ID) */
  webhookSecretId: string | null;
  /** NOTIFY=changes (default): SNS and webhook only when something changed; always: every run */
  notify: 'changes' | 'always';
}

/** Reads and checks the alert variables; a bad value names the variable. */
export function readAlertConfig(env: NodeJS.ProcessEnv = process.env): AlertConfig {
  const get = (name: string): string => (env[name] ?? '').trim();
  const securityHub = get('SECURITY_HUB') || 'false';
  if (securityHub !== 'true' && securityHub !== 'false') throw new AuditError('BAD_USAGE', `"${securityHub}" is not true or false`, 'SECURITY_HUB');
  const notify = get('NOTIFY') || 'changes';
  if (notify !== 'changes' && notify !== 'always') throw new AuditError('BAD_USAGE', `"${notify}" is not changes or always`, 'NOTIFY');
  const region = get('SECURITY_HUB_REGION') || get('AWS_REGION') || 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new AuditError('BAD_USAGE', `"${region}" is not a region name`, 'SECURITY_HUB_REGION');
  return { securityHub: securityHub === 'true', securityHubRegion: region, webhookSecretId: get('WEBHOOK_SECRET_ID') || null, notify };
}
