import type { ErrorCode } from '../errors.js';
import type { WireCommand } from './command.js';
import type { Connection } from './connection.js';
import { errorForReply } from './errors.js';
import type { RawLine } from './listing.js';

/**
 * The reply shapes most commands share, as promises. Each registers its handler before the
 * command is written (Connection.send) and releases the line (`done`) as soon as its reply is
 * complete, so the next command may go out. RETR/TOP (commands/retr.ts), the greeting and STLS
 * have handlers of their own.
 */

/** A one-line reply: its +OK text, or the -ERR as an error (`fallback` unless a code says more). */
export const simpleRequest = (
  connection: Connection,
  command: WireCommand,
  fallback: ErrorCode,
  pipelinable = false,
): Promise<string> =>
  new Promise((resolve, reject) => {
    connection.send(command, {
      kind: 'single',
      verb: command.verb,
      pipelinable,
      onStatus: (status) => {
        connection.done();
        if (status.ok) resolve(status.text);
        else reject(errorForReply(command.logLine, status.text, fallback));
      },
      fail: reject,
    });
  });

/** A listing (CAPA, LIST, UIDL): its lines, each capped, after +OK. */
export const listingRequest = (
  connection: Connection,
  command: WireCommand,
  fallback: ErrorCode,
  pipelinable = false,
): Promise<RawLine[]> =>
  new Promise((resolve, reject) => {
    const lines: RawLine[] = [];
    connection.send(command, {
      kind: 'lines',
      verb: command.verb,
      pipelinable,
      onStatus: (status) => {
        if (status.ok) return;
        connection.done();
        reject(errorForReply(command.logLine, status.text, fallback));
      },
      onLine: (bytes, length) => lines.push({ bytes, length }),
      onEnd: () => {
        connection.done();
        resolve(lines);
      },
      fail: reject,
    });
  });

export type SaslReply = { readonly type: 'ok' | 'err' | 'continue'; readonly text: string };

/** SASL step: one command, answered by +OK, -ERR or a "+ " continuation. */
export const saslRequest = (connection: Connection, command: WireCommand): Promise<SaslReply> =>
  new Promise((resolve, reject) => {
    connection.send(command, {
      kind: 'sasl',
      verb: command.verb,
      pipelinable: false,
      onStatus: (status) => {
        connection.done();
        resolve({ type: status.ok ? 'ok' : 'err', text: status.text });
      },
      onContinuation: (text) => {
        connection.done();
        resolve({ type: 'continue', text });
      },
      fail: reject,
    });
  });
