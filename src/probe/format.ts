/** Renders a ProbeObservation for people (the CLI) and for machines (probe --json). */
import type { ProbeObservation } from '../model/snapshot.ts';
import { TLS_PROTOCOLS } from '../model/snapshot.ts';
import { escapeTerminal } from '../text/escape-terminal.ts';

/** The JSON shape DESIGN.md promises for `probe --json`, plus the rest of the observation. */
export function probeJson(o: ProbeObservation): Record<string, unknown> {
  return {
    target: o.target,
    status: o.status,
    reason: o.reason,
    protocols: o.protocols,
    cipherSuites: o.cipherSuites,
    serverCipherOrder: o.serverCipherOrder,
    groups: o.groups,
    dhBits: o.dhBits,
    dhBitsWithFfdhe: o.dhBitsWithFfdhe ?? null,
    chachaPriority: o.chachaPriority ?? null,
    incomplete: o.incomplete ?? [],
    ...(o.vulnerabilities ? { vulnerabilities: o.vulnerabilities } : {}),
    certificates: o.certificates.map((c) => ({
      sni: c.sni, protocol: c.protocol, keyType: c.keyType, ocspStapled: c.ocspStapled,
      chain: c.chain.map(({ subject, issuer, sha256 }) => ({ subject, issuer, sha256 })),
    })),
    notes: o.notes,
    connections: o.connections,
    durationMs: o.durationMs,
  };
}

const mark = (v: boolean | null): string => (v === null ? 'not determined' : v ? 'offered' : 'not offered');
const colonHex = (hex: string): string => hex.toUpperCase().replace(/(..)(?=.)/g, '$1:');

/** A report a person can read top to bottom. */
export function probeText(o: ProbeObservation): string {
  const lines: string[] = [];
  const via = o.target.connectedTo ? ` via ${o.target.connectedTo}` : '';
  lines.push(`${o.target.host}:${o.target.port}  SNI ${o.target.sni ?? '(none)'}${via}`);
  lines.push(`${o.connections} connections in ${o.durationMs} ms`);
  if (o.status !== 'ok') {
    lines.push('', `PROBE FAILED: ${o.reason ?? 'unknown reason'}`);
    return lines.map(escapeTerminal).join('\n');
  }
  lines.push('', 'Protocols');
  for (const p of TLS_PROTOCOLS) lines.push(`  ${p.padEnd(8)} ${mark(o.protocols[p])}`);
  const chacha = o.chachaPriority ? ', ChaCha20 first for clients that prefer it' : '';
  const order = o.serverCipherOrder === null ? 'unknown' : o.serverCipherOrder ? `server's${chacha}` : "client's";
  lines.push('', `Cipher suites (order: ${order}${o.serverCipherOrder ? ', listed in server preference' : ''})`);
  for (const p of [...TLS_PROTOCOLS].reverse()) {
    const suites = o.cipherSuites[p];
    if (!suites?.length) continue;
    lines.push(`  ${p}`);
    for (const s of suites) lines.push(`    ${s}`);
  }
  lines.push('', 'Key exchange');
  lines.push(`  groups  ${o.groups.length ? o.groups.join(', ') : '(none seen)'}`);
  const withFfdhe = o.dhBitsWithFfdhe != null && o.dhBitsWithFfdhe !== o.dhBits ? `; ${o.dhBitsWithFfdhe} bits to clients listing ffdhe groups` : '';
  lines.push(`  DH      ${o.dhBits === null ? '(no DHE)' : `${o.dhBits} bits${withFfdhe}`}`);
  lines.push('', 'Certificates (as served, in order)');
  for (const c of o.certificates) {
    const ocsp = c.ocspStapled === null ? 'unknown' : c.ocspStapled ? 'yes' : 'no';
    lines.push(`  SNI ${c.sni ?? '(none)'}  ${c.protocol ?? ''}  ${c.keyType ?? ''} key  OCSP stapled: ${ocsp}`);
    c.chain.forEach((cert, i) => {
      lines.push(`    ${i}  ${cert.subject}`);
      lines.push(`       issuer ${cert.issuer}`);
      lines.push(`       sha256 ${colonHex(cert.sha256)}`);
    });
  }
  if (o.vulnerabilities) {
    lines.push('', 'Vulnerabilities');
    for (const [check, r] of Object.entries(o.vulnerabilities)) lines.push(`  ${check.padEnd(20)} ${r.status.toUpperCase().padEnd(14)} ${r.detail}`);
  }
  if (o.notes.length) lines.push('', 'Notes', ...o.notes.map((n) => `  ${n}`));
  const unknown = o.incomplete ?? [];
  if (unknown.length) lines.push('', 'NOT DETERMINED (the result is incomplete)', ...unknown.map((u) => `  ${u.field}: ${u.reason}`));
  // Subjects, issuers and notes come from the server: never let them drive the terminal.
  return lines.map(escapeTerminal).join('\n');
}
