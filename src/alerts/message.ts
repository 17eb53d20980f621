/**
 * The short alert text: the verdict, then only what changed since the previous run (new failing findings,
 * resolved ones, completeness), each finding named by rule and resource. Unchanged findings are not listed.
 */
import type { AuditResult, FindingChangeEntry, FindingChanges, VerdictKind } from '../model/finding.ts';

/** The run's verdict, computed by the caller (the one verdict function), never here. */
export type RunVerdict = VerdictKind;

export interface AlertContext {
  verdict: RunVerdict;
  result: Pick<AuditResult, 'complete' | 'summary' | 'scope' | 'profile' | 'version'>;
  /** null on the first run (nothing to compare with) */
  changes: FindingChanges | null;
  /** where the reports are, e.g. s3://bucket/prefix/report.html */
  reportUrl: string;
}

const LISTED = 20;

// Chat services read <...> as links and mentions (<!channel>): names from AWS must not become either.
const chatSafe = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function line(e: FindingChangeEntry): string {
  return `• ${e.severity} ${e.ruleId} · ${e.resource.name} (${e.resource.account}, ${e.resource.region}) — ${e.message}`;
}

function section(title: string, entries: readonly FindingChangeEntry[]): string[] {
  if (entries.length === 0) return [];
  const more = entries.length > LISTED ? [`… and ${entries.length - LISTED} more`] : [];
  return [`${title} (${entries.length}):`, ...entries.slice(0, LISTED).map(line), ...more];
}

const countsLine = (ctx: AlertContext): string => {
  const c = ctx.changes;
  if (c === null) return `first run: ${ctx.result.summary.byStatus.fail} failing`;
  return [c.new.length > 0 ? `${c.new.length} new failing` : '', c.resolved.length > 0 ? `${c.resolved.length} resolved` : ''].filter(Boolean).join(', ') || 'no finding changed';
};

/** What changed, one line per finding (plain text, not escaped): resolved, new failing, completeness. */
export function changeLines(ctx: AlertContext): string[] {
  const c = ctx.changes;
  const lines: string[] = [];
  if (c !== null) {
    lines.push(...section('Resolved', c.resolved), ...section('New failing', c.new));
    if (c.completeness.before !== c.completeness.now) {
      lines.push(c.completeness.now ? 'Completeness: the whole estate was seen again (the previous run was incomplete).' : 'Completeness: INCOMPLETE — part of the estate could not be seen (the previous run saw it all).');
    }
    if (c.undetermined.length > 0) lines.push(`${c.undetermined.length} finding(s) that failed before could not be judged this time (not counted as resolved).`);
  } else if (!ctx.result.complete) lines.push('Completeness: INCOMPLETE — part of the estate could not be seen.');
  return lines;
}

/** The chat message: verdict and counts, scope, what changed, where the report is; escaped for chat markup. */
export function composeAlert(ctx: AlertContext): string {
  const lines = [
    `elb-tls-audit ${ctx.result.version}: ${ctx.verdict.toUpperCase()} · ${countsLine(ctx)}`,
    `Accounts ${ctx.result.scope.accounts.join(', ') || 'unknown'}; regions ${ctx.result.scope.regions.join(', ') || 'none'}; profile ${ctx.result.profile}`,
    ...changeLines(ctx),
    `Report: ${ctx.reportUrl}`,
  ];
  return chatSafe(lines.join('\n'));
}
