import type { Command } from 'commander';
import { defaultRulesDir } from '../../evaluate/paths.ts';
import { loadRules } from '../../evaluate/rule-loader.ts';
import { testRules } from '../../evaluate/rule-tester.ts';
import { renderRulesDoc } from '../../evaluate/rules-doc.ts';
import { AuditError } from '../../model/errors.ts';
import { writeFileAtomic } from '../../io/atomic-file.ts';

/** `rules list | show ID | test [DIR] | docs`. */
export function registerRulesCommand(program: Command): void {
  const rules = program.command('rules').description('inspect, test and document the rule catalogue');
  rules.command('list').description('every rule with its subject, category, severity and controls').option('--json', 'machine-readable').action((flags: { json?: boolean }) => {
    const all = loadRules(defaultRulesDir());
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(all.map(({ id, subject, category, severity, title, controls }) => ({ id, subject, category, severity, title, controls })), null, 2)}\n`);
      return;
    }
    const width = Math.max(...all.map((r) => r.id.length));
    for (const r of all) {
      const controls = Object.entries(r.controls).map(([f, ids]) => `${f}:${ids.join('/')}`).join(' ');
      process.stdout.write(`${r.id.padEnd(width)}  ${r.severity.padEnd(8)} ${r.category.padEnd(22)} ${r.subject.padEnd(12)} ${controls}\n`);
    }
    process.stdout.write(`${all.length} rules\n`);
  });
  rules.command('show <id>').description('one rule in full').action((id: string) => {
    const rule = loadRules(defaultRulesDir()).find((r) => r.id === id);
    if (!rule) throw new AuditError('BAD_USAGE', `no rule "${id}" (see: elb-tls-audit rules list)`, 'rules show');
    process.stdout.write(`${JSON.stringify(rule, null, 2)}\n`);
  });
  rules.command('test [dir]').description('validate rule files and run each rule\'s examples through the evaluator').action(async (dir?: string) => {
    const results = await testRules(loadRules(dir ?? defaultRulesDir()));
    const failed = results.filter((r) => !r.ok);
    for (const r of failed) process.stdout.write(`FAIL ${r.ruleId} ${r.example}: ${r.problem}\n`);
    process.stdout.write(`${results.length - failed.length} passed, ${failed.length} failed\n`);
    if (failed.length > 0) process.exitCode = 1;
  });
  rules.command('docs').description('write docs/rules.md from the rule metadata').option('--out <file>', 'where to write', 'docs/rules.md').action((flags: { out: string }) => {
    writeFileAtomic(flags.out, renderRulesDoc(loadRules(defaultRulesDir())));
    process.stdout.write(`wrote ${flags.out}\n`);
  });
}
