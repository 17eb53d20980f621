/**
 * ROBOT (Return Of Bleichenbacher's Oracle Threat, Böck/Somorovsky/Young 2018): five RSA
 * ClientKeyExchange messages whose PKCS#1 v1.5 plaintexts are malformed in different ways, each
 * followed by ChangeCipherSpec and a garbage Finished, as robot-detect and testssl.sh send them.
 * A server that answers them differently leaks whether a ciphertext decrypts to valid padding.
 * A server that asks for a client certificate (mutual TLS) gets an empty Certificate message first, as a
 * client without one sends it; if it refuses that, the key exchange is never reached and ROBOT is unknown.
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

/** An empty client Certificate message (RFC 5246 7.4.6: a client without a suitable certificate sends one). */
const EMPTY_CERTIFICATE = handshakeMessage(11, Buffer.from([0, 0, 0]));

interface Answer { answer: string; certificateRequested: boolean }

/**
 * One connection: the hello, then what `flight` makes of the server's certificate (null: nothing to send),
 * and the server's answer to it: an alert name, a hang-up or silence.
 */
async function answerTo(target: LegacyTarget, suite: number, flight: (certificate: Buffer, certificateRequested: boolean) => Buffer | null): Promise<Answer> {
  const session = new RawSession(target.dial(), target.counter);
  let certificateRequested = false;
  const said = (answer: string): Answer => ({ answer, certificateRequested });
  try {
    if (!(await session.open(buildVulnHello({ version: target.version, suites: [suite], sni: target.sni })))) return said('unreachable');
    const { hello, end } = await session.serverHello();
    const certificate = session.handshakes.find((h) => h.type === 11)?.body;
    certificateRequested = session.handshakes.some((h) => h.type === 13);
    if (!hello || !certificate || certificate.length < 6) return said(`no handshake (${end})`);
    const leaf = certificate.subarray(6, 6 + certificate.readUIntBE(3, 3));
    const bytes = flight(leaf, certificateRequested);
    if (!bytes) return said('no RSA key');
    const before = session.records.length;
    session.send(bytes);
    // A warning alert does not answer the key exchange; the record after it does.
    const answer = (): TlsRecord | undefined => session.records.slice(before).find((r) => r.type !== 21 || endsHandshake(r.fragment));
    const wait = await session.waitFor(() => answer() !== undefined);
    const next = answer();
    if (next?.type === 21) return said(ALERT_NAMES[next.fragment[1] ?? -1] ?? `alert ${next.fragment[1]}`);
    if (next) return said(`record type ${next.type}`);
    return said(wait === 'timeout' ? 'silence' : `connection ${wait}`);
  } finally {
    session.close();
  }
}

/**
 * Whether a server that asked for a client certificate goes on without one: an empty Certificate and then a
 * ChangeCipherSpec where the key exchange belongs. A server that accepted the empty certificate calls the
 * ChangeCipherSpec unexpected; one that requires a certificate refuses the empty one first.
 */
async function emptyCertificateRefusal(target: LegacyTarget, suite: number): Promise<string | null> {
  const { answer } = await answerTo(target, suite, () => Buffer.concat([record(22, target.version, EMPTY_CERTIFICATE), changeCipherSpec(target.version)]));
  return answer === 'unexpected_message' ? null : answer;
}

/** Sends the five key exchanges (twice when they differ, to tell an oracle from noise) and compares the answers. */
export async function checkRobot(target: LegacyTarget, rsaSuite: number | null): Promise<VulnerabilityResult> {
  if (rsaSuite === null) return { status: 'not-vulnerable', detail: 'no RSA key-exchange suite is served' };
  let modulusBytes = 0;
  let certificateRequested = false;
  const round = async (): Promise<string[]> => {
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const got = await answerTo(target, rsaSuite, (der, requested) => {
        const key = new X509Certificate(der).publicKey;
        if (key.asymmetricKeyType !== 'rsa') return null;
        modulusBytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
        const block = robotPlaintexts(modulusBytes, target.version)[i]?.block;
        if (!block) return null;
        const encrypted = publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, block);
        const cke = handshakeMessage(16, target.version === 0x0300 ? encrypted : Buffer.concat([Buffer.from([encrypted.length >> 8, encrypted.length & 0xff]), encrypted]));
        return Buffer.concat([...(requested ? [record(22, target.version, EMPTY_CERTIFICATE)] : []), record(22, target.version, cke),
          changeCipherSpec(target.version), record(22, target.version, randomBytes(48))]);
      });
      certificateRequested ||= got.certificateRequested;
      answers.push(got.answer);
    }
    return answers;
  };
  const names = robotPlaintexts(256, target.version).map((p) => p.name);
  const describe = (answers: string[]): string => answers.map((a, i) => `${names[i]}: ${a}`).join('; ');
  const first = await round();
  const broken = first.find((a) => a === 'unreachable' || a === 'no RSA key' || a.startsWith('no handshake'));
  if (broken) return { status: 'unknown', detail: `RSA key exchange with ${target.protocol} could not be tried: ${broken}` };
  if (certificateRequested) {
    const refusal = await emptyCertificateRefusal(target, rsaSuite);
    if (refusal !== null) {
      return { status: 'unknown', detail: `the server requires a client certificate (it answered an empty one with ${refusal}), so the RSA key exchange cannot be reached without one` };
    }
  }
  if (new Set(first).size === 1) return { status: 'not-vulnerable', detail: `five differently malformed RSA key exchanges (${modulusBytes * 8}-bit key) all got ${first[0]}` };
  const second = await round();
  if (second.every((a, i) => a === first[i])) {
    return { status: 'vulnerable', detail: `the answer depends on the PKCS#1 padding of the RSA key exchange (a Bleichenbacher oracle): ${describe(first)}` };
  }
  return { status: 'unknown', detail: `answers to malformed RSA key exchanges differ but not reproducibly: ${describe(first)} / then ${describe(second)}` };
}
