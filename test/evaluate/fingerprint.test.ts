import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../src/evaluate/index.ts';

/** The fingerprint as documented: two-lane FNV-1a over `account|region|arn|ruleId`, each lane as 8 hex digits, then ":1". */
function reference(ruleId: string, r: { account: string; region: string; arn: string }): string {
  const text = `${r.account}|${r.region}|${r.arn}|${ruleId}`;
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0xcbf29ce4 | 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h1 >>> 15);
  }
  const hex = (h: number) => (h >>> 0).toString(16).padStart(8, '0');
  return `${hex(h1)}${hex(h2)}:1`;
}

describe('finding fingerprints', () => {
  // Baselines and SARIF results are matched by fingerprint across versions: these values must never change.
  it('keep the values earlier versions wrote', () => {
    expect(fingerprintOf('listener-weak-protocol', {
      account: '123456789012', region: 'eu-west-1',
      arn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2',
    })).toBe('97681d41d13698b8:1');
    expect(fingerprintOf('r', { account: '', region: '', arn: 'é€😀' })).toBe('71c1724353e23bb2:1');
  });

  it('equal the hash of the joined text for any resource, separators and non-ASCII included', () => {
    const parts = ['', '|', '||', 'a|b', '123456789012', 'eu-west-1', 'global', 'é', '€', '😀', '\u0000', 'x'.repeat(300)];
    for (const account of parts) for (const region of parts.slice(0, 6)) for (const arn of parts) {
      const resource = { account, region, arn };
      expect(fingerprintOf('rule-id', resource)).toBe(reference('rule-id', resource));
    }
  });

  // Consecutive subjects that share an ARN prefix reuse its hash state: any order, any change of account or region.
  it('do not depend on the subject hashed before', () => {
    const arns = ['a/b', 'a/c', 'a/', 'a/b/c', 'a/b/d', '/x', '/', 'a', 'a/bc', 'ab/c', 'a/b/c/', 'é/😀', 'é/x'];
    const accounts = ['1', '2', ''];
    const regions = ['eu-west-1', 'us-east-1'];
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    for (let i = 0; i < 3000; i++) {
      const resource = { account: accounts[next(3)]!, region: regions[next(2)]!, arn: `${next(2) === 0 ? 'arn:aws:x:' : ''}${arns[next(arns.length)]!}` };
      const ruleId = `rule-${next(4)}`;
      expect(fingerprintOf(ruleId, resource)).toBe(reference(ruleId, resource));
    }
  });
});
