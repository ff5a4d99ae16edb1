/**
 * Fault injection for the sandbox POP3 server: what a test may make the server do instead of (or
 * on top of) the correct thing. One union, built with `fault.*`, returned from a hook per command
 * or given for the greeting; output shaping (chunking, pacing) applies to everything written.
 */

export type Pop3State = 'AUTHORIZATION' | 'TRANSACTION' | 'UPDATE';

export type Pop3Fault =
  /** Send these bytes instead of handling the command; then go on, or close gracefully. */
  | { readonly kind: 'reply'; readonly data: Buffer; readonly close: boolean }
  /** Handle the command normally after a pause. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Handle the command normally; reset the connection after this many bytes of its replies. */
  | { readonly kind: 'cut'; readonly afterBytes: number }
  /** Handle the command normally, sending `map(reply)` instead of each reply. */
  | { readonly kind: 'rewrite'; readonly map: (reply: Buffer) => Buffer }
  /** Close the connection without a reply: TCP reset, or a graceful FIN. */
  | { readonly kind: 'drop'; readonly reset: boolean }
  /** Never answer again; the connection stays open until the client (or close()) ends it. */
  | { readonly kind: 'silence' }
  /** Handle the command normally, writing its replies `bytes` at a time, `everyMs` apart. */
  | { readonly kind: 'drip'; readonly everyMs: number; readonly bytes: number }
  /**
   * Send what `chunks` yields instead of handling the command, for as long as it yields and the
   * client reads (e.g. a RETR that never ends); then go on.
   */
  | { readonly kind: 'stream'; readonly chunks: () => AsyncIterable<Buffer> };

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

/** What a command hook learns about a command. PASS and AUTH payloads arrive masked. */
export interface Pop3CommandInfo {
  /** 1-based, in the order the server accepted connections. */
  readonly session: number;
  /** 1-based position of this command in its session. */
  readonly sequence: number;
  /** Upper-case keyword, e.g. `RETR`. */
  readonly name: string;
  readonly args: readonly string[];
  /** The command line as the transcript records it. */
  readonly line: string;
  readonly state: Pop3State;
  /** From USER or a successful AUTH; null before. */
  readonly user: string | null;
  readonly secure: boolean;
}

export type Pop3CommandHook = (
  command: Pop3CommandInfo,
) => Pop3Fault | undefined | Promise<Pop3Fault | undefined>;

/** Cuts one reply into the chunks to write; `command` is the keyword, or `GREETING`. */
export type ReplySplitter = (reply: Buffer, command: string) => readonly Buffer[];

export interface Pop3OutputShaping {
  /** Write every reply in these pieces (each its own socket write, paced by delayMs). */
  readonly split?: ReplySplitter;
  /** Pause after every chunk written. @default 1 when split is set, else 0 */
  readonly delayMs?: number;
}

export interface Pop3Faults {
  /** Replaces the normal `+OK` greeting (e.g. `fault.reply('-ERR busy', { close: true })`). */
  readonly greeting?: Pop3Fault;
  /** Asked before every command line; `undefined` means handle it normally. */
  readonly onCommand?: Pop3CommandHook;
  readonly output?: Pop3OutputShaping;
  /**
   * Plaintext sent in the same write right after `+OK` to STLS, before the handshake (STARTTLS
   * response injection). A correct client discards it.
   */
  readonly stlsInjection?: string | Buffer;
}

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
