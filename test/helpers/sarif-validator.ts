/**
 * SARIF validation for tests: the official OASIS 2.1.0 schema (draft-04, through ajv-draft-04) and
 * Microsoft's SARIF Multitool with GitHub's ingestion rules (`validate --rule-kind "Gh;Sarif"`).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject } from 'ajv';

const here = dirname(fileURLToPath(import.meta.url));
const SCHEMA_PATH = join(here, '..', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json');

let schemaValidator: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null } | undefined;

/** Validate a SARIF log against the official 2.1.0 schema; returns readable errors (empty = valid). */
export function validateSarifSchema(log: unknown): string[] {
  if (!schemaValidator) {
    // The schema uses "format": "uri" etc.; formats are not what we test here, so they are ignored.
    // ajv-draft-04 is CommonJS; through require its class types and constructs cleanly under NodeNext.
    const Ajv = createRequire(import.meta.url)('ajv-draft-04') as typeof import('ajv-draft-04').default;
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    schemaValidator = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);
  }
  const validate = schemaValidator;
  if (validate(log)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** The Multitool binary; npm 11 skips the package's postinstall chmod, so make it executable here. */
export function multitoolPath(): string {
  const require = createRequire(import.meta.url);
  const bin = join(dirname(require.resolve('@microsoft/sarif-multitool-linux/package.json')), 'Sarif.Multitool');
  if ((statSync(bin).mode & 0o111) !== 0o111) chmodSync(bin, 0o755);
  return bin;
}

export interface MultitoolIssue { ruleId: string; level: string; message: string }

/** Run `sarif-multitool validate --rule-kind "Gh;Sarif"` on a log; returns its error- and warning-level results. */
export function validateSarifWithMultitool(log: unknown): { errors: MultitoolIssue[]; warnings: MultitoolIssue[]; exitCode: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'sarif-validate-'));
  try {
    const input = join(dir, 'input.sarif');
    const output = join(dir, 'validation.sarif');
    writeFileSync(input, typeof log === 'string' ? log : JSON.stringify(log));
    const run = spawnSync(multitoolPath(), ['validate', input, '--rule-kind', 'Gh;Sarif', '--output', output, '--log', 'ForceOverwrite'], {
      encoding: 'utf8', timeout: 120_000,
      // The .NET single-file app wants ICU unless told to run culture-invariant.
      env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
    });
    let report: { runs?: { results?: { ruleId?: string; level?: string; message?: { text?: string; arguments?: string[]; id?: string } }[] }[] };
    try {
      report = JSON.parse(readFileSync(output, 'utf8')) as typeof report;
    } catch {
      throw new Error(`sarif-multitool produced no report (exit ${run.status}): ${run.stderr || run.stdout}`);
    }
    const issues = (report.runs ?? []).flatMap((r) => r.results ?? []).map((r) => ({
      ruleId: r.ruleId ?? '?', level: r.level ?? 'warning',
      message: r.message?.text ?? [r.message?.id, ...(r.message?.arguments ?? [])].filter(Boolean).join(' '),
    }));
    return { errors: issues.filter((i) => i.level === 'error'), warnings: issues.filter((i) => i.level === 'warning'), exitCode: run.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
