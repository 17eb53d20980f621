import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A leaf with its private key and the chain that issued it (intermediate, then root). */
export interface IssuedChain {
  leafPem: string;
  keyPem: string;
  chainPem: string;
  intermediatePem: string;
  rootPem: string;
}

/** Makes root -> intermediate -> leaf certificate chains with the system openssl, one temp folder per call. */
export function issueChain(commonName: string): IssuedChain {
  const dir = mkdtempSync(join(tmpdir(), 'collect-pki-'));
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  try {
    writeFileSync(join(dir, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
    writeFileSync(join(dir, 'leaf.ext'), `basicConstraints=CA:FALSE\nsubjectAltName=DNS:${commonName}\nextendedKeyUsage=serverAuth\n`);
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'root.key', '-out', 'root.pem', '-days', '3650', '-subj', '/CN=Collect Test Root', '-addext', 'basicConstraints=critical,CA:TRUE']);
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/CN=Collect Test Intermediate']);
    run(['x509', '-req', '-in', 'int.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-out', 'int.pem', '-days', '1825', '-extfile', 'ca.ext']);
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', `/CN=${commonName}`]);
    run(['x509', '-req', '-in', 'leaf.csr', '-CA', 'int.pem', '-CAkey', 'int.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '365', '-extfile', 'leaf.ext']);
    const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
    const intermediatePem = read('int.pem');
    const rootPem = read('root.pem');
    return { leafPem: read('leaf.pem'), keyPem: read('leaf.key'), chainPem: intermediatePem + rootPem, intermediatePem, rootPem };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
