/**
 * A throw-away test PKI built with the system `openssl` (Debian OpenSSL 3): roots, intermediates and
 * leaves with chosen key types, digests and validity windows. Used by the X.509 tests and by any test
 * that needs a TLS server with a real chain (the probe's `openssl s_server` / Node `tls` servers).
 * `openssl ca` is used rather than `x509 -req` because OpenSSL 3.0 cannot set arbitrary start dates
 * otherwise, and expired / not-yet-valid certificates are part of what we test.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type TestKeySpec = 'rsa-1024' | 'rsa-2048' | 'rsa-3072' | 'ec-p256' | 'ec-p384' | 'ed25519';

export interface TestCertificate {
  /** Common name, also the file stem. */
  name: string;
  pem: string;
  keyPem: string;
  certPath: string;
  keyPath: string;
  /** The key type of this certificate's subject key. */
  key: TestKeySpec;
}

export interface IssueOptions {
  /** Common name; must be unique within one TestPki (it names the files). */
  cn: string;
  /** The issuing CA; omit for a self-signed certificate. */
  issuer?: TestCertificate;
  ca?: boolean;
  pathLen?: number;
  key?: TestKeySpec;
  /** Reuse another certificate's key and subject (cross-signing, re-issuance). */
  sameKeyAs?: TestCertificate;
  digest?: 'sha256' | 'sha384' | 'sha1';
  /** DNS names for subjectAltName (leaves default to [cn]). */
  dnsNames?: string[];
  /** Validity relative to TestPki.now, in days (fractions allowed). Defaults: -1 .. +365. */
  notBeforeDays?: number;
  notAfterDays?: number;
  /** Extra openssl extension lines, e.g. 'tlsfeature = status_request'. */
  extraExtensions?: string[];
  /** Leave out subjectKeyIdentifier / authorityKeyIdentifier (old-style certificates). */
  omitKeyIdentifiers?: boolean;
}

const KEY_ARGS: Record<TestKeySpec, string[]> = {
  'rsa-1024': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'],
  'rsa-2048': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  'rsa-3072': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072'],
  'ec-p256': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  'ec-p384': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  ed25519: ['-algorithm', 'ED25519'],
};

