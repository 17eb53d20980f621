/**
 * Alerts from a stored run, by configuration: Security Hub import (every run: it is state, not news),
 * then SNS and the webhook — only when something changed since the previous run unless NOTIFY=always.
 * Each channel's outcome is reported; one failing channel does not stop the others.
 */
import type { AuditResult } from '../model/finding.ts';
import type { RuleDefinition } from '../model/rule.ts';
import { hasChanges } from '../report/changes.ts';
import { describeSecurityHubReport, importToSecurityHub, type SecurityHubReport } from '../securityhub/index.ts';
import type { AlertConfig } from './config.ts';
import { composeAlert, type RunVerdict } from './message.ts';
import { publishSummary } from './sns.ts';
import { postWebhook, webhookUrlFromSecret } from './webhook.ts';

export { readAlertConfig, type AlertConfig } from './config.ts';
export { readPreviousRun } from './previous-run.ts';
export type { RunVerdict } from './message.ts';

export type ChannelOutcome = { status: 'sent' | 'skipped'; reason?: string } | { status: 'failed'; reason: string };

export interface AlertOutcome {
  /** whether the run differs from the previous one (true on the first run) */
  changed: boolean;
  securityHub: (SecurityHubReport & { status: 'sent' }) | { status: 'skipped' | 'failed'; reason: string };
  sns: ChannelOutcome;
  webhook: ChannelOutcome;
}

export interface AlertInput {
  config: AlertConfig;
  snsTopicArn: string | null;
  result: AuditResult;
  rules: readonly RuleDefinition[];
  verdict: RunVerdict;
  bucket: string;
  prefix: string;
  log?: (line: string) => void;
}

const failed = (error: unknown): { status: 'failed'; reason: string } => ({ status: 'failed', reason: (error as Error).message });

/** Sends what the configuration asks for and says what happened on each channel. */
export async function deliverAlerts(input: AlertInput): Promise<AlertOutcome> {
  const log = input.log ?? (() => {});
  const changes = input.result.changes ?? null;
  const changed = changes === null || hasChanges(changes);
  const notify = changed || input.config.notify === 'always';
  const reason = 'nothing changed since the previous run';
  const ctx = { verdict: input.verdict, result: input.result, changes, reportUrl: `s3://${input.bucket}/${input.prefix}/report.html` };

  let securityHub: AlertOutcome['securityHub'] = { status: 'skipped', reason: 'SECURITY_HUB is not true' };
  if (input.config.securityHub) {
    try {
      const report = await importToSecurityHub(input.result, input.rules, input.config.securityHubRegion);
      for (const l of describeSecurityHubReport(report)) log(l);
      securityHub = { status: 'sent', ...report };
    } catch (error) {
      securityHub = failed(error);
    }
  }

  let sns: ChannelOutcome = { status: 'skipped', reason: input.snsTopicArn === null ? 'SNS_TOPIC_ARN is not set' : reason };
  if (input.snsTopicArn !== null && notify) {
    try {
      await publishSummary(input.snsTopicArn, { ...ctx, bucket: input.bucket, prefix: input.prefix });
      sns = { status: 'sent' };
    } catch (error) {
      sns = failed(error);
    }
  }

  let webhook: ChannelOutcome = { status: 'skipped', reason: input.config.webhookSecretId === null ? 'WEBHOOK_SECRET_ID is not set' : reason };
  if (input.config.webhookSecretId !== null && notify) {
    try {
      await postWebhook(await webhookUrlFromSecret(input.config.webhookSecretId), composeAlert(ctx));
      webhook = { status: 'sent' };
    } catch (error) {
      webhook = failed(error);
    }
  }
  for (const [channel, outcome] of Object.entries({ securityHub, sns, webhook })) {
    if (outcome.status === 'failed') log(`alert channel ${channel} failed: ${'reason' in outcome ? outcome.reason : ''}`);
  }
  return { changed, securityHub, sns, webhook };
}
