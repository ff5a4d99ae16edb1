import { PopfwdError } from '../../errors.js';
import { buildCommand, positiveInteger, type WireCommand } from '../command.js';
import { type Connection, Pop3State } from '../connection.js';
import { errorForReply } from '../errors.js';
import { LF_ONLY_MESSAGE, type StatusLine } from '../framing.js';
import { Pop3MessageStream } from '../message-stream.js';

/**
 * Asked as each chunk of a RETR/TOP reply arrives, with the reply's bytes so far. An error stops
 * the reply: the rest of it cannot be skipped safely, so the connection is dropped.
 */
export type SizeGuard = (n: number, received: number) => PopfwdError | null;

/**
 * One RETR or TOP reply as a stream of its exact bytes, handed out before the reply arrives. A
 * full stream pauses the socket (backpressure reaches the server); a stream its consumer
 * destroyed is read on to its end and discarded, so the session stays in step.
 */
const fetchMessage = (
  connection: Connection,
  command: WireCommand,
  n: number,
  guard?: SizeGuard,
): Pop3MessageStream => {
  // Said before asking: its messages would fail anyway, and none of them is to blame.
  if (connection.parser.sawBareLf) throw new PopfwdError('EPROTOCOL', LF_ONLY_MESSAGE);
  const stream = new Pop3MessageStream(
    n,
    () => connection.resume(),
    () => connection.resume(),
  );
  let received = 0;
  connection.send(command, {
    kind: 'multi',
    verb: command.verb,
    pipelinable: true,
    literalFirstLine: connection.unstuffedFirstLine,
    onStatus: (status: StatusLine) => {
      if (status.ok) {
        const octets = /^(\d+)/.exec(status.text);
        stream.announcedSize = octets ? Number(octets[1]) : null;
        return;
      }
      connection.done();
      const error = errorForReply(command.logLine, status.text, 'ECOMMAND');
      stream.destroy(error);
      stream.finish();
    },
    onData: (chunk) => {
      received += chunk.length;
      // Thrown out of the parser: the session fails before this chunk reaches anyone.
      const stop = guard?.(n, received);
      if (stop) throw stop;
      if (stream.destroyed) return; // the consumer gave up: read on to stay in step, discard
      if (!stream.push(chunk)) connection.pause();
    },
    onEnd: () => {
      connection.done();
      if (!stream.destroyed) stream.push(null);
      stream.finish();
    },
    fail: (error) => {
      stream.destroy(error);
      stream.finish(error);
    },
  });
  return stream;
};

/** RETR: the whole message as a stream of its exact bytes; `guard` may stop an oversized one. */
export const retr = (connection: Connection, n: number, guard?: SizeGuard): Pop3MessageStream => {
  positiveInteger(n, 'message number');
  connection.require(Pop3State.TRANSACTION, 'RETR');
  return fetchMessage(connection, buildCommand('RETR', [n]), n, guard);
};

/** TOP (RFC 1939): the header and the first `lines` body lines. */
export const top = (connection: Connection, n: number, lines: number): Pop3MessageStream => {
  positiveInteger(n, 'message number');
  if (!Number.isSafeInteger(lines) || lines < 0)
    throw new PopfwdError('EARGUMENT', 'TOP line count must be ≥ 0');
  connection.require(Pop3State.TRANSACTION, 'TOP');
  return fetchMessage(connection, buildCommand('TOP', [n, lines]), n);
};
