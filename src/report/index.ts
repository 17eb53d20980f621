/** Writes the requested reports into one folder, each file whole or not at all. */
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-file.ts';
import { jsonReporter } from './json.ts';
import { markdownReporter } from './markdown.ts';
import type { Reporter, ReportFormat, ReportInput } from './reporter.ts';
import { sarifReporter } from './sarif.ts';

const registry: Partial<Record<ReportFormat, Reporter>> = { json: jsonReporter, sarif: sarifReporter, md: markdownReporter };

/** Registers a reporter (the HTML reporter registers itself from its module). */
export function registerReporter(reporter: Reporter): void {
  registry[reporter.format] = reporter;
}

export const ALL_FORMATS: readonly ReportFormat[] = ['sarif', 'html', 'json', 'md'];

/** Renders every format first, then writes them, so a rendering error leaves no half-written set. */
export function writeReports(input: ReportInput, outDir: string, formats: readonly ReportFormat[]): string[] {
  const rendered = formats.map((format) => {
    const reporter = registry[format];
    if (!reporter) throw new Error(`no reporter for format ${format}`);
    return { path: join(outDir, reporter.fileName), content: reporter.render(input) };
  });
  for (const file of rendered) writeFileAtomic(file.path, file.content);
  return rendered.map((f) => f.path);
}
