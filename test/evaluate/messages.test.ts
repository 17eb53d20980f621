// Message templates (src/evaluate/messages.ts): a compiled template must say exactly what renderMessage says,
// with and without the per-run memo, for every kind of placeholder: a facts path (present, absent, under null
// or a non-object), a params value, a filter with a fixed argument, a filter whose argument is read from the
// facts, and names that are not identifiers or try to break out of their string.
import { describe, expect, it } from 'vitest';
import { compileMessage, MessageMemo, renderMessage } from '../../src/evaluate/messages.ts';

const params = { min: 'TLSv1.2', bar: { minBits: 128 }, ports: [22, 3389], name: 'fixed' };

const templates = [
  'HTTPS listener {{name}}:{{port}} uses {{policy.name}}',
  '{{policy.protocols | below:params.min}} below {{params.min}}; {{policy.protocols | count}} in all',
  '{{missing}} / {{policy.missing.deeper}} / {{nothing.at.all}} / {{port.toFixed}}',
  '{{list}} and {{empty}} and {{object}} and {{flag}} and {{nul}}',
  '{{policy.protocols | below:minimum}} (argument read from the facts, or its literal text)',
  '{{params.name}} is fixed; {{params.ports | join}} too; {{params.ports | count:port}} reads the facts',
  '{{a-b.c d}} {{weird}}',
  'no placeholder at all',
];

const subjects: Record<string, unknown>[] = [
  { name: 'alb-1', port: 443, policy: { name: 'P1', protocols: ['TLSv1', 'TLSv1.2'] }, list: ['x', 'y'], empty: [], object: { k: 1 }, flag: false, nul: null, minimum: 'TLSv1.1', 'a-b': { 'c d': 'odd' }, weird: 'ok' },
  { name: 'nlb-2', port: '8443', policy: null, list: [], empty: [], object: null, flag: true, nul: undefined },
  { name: 'x"]; globalThis.pwned = 1; f["', port: 0, policy: { name: '\u2028', protocols: 'TLSv1' }, minimum: null },
  {},
];

describe('message templates', () => {
  it('render the same text with or without the memo, and as renderMessage does', () => {
    const memo = new MessageMemo();
    for (const template of templates) {
      const compiled = compileMessage(template, params);
      for (const facts of subjects) {
        const reference = compiled.render(facts);
        // Twice with one memo: the second time from what the memo kept.
        expect(compiled.render(facts, memo)).toBe(reference);
        expect(compiled.render(facts, memo)).toBe(reference);
        expect(renderMessage(template, facts, params)).toBe(reference);
      }
    }
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });

  it('say what a reader expects for each kind of value', () => {
    const facts = subjects[0]!;
    expect(renderMessage(templates[0]!, facts, params)).toBe('HTTPS listener alb-1:443 uses P1');
    expect(renderMessage(templates[1]!, facts, params)).toBe('TLSv1 below TLSv1.2; 2 in all');
    expect(renderMessage(templates[2]!, facts, params)).toBe('unknown / unknown / unknown / unknown');
    expect(renderMessage(templates[3]!, facts, params)).toBe('x, y and none and {"k":1} and false and unknown');
    expect(renderMessage(templates[6]!, facts, params)).toBe('odd ok');
    expect(compileMessage(templates[7]!, params).constant).toBe('no placeholder at all');
  });
});