/** openssl ca wants YYYYMMDDHHMMSSZ (GeneralizedTime works for every year). */
function opensslTime(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

const DAY_MS = 86_400_000;

/** A temporary PKI directory; call cleanup() in afterAll. */
export class TestPki {
  readonly dir: string;
  /** The reference time every validity offset is relative to (pass it as asOf). */
  readonly now: Date;
  private serial = 0x1000;

  constructor(options: { now?: Date; dir?: string } = {}) {
    this.now = new Date(Math.floor((options.now ?? new Date()).getTime() / 1000) * 1000);
    this.dir = options.dir ?? mkdtempSync(join(tmpdir(), 'elb-tls-audit-pki-'));
    mkdirSync(join(this.dir, 'issued'), { recursive: true });
    writeFileSync(join(this.dir, 'index.txt'), '');
    writeFileSync(join(this.dir, 'ca.cnf'), CA_CONFIG);
  }

  /** A self-signed root CA. */
  root(cn: string, options: Omit<IssueOptions, 'cn' | 'issuer'> = {}): TestCertificate {
    return this.issue({ ca: true, key: 'ec-p256', ...options, cn });
  }

  /** An intermediate CA issued by `issuer`. */
  intermediate(cn: string, issuer: TestCertificate, options: Omit<IssueOptions, 'cn' | 'issuer'> = {}): TestCertificate {
    return this.issue({ ca: true, key: 'ec-p256', ...options, cn, issuer });
  }

  /** A TLS server leaf issued by `issuer` (or self-signed when issuer is null). */
  leaf(cn: string, issuer: TestCertificate | null, options: Omit<IssueOptions, 'cn' | 'issuer'> = {}): TestCertificate {
    return this.issue({ ca: false, key: 'ec-p256', ...options, cn, ...(issuer ? { issuer } : {}) });
  }

  /** Issue one certificate with full control over key, digest, validity and extensions. */
  issue(options: IssueOptions): TestCertificate {
    const stem = options.cn.replace(/[^A-Za-z0-9.-]/g, '_');
    const keyPath = join(this.dir, `${stem}.key`);
    const csrPath = join(this.dir, `${stem}.csr`);
    const certPath = join(this.dir, `${stem}.crt`);
    const extPath = join(this.dir, `${stem}.ext`);
    const subject = options.sameKeyAs ? subjectOf(options.sameKeyAs) : `/CN=${options.cn}`;
    if (options.sameKeyAs) writeFileSync(keyPath, options.sameKeyAs.keyPem);
    else openssl(['genpkey', ...KEY_ARGS[options.key ?? 'ec-p256'], '-out', keyPath]);
    openssl(['req', '-new', '-key', keyPath, '-subj', subject, '-out', csrPath]);
    writeFileSync(extPath, extensionSection(options));

    const start = new Date(this.now.getTime() + (options.notBeforeDays ?? -1) * DAY_MS);
    const end = new Date(this.now.getTime() + (options.notAfterDays ?? 365) * DAY_MS);
    this.serial += 1;
    writeFileSync(join(this.dir, 'serial'), `${this.serial.toString(16).toUpperCase()}\n`);
    const key = options.sameKeyAs?.key ?? options.key ?? 'ec-p256';
    // Ed25519 signers take no digest; what matters is the signer's key, not the subject's.
    const isEd = (options.issuer?.key ?? key) === 'ed25519';
    const args = ['ca', '-config', join(this.dir, 'ca.cnf'), '-batch', '-notext', '-in', csrPath, '-out', certPath,
      '-startdate', opensslTime(start), '-enddate', opensslTime(end), '-extfile', extPath, '-extensions', 'ext',
      '-subj', subject, '-preserveDN', '-md', isEd ? 'default' : (options.digest ?? 'sha256')];
    if (options.issuer) args.push('-cert', options.issuer.certPath, '-keyfile', options.issuer.keyPath);
    else args.push('-selfsign', '-keyfile', keyPath);
    openssl(args, this.dir);
    return { name: options.cn, pem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(keyPath, 'utf8'), certPath, keyPath, key };
  }

  /** Remove the directory. */
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Concatenate PEMs in the given order (a chain file as a server would send it). */
export function pemBundle(certs: readonly TestCertificate[]): string {
  return certs.map((c) => c.pem.trim()).join('\n') + '\n';
}

function extensionSection(options: IssueOptions): string {
  const lines = ['[ext]'];
  if (options.ca) {
    lines.push(`basicConstraints = critical, CA:TRUE${options.pathLen === undefined ? '' : `, pathlen:${options.pathLen}`}`);
    lines.push('keyUsage = critical, keyCertSign, cRLSign, digitalSignature');
  } else {
    lines.push('basicConstraints = critical, CA:FALSE');
    lines.push('keyUsage = critical, digitalSignature, keyEncipherment');
    lines.push('extendedKeyUsage = serverAuth, clientAuth');
    const names = options.dnsNames ?? [options.cn];
    if (names.length > 0) lines.push(`subjectAltName = ${names.map((n) => `DNS:${n}`).join(', ')}`);
  }
  if (!options.omitKeyIdentifiers) {
    lines.push('subjectKeyIdentifier = hash');
    if (options.issuer) lines.push('authorityKeyIdentifier = keyid:always');
  } else {
    lines.push('subjectKeyIdentifier = none', 'authorityKeyIdentifier = none');
  }
  lines.push(...(options.extraExtensions ?? []));
  return lines.join('\n') + '\n';
}

function subjectOf(cert: TestCertificate): string {
  return openssl(['x509', '-in', cert.certPath, '-noout', '-subject', '-nameopt', 'compat']).replace(/^subject=/, '').trim();
}

function openssl(args: string[], cwd?: string): string {
  try {
    return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim()}`, { cause: error });
  }
}

// policy_anything + unique_subject=no: cross-signs and re-issues reuse a subject on purpose.
const CA_CONFIG = `
[ca]
default_ca = test_ca
[test_ca]
dir = .
database = ./index.txt
new_certs_dir = ./issued
serial = ./serial
policy = policy_anything
unique_subject = no
email_in_dn = no
copy_extensions = none
default_md = sha256
[policy_anything]
commonName = supplied
organizationName = optional
countryName = optional
`;
