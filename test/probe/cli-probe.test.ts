import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { registerProbeCommand } from '../../src/entry/commands/probe.ts';
import { makePki, startSServer, type Pki, type RunningServer } from '../helpers/tls-servers.ts';

async function runCli(args: string[]): Promise<{ out: string; exitCode: number | undefined }> {
  const program = new Command().exitOverride();
  registerProbeCommand(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out += String(chunk); return true; });
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'elb-tls-audit', 'probe', ...args]);
    return { out, exitCode: process.exitCode as number | undefined };
  } finally {
    spy.mockRestore();
    process.exitCode = before;
  }
}

describe('elb-tls-audit probe', () => {
  let pki: Pki;
  let server: RunningServer;
  beforeAll(async () => {
    pki = makePki();
    server = await startSServer(pki, ['-cert', 'leaf.pem', '-key', 'leaf.key', '-cert_chain', 'chain_good.pem']);
  }, 60_000);
  afterAll(async () => { await server.stop(); pki.cleanup(); });

  it('--json prints the DESIGN.md shape, chain in served order', async () => {
    const { out, exitCode } = await runCli([`127.0.0.1:${server.port}`, '--json']);
    const json = JSON.parse(out) as Record<string, any>;
    expect(exitCode).toBeUndefined();
    expect(json.target).toMatchObject({ host: '127.0.0.1', port: server.port, sni: null });
    expect(Object.keys(json.protocols)).toEqual(['SSLv2', 'SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
    expect(json.protocols['TLSv1.3']).toBe(true);
    expect(json.cipherSuites['TLSv1.3']).toContain('TLS_AES_256_GCM_SHA384');
    expect(json.certificates[0].chain.map((c: { subject: string }) => c.subject)).toEqual(['CN=localhost', 'CN=Test Intermediate 2', 'CN=Test Intermediate 1']);
    expect(json.certificates[0].chain[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('prints a readable report, and --connect-to redirects the connection', async () => {
    const { out } = await runCli(['shop.example.invalid', '--connect-to', `shop.example.invalid:443:127.0.0.1:${server.port}`]);
    expect(out).toContain(`shop.example.invalid:443  SNI shop.example.invalid via 127.0.0.1:${server.port}`);
    expect(out).toMatch(/TLSv1\.3\s+offered/);
    expect(out).toMatch(/TLSv1\.0\s+not offered/);
    expect(out).toContain('0  CN=localhost');
  });

  it('exits 3 when the endpoint cannot be probed', async () => {
    const { out, exitCode } = await runCli(['127.0.0.1:1', '--timeout', '300']);
    expect(out).toContain('PROBE FAILED');
    expect(exitCode).toBe(3);
  });

  it('rejects a malformed --connect-to as bad usage', async () => {
    await expect(runCli(['x.test', '--connect-to', 'nonsense'])).rejects.toMatchObject({ code: 'BAD_USAGE' });
  });
});
