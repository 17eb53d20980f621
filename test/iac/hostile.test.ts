/**
 * Hostile and broken inputs: each is exit 2 with a message naming the file and the place, and no report is
 * written. The CLI runs in-process (main(), as the bin does) to keep the suite fast; one case spawns the real bin.
 */
import { existsSync, mkdtempSync, writeFileSync, openSync, ftruncateSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/entry/cli.ts';
import { runCli } from '../helpers/cli.ts';
import { MAX_SOURCE_BYTES } from '../../src/iac/document.ts';

const dir = mkdtempSync(join(tmpdir(), 'iac-hostile-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const listener = (extra: string) => `Resources:
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/x/1
      Port: 443
      Protocol: HTTPS
${extra}
      DefaultActions:
        - Type: fixed-response
`;

const cases: { name: string; path: () => string; message: RegExp }[] = [
  { name: 'a template that is not YAML', path: () => write('broken.yaml', 'Resources:\n  A: [1, 2\n  B: {\n'), message: /broken\.yaml:\d+: not valid YAML\/JSON/ },
  { name: 'JSON with a syntax error', path: () => write('broken.json', '{\n  "Resources": {\n    "A": { "Type": "AWS::IAM::ServerCertificate", }\n  ,,\n}\n'), message: /broken\.json:\d+: not valid YAML\/JSON/ },
  { name: 'an unknown short-form intrinsic', path: () => write('tag.yaml', listener('      SslPolicy: !Frobnicate Policy')), message: /tag\.yaml:8: unknown intrinsic function tag !Frobnicate/ },
  { name: 'an unknown long-form intrinsic', path: () => write('fn.yaml', listener('      SslPolicy:\n        Fn::Frobnicate: [a, b]')), message: /fn\.yaml:9 \(Resources\/Listener\/Properties\/SslPolicy\/Fn::Frobnicate\): unknown intrinsic function Fn::Frobnicate/ },
  { name: 'circular conditions', path: () => write('circular.yaml', `Conditions:\n  A: !Condition B\n  B: !Not [!Condition A]\n${listener('      SslPolicy: !If [A, x, y]')}`), message: /circular\.yaml:\d+ \(Conditions\/[AB]\): circular condition/ },
  { name: 'a Ref to nothing', path: () => write('dangling.yaml', listener('      SslPolicy: !Ref Nowhere')), message: /dangling\.yaml:8 \(Resources\/Listener\/Properties\/SslPolicy\/Ref\): Ref to "Nowhere"/ },
  { name: 'a YAML alias (CloudFormation rejects them)', path: () => write('alias.yaml', `x: &a [1]\n${listener('      SslPolicy: *a')}`), message: /alias\.yaml:9: YAML aliases are not allowed/ },
  { name: 'a file that is none of the formats', path: () => write('other.json', '{"hello": "world"}'), message: /other\.json: neither a CloudFormation\/SAM template/ },
  { name: 'a plan of an unsupported format_version', path: () => write('plan.json', JSON.stringify({ format_version: '2.0', planned_values: {} })), message: /plan\.json \(format_version\): plan format_version 2\.0 is not supported/ },
  { name: 'HCL that does not parse', path: () => { write('plan-ok.json', JSON.stringify({ format_version: '1.2', planned_values: { root_module: {} } })); return write('bad.tf', 'resource "aws_lb" "x" {\n  name = "x"\n  subnets = [\n}\n'); }, message: /bad\.tf:\d+: not valid HCL/ },
  { name: 'a path that does not exist', path: () => join(dir, 'missing.yaml'), message: /missing\.yaml: no such file or folder/ },
  { name: 'a file over the size limit', path: () => { const p = join(dir, 'huge.yaml'); const fd = openSync(p, 'w'); ftruncateSync(fd, MAX_SOURCE_BYTES + 1); closeSync(fd); return p; }, message: /huge\.yaml: file is \d+ bytes, more than/ },
];

/** main() in-process with stdout/stderr captured. */
async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { stderr += String(chunk); return true; });
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  process.exitCode = undefined;
  try {
    return { code: await main(args), stderr };
  } finally {
    err.mockRestore();
    out.mockRestore();
    process.exitCode = undefined;
  }
}

describe('iac: hostile inputs', () => {
  it('the real bin: exit 2 for a file that is not YAML, naming file and line', () => {
    const out = join(dir, 'out-spawned');
    const run = runCli(['iac', write('spawned.yaml', 'Resources: [\n'), '--out', out]);
    expect(run.stderr).toMatch(/spawned\.yaml:\d+: not valid YAML\/JSON/);
    expect(run.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it.each(cases)('$name: exit 2 naming the file and place, nothing written', async ({ path, message }) => {
    const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
    const p = path();
    const args = p.endsWith('.tf') ? [join(dir, 'plan-ok.json'), p] : [p];
    const run = await cli(['iac', ...args, '--out', out]);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('deep nesting is refused, not expanded', async () => {
    const deep = write('deep.yaml', listener(`      SslPolicy: ${'{"Fn::Join": ["", ['.repeat(80)}"x"${']]}'.repeat(80)}`));
    const run = await cli(['iac', deep, '--out', join(dir, 'deep-out')]);
    expect(run.stderr).toMatch(/deep\.yaml:8 .*nested deeper than 64/);
    expect(run.code).toBe(2);
  });
});
