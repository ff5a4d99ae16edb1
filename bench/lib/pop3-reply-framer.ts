/**
 * Where each POP3 reply ends in a server's byte stream, for a proxy that sits between a client and
 * the server (bench/lib/pop3-command-proxy.ts). The proxy tells the framer what each client line
 * expects back, in order; the framer passes the server's bytes through, reports every finished
 * reply, and may rewrite the CAPA list. Pure: bytes in, bytes out, no sockets.
 *
 * RFC 1939 decides the shape from the command alone: after `+OK`, CAPA, RETR, TOP, and LIST, UIDL
 * or AUTH without an argument are multi-line, ended by `.` on a line of its own; every other reply
 * is one line. A SASL exchange (RFC 5034) answers with `+ challenge` lines, and the client's next
 * line is its response rather than a command. Enough for a benchmark between real servers and
 * real clients; it is not a validating parser.
 */

/** What a client line expects back. */
export interface Expectation {
  /** Upper-case keyword (`RETR`), `GREETING` for the server's first line, `SASL` for a response. */
  readonly verb: string;
  /** Multi-line when the reply is `+OK`. */
  readonly multiline: boolean;
  /** A CAPA whose list goes through the capability filter. */
  readonly capa: boolean;
}

export type ReplyStatus = 'ok' | 'err' | 'continue';

const MULTILINE_ALWAYS = new Set(['CAPA', 'RETR', 'TOP']);
const MULTILINE_WITHOUT_ARGUMENT = new Set(['LIST', 'UIDL', 'AUTH']);

/** Longest status line or CAPA list kept while looking for its end. Real ones are < 200 bytes. */
const STATUS_LIMIT = 4096;
const CAPA_LIMIT = 16_384;
const TERMINATOR = Buffer.from('\n.\r\n');

const statusOf = (line: Buffer): ReplyStatus => {
  if (line.subarray(0, 3).toString('latin1') === '+OK') return 'ok';
  return line[0] === 0x2b ? 'continue' : 'err';
};

export const GREETING: Expectation = { verb: 'GREETING', multiline: false, capa: false };

/**
 * What `line` (one client line, CRLF included) expects. `inSasl`: the last reply was a SASL
 * continuation, so this line is the client's response, not a command.
 */
export const expectationFor = (line: Buffer, inSasl: boolean): Expectation => {
  if (inSasl) return { verb: 'SASL', multiline: false, capa: false };
  const words = line.toString('latin1').trim().split(/\s+/);
  const verb = (words[0] ?? '').toUpperCase();
  const bare = words.length === 1;
  return {
    verb,
    multiline: MULTILINE_ALWAYS.has(verb) || (bare && MULTILINE_WITHOUT_ARGUMENT.has(verb)),
    capa: verb === 'CAPA',
  };
};

/** Keeps a capability line (without CRLF) or drops it. */
export type CapabilityFilter = (line: string) => boolean;

type Phase = 'status' | 'body' | 'capa';

/**
 * One direction of one session: server → client. `push` returns the bytes to forward (the input
 * itself, sliced, except for a rewritten CAPA list). If the stream stops making sense (a status
 * line too long, bytes nobody asked for), the framer stops framing and passes everything through;
 * `lost` says so, and the caller's counts after that point are not to be trusted.
 */
export class ReplyFramer {
  readonly #expected: Expectation[] = [GREETING];
  readonly #filter: CapabilityFilter | null;
  readonly #onReply: (expectation: Expectation, status: ReplyStatus) => void;
  #phase: Phase = 'status';
  #held: Buffer[] = [];
  #heldBytes = 0;
  /** The last bytes of the current multi-line reply, for a terminator split across chunks. */
  #tail: Buffer = Buffer.alloc(0);
  #lost = false;

  constructor(
    onReply: (expectation: Expectation, status: ReplyStatus) => void,
    filter: CapabilityFilter | null = null,
  ) {
    this.#onReply = onReply;
    this.#filter = filter;
  }

  /** Registers what the next client line expects, in the order the lines reach the server. */
  expect(expectation: Expectation): void {
    this.#expected.push(expectation);
  }

