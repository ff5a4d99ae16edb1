/**
 * The faults a test hands the sandbox POP3 server (lambda/cli/sandbox/pop3-fault-hooks.ts): `fault.*`
 * builds what a hook returns, `split.*` how output shaping cuts every reply.
 */
import type { Pop3Fault, ReplySplitter } from '../../../lambda/cli/sandbox/pop3-fault-hooks.js';

const asReply = (data: string | Buffer): Buffer =>
  Buffer.isBuffer(data) ? data : Buffer.from(/\n$/.test(data) ? data : `${data}\r\n`);

export const fault = {
  /** A string gets CRLF appended unless it already ends with LF; a Buffer is sent as is. */
  reply: (data: string | Buffer, options: { close?: boolean } = {}): Pop3Fault => ({
    kind: 'reply',
    data: asReply(data),
    close: options.close ?? false,
  }),
  delay: (ms: number): Pop3Fault => ({ kind: 'delay', ms }),
  cutAfter: (afterBytes: number): Pop3Fault => ({ kind: 'cut', afterBytes }),
  rewrite: (map: (reply: Buffer) => Buffer): Pop3Fault => ({ kind: 'rewrite', map }),
  drop: (options: { reset?: boolean } = {}): Pop3Fault => ({
    kind: 'drop',
    reset: options.reset ?? true,
  }),
  silence: (): Pop3Fault => ({ kind: 'silence' }),
  drip: (everyMs: number, bytes = 1): Pop3Fault => ({ kind: 'drip', everyMs, bytes }),
  stream: (chunks: () => AsyncIterable<Buffer>): Pop3Fault => ({ kind: 'stream', chunks }),
} as const;

const cutAt = (reply: Buffer, offsets: readonly number[]): Buffer[] => {
  const points = [
    ...new Set(
      offsets
        .map((offset) => (offset < 0 ? reply.length + offset : offset))
        .filter((offset) => offset > 0 && offset < reply.length),
    ),
  ].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let start = 0;
  for (const point of [...points, reply.length]) {
    pieces.push(reply.subarray(start, point));
    start = point;
  }
  return pieces;
};

/** Ready-made splitters. Chunk boundaries are best effort at the receiver (TCP may coalesce). */
export const split = {
  /** Pieces of `size` bytes (1 = byte by byte). */
  bytes:
    (size: number): ReplySplitter =>
    (reply) =>
      cutAt(
        reply,
        Array.from({ length: Math.ceil(reply.length / size) }, (_, index) => index * size),
      ),
  /** Cut at these offsets; negative offsets count from the end (`at(-2)` splits `.` from CRLF). */
  at:
    (...offsets: number[]): ReplySplitter =>
    (reply) =>
      cutAt(reply, offsets),
  /** Every line its own chunk, so a lone `.\r\n` line and the terminator are exact chunks. */
  lines: (): ReplySplitter => (reply) => {
    const offsets: number[] = [];
    for (let lf = reply.indexOf(0x0a); lf !== -1; lf = reply.indexOf(0x0a, lf + 1)) {
      offsets.push(lf + 1);
    }
    return cutAt(reply, offsets);
  },
  /** Apply `splitter` only to replies to these commands. */
  only:
    (commands: readonly string[], splitter: ReplySplitter): ReplySplitter =>
    (reply, command) =>
      commands.includes(command) ? splitter(reply, command) : [reply],
} as const;
