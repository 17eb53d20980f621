/** Turns served DER certificates into the snapshot's ServedCertificate records. */
import { createHash, X509Certificate } from 'node:crypto';
import type { ServedCertificate } from '../model/snapshot.ts';

/** Node prints distinguished names one attribute per line; the report wants one line. */
function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

/** Subject, issuer, SHA-256 and PEM of one served certificate; garbage DER is kept, labelled as such. */
export function describeCertificate(der: Buffer): ServedCertificate {
  const sha256 = createHash('sha256').update(der).digest('hex');
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  try {
    const x509 = new X509Certificate(der);
    return { subject: oneLine(x509.subject), issuer: oneLine(x509.issuer), sha256, pem };
  } catch {
    return { subject: '(unparseable certificate)', issuer: '(unparseable certificate)', sha256, pem };
  }
}

/** The leaf's public key type (rsa, ec, ed25519, ...), or null when it cannot be read. */
export function leafKeyType(der: Buffer | undefined): string | null {
  if (!der) return null;
  try {
    return new X509Certificate(der).publicKey.asymmetricKeyType ?? null;
  } catch {
    return null;
  }
}

/** SHA-256 (hex) of the DER inside each PEM block, in file order. */
export function pemFingerprints(pem: string | null): string[] {
  if (!pem) return [];
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => {
    const b64 = block.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
    return createHash('sha256').update(Buffer.from(b64, 'base64')).digest('hex');
  });
}