  /** Replies asked for and not finished (the one being read included). */
  get pending(): number {
    return this.#expected.length;
  }

  get lost(): boolean {
    return this.#lost;
  }

  push(chunk: Buffer): Buffer[] {
    if (this.#lost) return [chunk];
    const out: Buffer[] = [];
    let position = 0;
    while (position < chunk.length) {
      const head = this.#expected[0];
      if (head === undefined) {
        // Bytes nobody asked for (a server's own goodbye, or a client pipelining through SASL).
        this.#lost = true;
        out.push(chunk.subarray(position));
        break;
      }
      if (this.#phase === 'status') position = this.#readStatus(head, chunk, position, out);
      else position = this.#readBody(chunk, position, out);
    }
    return out;
  }

  #readStatus(head: Expectation, chunk: Buffer, from: number, out: Buffer[]): number {
    const lf = chunk.indexOf(0x0a, from);
    const end = lf === -1 ? chunk.length : lf + 1;
    this.#hold(chunk.subarray(from, end));
    if (lf === -1) {
      if (this.#heldBytes > STATUS_LIMIT) this.#loseFraming(out);
      return end;
    }
    const status = Buffer.concat(this.#held);
    this.#held = [];
    this.#heldBytes = 0;
    const kind = statusOf(status);
    if (kind === 'ok' && head.multiline) {
      this.#phase = head.capa && this.#filter ? 'capa' : 'body';
      this.#tail = Buffer.from('\n');
      if (this.#phase === 'capa') this.#hold(status);
      else out.push(status);
      return end;
    }
    out.push(status);
    this.#finish(kind);
    return end;
  }

  #readBody(chunk: Buffer, from: number, out: Buffer[]): number {
    const end = this.#terminatorEnd(chunk, from);
    const stop = end === -1 ? chunk.length : end;
    const piece = chunk.subarray(from, stop);
    if (this.#phase === 'capa') {
      this.#hold(piece);
      if (end === -1 && this.#heldBytes > CAPA_LIMIT) this.#loseFraming(out);
      else if (end !== -1) out.push(this.#filteredCapa());
    } else {
      out.push(piece);
    }
    if (end === -1) {
      this.#tail = Buffer.concat([this.#tail, piece]).subarray(-(TERMINATOR.length - 1));
      return stop;
    }
    this.#finish('ok');
    return stop;
  }

  /** Offset just past the `LF . CRLF` that ends the reply, or -1 if not in this chunk. */
  #terminatorEnd(chunk: Buffer, from: number): number {
    const edge = Buffer.concat([this.#tail, chunk.subarray(from, from + TERMINATOR.length - 1)]);
    const across = edge.indexOf(TERMINATOR);
    if (across !== -1) return from + across + TERMINATOR.length - this.#tail.length;
    const inside = chunk.indexOf(TERMINATOR, from);
    return inside === -1 ? -1 : inside + TERMINATOR.length;
  }

  #filteredCapa(): Buffer {
    const text = Buffer.concat(this.#held).toString('latin1');
    const lines = text.split('\r\n');
    // [status, ...capabilities, '.', ''] — the status line and the terminator always stay.
    const kept = lines.filter(
      (line, index) =>
        index === 0 || line === '.' || index === lines.length - 1 || this.#keep(line),
    );
    return Buffer.from(kept.join('\r\n'), 'latin1');
  }

  #keep(line: string): boolean {
    return this.#filter === null || this.#filter(line);
  }

  #finish(status: ReplyStatus): void {
    const done = this.#expected.shift() as Expectation;
    this.#phase = 'status';
    this.#held = [];
    this.#heldBytes = 0;
    this.#onReply(done, status);
  }

  #hold(piece: Buffer): void {
    this.#held.push(piece);
    this.#heldBytes += piece.length;
  }

  #loseFraming(out: Buffer[]): void {
    this.#lost = true;
    out.push(...this.#held);
    this.#held = [];
    this.#heldBytes = 0;
  }
}
