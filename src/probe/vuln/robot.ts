/**
 * ROBOT (Return Of Bleichenbacher's Oracle Threat, Böck/Somorovsky/Young 2018): five RSA
 * ClientKeyExchange messages whose PKCS#1 v1.5 plaintexts are malformed in different ways, each
 * followed by ChangeCipherSpec and a garbage Finished, as robot-detect and testssl.sh send them.
 * A server that answers them differently leaks whether a ciphertext decrypts to valid padding.
 */
import { constants, publicEncrypt, randomBytes, X509Certificate } from 'node:crypto';
import type { VulnerabilityResult } from '../../model/snapshot.ts';
import { ALERT_NAMES, endsHandshake } from '../alerts.ts';
import type { LegacyTarget } from './handshake-checks.ts';
import { buildVulnHello, changeCipherSpec, handshakeMessage, record } from './hello.ts';
import { RawSession, type TlsRecord } from './session.ts';

/** Random bytes none of which is zero (PKCS#1 v1.5 padding string). */
function nonZero(length: number): Buffer {
  const out = randomBytes(length);
  for (let i = 0; i < out.length; i++) while (out[i] === 0) out[i] = randomBytes(1)[0] ?? 1;
  return out;
}

/** The five plaintexts of the ROBOT paper, each exactly `k` bytes (the modulus length). */
export function robotPlaintexts(k: number, version: number): { name: string; block: Buffer }[] {
  const pms = randomBytes(46);
  const pad = nonZero(k - 3 - 48);
  const v = Buffer.from([version >> 8, version & 0xff]);
  return [
    { name: 'well-formed', block: Buffer.concat([Buffer.from([0, 2]), pad, Buffer.from([0]), v, pms]) },
    { name: 'wrong first bytes', block: Buffer.concat([Buffer.from([0x41, 0x17]), pad, Buffer.from([0]), v, pms]) },
    { name: '0x00 in the wrong place', block: Buffer.concat([Buffer.from([0, 2]), pad, Buffer.from([0x11]), pms, Buffer.from([0, 0x11])]) },
    { name: 'no 0x00 separator', block: Buffer.concat([Buffer.from([0, 2]), pad, Buffer.from([0x11, 0x11, 0x11]), pms]) },
    { name: 'wrong version', block: Buffer.concat([Buffer.from([0, 2]), pad, Buffer.from([0, 2, 2]), pms]) },
  ];
}

/** What the server did after one key exchange: an alert name, a hang-up or silence. */
async function answerTo(target: LegacyTarget, suite: number, encrypt: (certificate: Buffer) => Buffer | null): Promise<string> {
  const session = new RawSession(target.dial(), target.counter);
  try {
    if (!(await session.open(buildVulnHello({ version: target.version, suites: [suite], sni: target.sni })))) return 'unreachable';
    const { hello, end } = await session.serverHello();
    const certificate = session.handshakes.find((h) => h.type === 11)?.body;
    if (!hello || !certificate || certificate.length < 6) return `no handshake (${end})`;
    const leaf = certificate.subarray(6, 6 + certificate.readUIntBE(3, 3));
    const encrypted = encrypt(leaf);
    if (!encrypted) return 'no RSA key';
    const cke = handshakeMessage(16, target.version === 0x0300 ? encrypted : Buffer.concat([Buffer.from([encrypted.length >> 8, encrypted.length & 0xff]), encrypted]));
    const before = session.records.length;
    session.send(Buffer.concat([record(22, target.version, cke), changeCipherSpec(target.version), record(22, target.version, randomBytes(48))]));
    // A warning alert does not answer the key exchange; the record after it does.
    const answer = (): TlsRecord | undefined => session.records.slice(before).find((r) => r.type !== 21 || endsHandshake(r.fragment));
    const wait = await session.waitFor(() => answer() !== undefined);
    const next = answer();
    if (next?.type === 21) return ALERT_NAMES[next.fragment[1] ?? -1] ?? `alert ${next.fragment[1]}`;
    if (next) return `record type ${next.type}`;
    return wait === 'timeout' ? 'silence' : `connection ${wait}`;
  } finally {
    session.close();
  }
}

/** Sends the five key exchanges (twice when they differ, to tell an oracle from noise) and compares the answers. */
export async function checkRobot(target: LegacyTarget, rsaSuite: number | null): Promise<VulnerabilityResult> {
  if (rsaSuite === null) return { status: 'not-vulnerable', detail: 'no RSA key-exchange suite is served' };
  let modulusBytes = 0;
  const round = async (): Promise<string[]> => {
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      answers.push(await answerTo(target, rsaSuite, (der) => {
        const key = new X509Certificate(der).publicKey;
        if (key.asymmetricKeyType !== 'rsa') return null;
        modulusBytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
        const block = robotPlaintexts(modulusBytes, target.version)[i]?.block;
        return block ? publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, block) : null;
      }));
    }
    return answers;
  };
  const names = robotPlaintexts(256, target.version).map((p) => p.name);
  const describe = (answers: string[]): string => answers.map((a, i) => `${names[i]}: ${a}`).join('; ');
  const first = await round();
  const broken = first.find((a) => a === 'unreachable' || a === 'no RSA key' || a.startsWith('no handshake'));
  if (broken) return { status: 'unknown', detail: `RSA key exchange with ${target.protocol} could not be tried: ${broken}` };
  if (new Set(first).size === 1) return { status: 'not-vulnerable', detail: `five differently malformed RSA key exchanges (${modulusBytes * 8}-bit key) all got ${first[0]}` };
  const second = await round();
  if (second.every((a, i) => a === first[i])) {
    return { status: 'vulnerable', detail: `the answer depends on the PKCS#1 padding of the RSA key exchange (a Bleichenbacher oracle): ${describe(first)}` };
  }
  return { status: 'unknown', detail: `answers to malformed RSA key exchanges differ but not reproducibly: ${describe(first)} / then ${describe(second)}` };
}
