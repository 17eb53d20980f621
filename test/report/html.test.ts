/** The HTML report's static guarantees: one file, nothing fetched, every AWS string escaped. */
import { describe, expect, it } from 'vitest';
import { htmlReporter } from '../../src/report/html.ts';
import { escapeHtml, jsonForScript } from '../../src/report/html/escape.ts';
import { buildReportData } from '../../src/report/html/model.ts';
import { buildReportFixture, XSS_SUBJECT, XSS_TAG } from '../fixtures/report/demo-input.ts';

const page = htmlReporter.render(buildReportFixture());

describe('htmlReporter', () => {
  it('is the html reporter writing report.html', () => {
    expect(htmlReporter.format).toBe('html');
    expect(htmlReporter.fileName).toBe('report.html');
  });

  it('references nothing outside the file', () => {
    expect(page).not.toMatch(/<(?:script|link|img|iframe)[^>]+(?:src|href)=/i);
    expect(page).not.toMatch(/@import|(?<![a-z])url\(/i);
    expect(page).toContain("default-src 'none'");
  });

  it('never puts a hostile AWS string into markup or closes the data island', () => {
    expect(page).not.toContain(XSS_TAG);
    expect(page).not.toContain(XSS_SUBJECT);
    expect(page).not.toContain('<script>alert(2)');
    // exactly the two script elements the reporter writes
    expect(page.match(/<script\b/gi)).toHaveLength(2);
    expect(page.match(/<\/script/gi)).toHaveLength(2);
  });

  it('keeps hostile strings as data the page can show as text', () => {
    const island = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '';
    const data = JSON.parse(island) as { v: number; loadBalancers: { c: string[]; v: unknown[] } };
    expect(data.v).toBe(2);
    // a packed table: one list per field (or a dictionary and an index per row when values repeat)
    const column = data.loadBalancers.v[data.loadBalancers.c.indexOf('tags')] as unknown[][] | { d: unknown[][]; i: number[] };
    const tags = Array.isArray(column) ? column[0] : column.d[column.i[0]!];
    expect(tags).toContainEqual(['owner', XSS_TAG]);
  });

  it('interns equal probe views once and never merges two that differ only in where a string splits', () => {
    const input = buildReportFixture();
    const [a, b] = input.snapshot.observations;
    const same = { host: 'h.example', port: 443, sni: null, connectedTo: null };
    const cert = a!.certificates[0]!;
    a!.target = { ...same };
    b!.target = { ...same };
    // the same two strings with the NUL on either side of the boundary between subject and issuer
    a!.certificates = [{ ...cert, chain: [{ ...cert.chain[0]!, subject: 'CN=a\u0000b', issuer: 'CN=c' }] }];
    b!.certificates = [{ ...cert, chain: [{ ...cert.chain[0]!, subject: 'CN=a', issuer: 'b\u0000CN=c' }] }];
    expect(buildReportData(input).served.r).toHaveLength(2);
    b!.certificates = a!.certificates;
    expect(buildReportData(input).served.r).toHaveLength(1);
  });

  it('escapes markup and script-breaking sequences', () => {
    expect(escapeHtml('<a href="x">\'&`')).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#96;');
    expect(jsonForScript({ v: '</script><!--\u2028' })).toBe('{"v":"\\u003c/script\\u003e\\u003c!--\\u2028"}');
  });

  it('is deterministic for the same input', () => {
    expect(htmlReporter.render(buildReportFixture())).toBe(page);
  });
});
