/** Writes the requested reports into one folder as one set: the previous set or the new one, never a mix. */
import { writeFileSet } from '../io/file-set.ts';
import { asffReporter } from './asff.ts';
import { csvReporter } from './csv.ts';
import { jsonReporter } from './json.ts';
import { markdownReporter } from './markdown.ts';
import type { Reporter, ReportFormat, ReportInput } from './reporter.ts';
import { ocsfReporter } from './ocsf.ts';
import { sarifReporter } from './sarif.ts';

const registry: Partial<Record<ReportFormat, Reporter>> = {
  json: jsonReporter,
  sarif: sarifReporter,
  md: markdownReporter,
  asff: asffReporter,
  ocsf: ocsfReporter,
  csv: csvReporter,
};

/** Registers a reporter (the HTML reporter registers itself from its module). */
export function registerReporter(reporter: Reporter): void {
  registry[reporter.format] = reporter;
}

/** What is written when no --format is given. */
export const ALL_FORMATS: readonly ReportFormat[] = ['sarif', 'html', 'json', 'md'];
/** Every format --format accepts. */
export const KNOWN_FORMATS: readonly ReportFormat[] = [...ALL_FORMATS, 'asff', 'ocsf', 'csv'];

/** Renders one format to a string (the CLI's --out -). */
export function renderReport(input: ReportInput, format: ReportFormat): string {
  const reporter = registry[format];
  if (!reporter) throw new Error(`no reporter for format ${format}`);
  return reporter.render(input);
}

/** Renders every format first, then swaps the whole set into outDir; a failure at any point leaves the previous set. */
export async function writeReports(input: ReportInput, outDir: string, formats: readonly ReportFormat[], where = '--out'): Promise<string[]> {
  // SARIF first: summary.md states what results.sarif had to leave out, which only rendering it knows.
  const order = [...formats].sort((a, b) => Number(b === 'sarif') - Number(a === 'sarif'));
  const byFormat = new Map(order.map((format) => {
    const reporter = registry[format];
    if (!reporter) throw new Error(`no reporter for format ${format}`);
    return [format, { name: reporter.fileName, content: reporter.render(input) }] as const;
  }));
  const rendered = formats.map((format) => byFormat.get(format)!);
  const setNames = Object.values(registry).map((r) => r.fileName);
  return writeFileSet(outDir, rendered, setNames, where);
}
