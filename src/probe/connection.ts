/**
 * One probe connection: connect, send a hello, read the server's first flight, hang up.
 * Every way a peer can misbehave ends in a classified outcome within the timeout; the probe
 * never waits on a peer's goodwill.
 */
import net from 'node:net';
import { ALERT_NAMES } from './alerts.ts';
import { FlightParser, type ServerFlight } from './wire.ts';

export type RefusalKind = 'alert' | 'closed' | 'reset' | 'timeout' | 'malformed';

export type HelloOutcome =
  | { kind: 'answered'; flight: ServerFlight }
  | { kind: 'refused'; refusal: RefusalKind; detail: string; alert?: number }
  /** TCP itself failed: the endpoint, not the offer, is the problem. */
  | { kind: 'unreachable'; detail: string };

export interface Dial {
  /** Where the TCP connection goes (after --connect-to). */
  host: string;
  port: number;
  timeoutMs: number;
}

/** Counts connections so callers can report what a probe cost. */
export class ConnectionCounter {
  count = 0;
}


/** Sends one hello and classifies the answer. */
export function sendHello(dial: Dial, hello: Buffer, expectSslv2: boolean, counter: ConnectionCounter): Promise<HelloOutcome> {
  counter.count += 1;
  return new Promise((resolve) => {
    const parser = new FlightParser(expectSslv2);
    let connected = false;
    let settled = false;
    const socket = net.connect({ host: dial.host, port: dial.port });
    const finish = (outcome: HelloOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners('data');
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      finish(connected
        ? { kind: 'refused', refusal: 'timeout', detail: `no complete answer within ${dial.timeoutMs} ms` }
        : { kind: 'unreachable', detail: `TCP connect to ${dial.host}:${dial.port} timed out after ${dial.timeoutMs} ms` });
    }, dial.timeoutMs);
    socket.setNoDelay(true);
    socket.on('connect', () => {
      connected = true;
      socket.write(hello);
    });
    socket.on('data', (chunk: Buffer) => {
      const result = parser.feed(chunk);
      if (result.state === 'done') finish({ kind: 'answered', flight: result.flight });
      else if (result.state === 'alert') {
        finish({ kind: 'refused', refusal: 'alert', alert: result.description, detail: `alert ${result.description} (${ALERT_NAMES[result.description] ?? 'unknown'})` });
      } else if (result.state === 'malformed') finish({ kind: 'refused', refusal: 'malformed', detail: result.detail });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected) finish({ kind: 'unreachable', detail: `TCP connect to ${dial.host}:${dial.port} failed: ${error.code ?? error.message}` });
      else finish({ kind: 'refused', refusal: 'reset', detail: `connection reset (${error.code ?? error.message})` });
    });
    socket.on('close', () => finish({ kind: 'refused', refusal: 'closed', detail: 'connection closed before the handshake answer' }));
  });
}
