/** The checkpoint format on its own: answers survive the file exactly, and a bad file is refused with its name. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAnswer, encodeAnswer, keepableAnswers, makeCheckpoint, parseCheckpoint, readCheckpoint, serialiseCheckpoint, type CheckpointScope } from '../../src/collect/checkpoint.ts';

const SCOPE: CheckpointScope = { account: '123456789012', regions: ['us-east-1'], homeRegion: 'us-east-1', allCertificates: false, alsoFetchCertificates: [], pageSizeLimit: null };

describe('checkpoint answers', () => {
  it('round-trips what SDK answers hold: Dates, byte arrays, Buffers, undefined, odd numbers, a $tag key; $metadata is dropped', () => {
    const answer = {
      $metadata: { httpStatusCode: 200, requestId: 'r-1' },
      Certificate: { NotAfter: new Date('2027-01-02T03:04:05.678Z'), Serial: 12n, Missing: undefined },
      Blob: new Uint8Array([0, 1, 254, 255]),
      Downloaded: Buffer.from('-----BEGIN CERTIFICATE-----\n'),
      Numbers: [1.5, Number.NaN, Number.POSITIVE_INFINITY, -0],
      Nested: { $tag: 'not a tag', $metadata: 'kept below the top level' },
    };
    const back = decodeAnswer(JSON.parse(JSON.stringify(encodeAnswer(answer)))) as typeof answer;
    const { $metadata: _dropped, ...expected } = answer;
    expect(back).toStrictEqual(expected);
    expect(back.Certificate.NotAfter).toBeInstanceOf(Date);
    expect(Buffer.isBuffer(back.Downloaded)).toBe(true);
    expect(Buffer.isBuffer(back.Blob)).toBe(false);
    expect(Object.is(back.Numbers[3], -0)).toBe(true);
    expect('Missing' in back.Certificate).toBe(true);
  });

  it('leaves out an answer it cannot write faithfully, so that call is simply made again', () => {
    class Stream {}
    const checkpoint = makeCheckpoint(SCOPE, '2026-11-21T12:00:00.000Z', '1.0.0', [['acm|us-east-1|GetCertificate|{}', { Body: new Stream() }], ['acm|us-east-1|ListCertificates|{}', { CertificateSummaryList: [] }]]);
    expect(checkpoint.entries.map(([key]) => key)).toEqual(['acm|us-east-1|ListCertificates|{}']);
  });

  it('keeps a pre-signed Location only together with its download (the URL expires; a resume asks for a fresh one)', () => {
    const locate = (arn: string): string => `elbv2|eu-west-1|GetTrustStoreCaCertificatesBundle|${JSON.stringify({ TrustStoreArn: arn })}`;
    const url = (n: number): string => `https://bucket.s3.amazonaws.com/bundle-${n}.pem?X-Amz-Signature=abc|def`;
    const kept = keepableAnswers([
      [locate('ts-1'), { Location: url(1) }],
      [`elbv2|eu-west-1|GetTrustStoreCaCertificatesBundle(download)|${JSON.stringify({ url: url(1) })}`, Buffer.from('pem')],
      [locate('ts-2'), { Location: url(2) }],
      ['elbv2|eu-west-1|DescribeTrustStores|{}', { TrustStores: [] }],
    ]);
    expect([...kept.keys()]).toEqual([locate('ts-1'), `elbv2|eu-west-1|GetTrustStoreCaCertificatesBundle(download)|${JSON.stringify({ url: url(1) })}`, 'elbv2|eu-west-1|DescribeTrustStores|{}']);
  });

  it('refuses a truncated, foreign, newer or malformed file, naming the file and the problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'checkpoint-'));
    const good = serialiseCheckpoint(makeCheckpoint(SCOPE, '2026-11-21T12:00:00.000Z', '1.0.0', [['sts|us-east-1|GetCallerIdentity|{}', { Account: '123456789012' }]]));
    expect(parseCheckpoint(good, 'good.json').entries).toHaveLength(1);
    const file = (name: string, text: string): string => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    const truncated = file('truncated.json', good.slice(0, good.length - 20));
    expect(() => readCheckpoint(truncated)).toThrow(`${truncated}: not valid JSON (a truncated or damaged checkpoint?)`);
    expect(() => readCheckpoint(join(dir, 'absent.json'))).toThrow(`${join(dir, 'absent.json')}: cannot read the checkpoint: ENOENT`);
    const value = JSON.parse(good) as Record<string, unknown>;
    expect(() => parseCheckpoint(JSON.stringify({ ...value, format: 'snapshot' }), 'f.json')).toThrow('f.json: not an elb-tls-audit checkpoint (format is "snapshot"');
    expect(() => parseCheckpoint(JSON.stringify({ ...value, version: 2 }), 'f.json')).toThrow('f.json: checkpoint version 2 is not supported (this tool reads version 1)');
    expect(() => parseCheckpoint(JSON.stringify({ ...value, entries: [['no-key-shape', {}]] }), 'f.json')).toThrow(/f\.json: invalid checkpoint: \/entries\/0\/0 must match pattern/);
    expect(() => parseCheckpoint(JSON.stringify({ ...value, entries: [['acm|r|Op|{}', { $tag: 'date', value: 'yesterday' }]] }), 'f.json')).toThrow('f.json: entry 0 (acm|r|Op|{}): $tag "date" has a bad value "yesterday"');
    expect(() => parseCheckpoint(good, 'f.json', '9.9.9')).toThrow('f.json: written by elb-tls-audit 1.0.0, this is 9.9.9: start a new collection');
  });
});
