/** Splitting PEM text into certificate blocks, with hard caps so hostile input cannot cost much. */

/** Inputs larger than this are refused before any parsing (a long real chain is ~10 KiB). */
export const MAX_PEM_CHARS = 256 * 1024;
/** More certificates than this in one body + chain are refused; real chains have 2 to 5. */
export const MAX_CHAIN_CERTIFICATES = 16;

export type PemSplit = { ok: true; blocks: Buffer[] } | { ok: false; error: string };

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Split PEM text into DER buffers of its CERTIFICATE blocks; anything else in it is an error. */
export function splitPemCertificates(text: string, label: string): PemSplit {
  if (text.length > MAX_PEM_CHARS) return { ok: false, error: `${label}: ${text.length} characters, more than the ${MAX_PEM_CHARS} analysed` };
  // Count markers first: a 200-certificate chain is refused without decoding any of it.
  const markers = text.match(/-----BEGIN /g)?.length ?? 0;
  if (markers > MAX_CHAIN_CERTIFICATES) {
    return { ok: false, error: `${label}: ${markers} PEM blocks, more than the ${MAX_CHAIN_CERTIFICATES} certificates analysed` };
  }
  const blocks: Buffer[] = [];
  let outside = '';
  let last = 0;
  for (const match of text.matchAll(BLOCK)) {
    outside += text.slice(last, match.index);
    last = match.index + match[0].length;
    const kind = match[1] ?? '';
    if (kind !== 'CERTIFICATE' && kind !== 'TRUSTED CERTIFICATE') {
      return { ok: false, error: `${label}: block ${blocks.length + 1} is a ${kind}, not a CERTIFICATE` };
    }
    const body = (match[2] ?? '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) {
      return { ok: false, error: `${label}: block ${blocks.length + 1} is not valid base64` };
    }
    blocks.push(Buffer.from(body, 'base64'));
  }
  outside += text.slice(last);
  if (outside.includes('-----BEGIN') || outside.includes('-----END')) {
    return { ok: false, error: `${label}: unterminated or mismatched PEM block` };
  }
  if (blocks.length === 0 && outside.trim() !== '') return { ok: false, error: `${label}: no PEM certificate found` };
  return { ok: true, blocks };
}

/** DER back to PEM (64-character lines), e.g. for anchors handed on to other tools. */
export function derToPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
