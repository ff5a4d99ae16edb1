import type { Connection } from '../connection.js';
import type { Pop3MessageStream } from '../message-stream.js';
import { retr, type SizeGuard } from './retr.js';

/** A message to fetch: its number and the size LIST gave (what the pipeline window counts). */
export interface Retrieval {
  readonly n: number;
  readonly size: number;
}

/**
 * RETRs `messages` in order, keeping up to the pipeline window in flight. Give each stream to a
 * consumer (pipe or read it) or destroy it before asking for the next; the next is handed out
 * once the previous reply is read off the wire, while its consumer may still be finishing.
 * `shouldIssue` is asked before each new RETR is sent; once it says no, nothing more is
 * requested and what is in flight is still handed out.
 */
export async function* retrieve(
  connection: Connection,
  messages: readonly Retrieval[],
  shouldIssue: (message: Retrieval) => boolean = () => true,
  guard?: SizeGuard,
): AsyncGenerator<Pop3MessageStream, void, undefined> {
  const ahead: Array<{ stream: Pop3MessageStream; size: number }> = [];
  let next = 0;
  let bytesAhead = 0;
  const fill = () => {
    while (next < messages.length) {
      const message = messages[next] as Retrieval;
      const room =
        ahead.length === 0 ||
        (connection.pipelining &&
          ahead.length < connection.pipeline.maxInFlight &&
          bytesAhead + message.size <= connection.pipeline.maxInFlightBytes);
      if (!room) return;
      if (!shouldIssue(message)) {
        next = messages.length;
        return;
      }
      ahead.push({ stream: retr(connection, message.n, guard), size: message.size });
      bytesAhead += message.size;
      next += 1;
    }
  };
  try {
    fill();
    while (ahead.length > 0) {
      const item = ahead[0] as { stream: Pop3MessageStream; size: number };
      yield item.stream;
      // A stream nobody took is drained; one a consumer holds (maybe paused by backpressure) is
      // left to it: resuming that would read past the consumer's buffers.
      if (item.stream.readableFlowing === null && !item.stream.destroyed) item.stream.resume();
      await item.stream.complete;
      ahead.shift();
      bytesAhead -= item.size;
      fill();
    }
  } finally {
    // Abandoned early: drain what is in flight so the session stays usable for DELE and QUIT.
    for (const item of ahead) if (!item.stream.destroyed) item.stream.resume();
  }
}
