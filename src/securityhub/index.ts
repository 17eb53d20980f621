/** Security Hub import for the CLI (--security-hub) and the Lambda: the hub of the caller's account in one region. */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AuditResult } from '../model/finding.ts';
import type { RuleDefinition } from '../model/rule.ts';
import { partitionOf, type AsffProduct } from '../report/asff.ts';
import { securityHubClient, syncSecurityHub, type SecurityHubReport } from './sync.ts';

export { syncSecurityHub, securityHubClient, type SecurityHubReport } from './sync.ts';

/** The caller's default product in a region: findings are imported into the hub of the credentials' account. */
export async function callerProduct(region: string, env: NodeJS.ProcessEnv = process.env): Promise<AsffProduct> {
  const endpoint = env['AWS_ENDPOINT_URL_STS'] ?? env['AWS_ENDPOINT_URL'];
  const me = await new STSClient({ region, ...(endpoint ? { endpoint } : {}) }).send(new GetCallerIdentityCommand({}));
  return { account: me.Account ?? '', region, partition: partitionOf(me.Arn ?? '') };
}

/** Imports a run into the caller's Security Hub in `region` and archives what it fixed. */
export async function importToSecurityHub(result: AuditResult, rules: readonly RuleDefinition[], region: string, env: NodeJS.ProcessEnv = process.env): Promise<SecurityHubReport> {
  const product = await callerProduct(region, env);
  return syncSecurityHub(result, rules, { client: securityHubClient(region, env), product });
}

/** One line per outcome, for the CLI and the logs. */
export function describeSecurityHubReport(r: SecurityHubReport): string[] {
  const lines = [`Security Hub ${r.region}: ${r.imported} imported, ${r.archived.length} archived as resolved, ${r.failed.length} refused`];
  for (const f of r.failed.slice(0, 20)) lines.push(`  refused ${f.id}: ${f.code} ${f.message}`);
  if (r.failed.length > 20) lines.push(`  … and ${r.failed.length - 20} more`);
  if (r.workflow.status === 'failed') lines.push(`  Workflow RESOLVED not set by BatchUpdateFindings: ${r.workflow.message ?? ''}`);
  return lines;
}
