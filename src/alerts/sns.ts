/** The SNS summary: the run in five lines, then what changed since the previous run. */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { AuditResult } from '../model/finding.ts';
import { changeLines, type AlertContext } from './message.ts';

type SummaryContext = AlertContext & { result: AuditResult; bucket: string; prefix: string };

/** The SNS subject and message of a run: the verdict in the words of every other output, then the changes. */
export function snsSummary(ctx: SummaryContext): { subject: string; message: string } {
  const r = ctx.result;
  const severities = Object.entries(r.summary.bySeverity).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
  const message = [
    `elb-tls-audit ${r.version}: ${r.verdict.headline}`,
    ...r.verdict.unseen.causes.map((c) => `  ${c}`),
    ...(r.verdict.emptyScopes.length > 0 ? [`Held nothing: ${r.verdict.emptyScopes.map((e) => `${e.account}/${e.region}`).join(', ')}`] : []),
    `Profile ${r.profile}; accounts ${r.scope.accounts.join(', ') || 'unknown'}; regions ${r.scope.regions.join(', ') || 'none'}`,
    `Resources: ${r.summary.resources.loadBalancers} load balancers, ${r.summary.resources.listeners} listeners, ${r.summary.resources.certificates} certificates`,
    `Findings: ${r.summary.byStatus.fail} fail, ${r.summary.byStatus.error} error, ${r.summary.byStatus.waived} waived; failing by severity: ${severities}`,
    ...(ctx.changes ? [`Since the previous run: ${ctx.changes.new.length} new failing, ${ctx.changes.resolved.length} resolved, ${ctx.changes.unchanged} unchanged`, ...changeLines(ctx)] : []),
    `Reports: s3://${ctx.bucket}/${ctx.prefix}/report.html (and summary.md, findings.json, results.sarif, snapshot.json)`,
  ].join('\n');
  const subject = `elb-tls-audit ${ctx.verdict}: ${r.summary.byStatus.fail} failing, ${r.summary.byStatus.error} errors`.slice(0, 100);
  return { subject, message };
}

/** Publishes the run summary to a topic. */
export async function publishSummary(topicArn: string, ctx: SummaryContext): Promise<void> {
  const { subject, message } = snsSummary(ctx);
  await new SNSClient({}).send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }));
}
