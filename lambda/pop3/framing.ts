import { PopfwdError } from '../errors.js';
import { POP3_LIMITS } from './limits.js';
import { printable } from './server-text.js';

/**
 * POP3 reply framing as a pure byte state machine: fed raw chunks exactly as they come off the
 * socket, in any split, it yields status lines, SASL continuations, and multi-line bodies
 * dot-unstuffed with the final CRLF kept. Message bytes stay Buffers (slices of the input) and are
 * never decoded. Multi-line replies end only at CRLF "." CRLF; a line starts after any LF.
 *
 * Servers that end lines with a bare LF (RFC 1939 requires CRLF) are read where that is safe:
 * status lines and listings (whose lines are protocol text) end at LF, a listing at LF "." LF.
 * A message body cannot: "." LF there may be the terminator or data, so it is refused by name.
 */

/**
 * single: one status line. multi: status, then a raw body (RETR, TOP) with no line limit.
 * lines: status, then a listing (CAPA, LIST, UIDL) split into capped lines. sasl: a status line or
 * a "+ <base64>" continuation.
 */
export type ReplyKind = 'single' | 'multi' | 'lines' | 'sasl';

export interface StatusLine {
  readonly ok: boolean;
  /** The text after +OK / -ERR (one separating space removed). */
  readonly text: string;
}

/** Registered before its command is written; called synchronously from `push`. */
export interface ReplyHandler {
  readonly kind: ReplyKind;
  /**
   * The body's first line is sent without dot-stuffing (Dovecot's quirk): read it literally.
   * Safe only for servers that also always end a body with CRLF, so ".\r\n" right after the
   * status line is data, never the terminator of an empty message.
   */
  readonly literalFirstLine?: boolean;
  onStatus(status: StatusLine): void;
  onContinuation?(text: string): void;
  onData?(chunk: Buffer): void;
  /**
   * One listing line without its line end. A line longer than maxLineBytes is cut there;
   * `length` is its full length, so the caller can say what is wrong with it.
   */
  onLine?(line: Buffer, length: number): void;
  /** The terminator of a multi-line reply was read. */
  onEnd?(): void;
}

const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;
const CR_BYTE = Buffer.from([CR]);
const LF_DOT = Buffer.from([LF, DOT]);

const protocolError = (message: string, code: 'EPROTOCOL' | 'ESIZE' = 'EPROTOCOL') =>
  new PopfwdError(code, message, { retryable: code === 'EPROTOCOL' });

export const LF_ONLY_MESSAGE =
  'the server ends its lines with LF only, not CRLF as RFC 1939 requires; where a message ends cannot be told safely, so popfwd reads no messages from it';

export class ReplyParser {
  readonly #queue: ReplyHandler[] = [];
  #mode: 'status' | 'body' = 'status';
  #statusParts: Buffer[] = [];
  #statusLength = 0;
  /** Body state: at the start of a line, and how much of ".\r" we hold back. */
  #atLineStart = true;
  #held: 0 | 1 | 2 = 0;
  /** Listing state (kind 'lines'). */
  #lineParts: Buffer[] = [];
  #lineLength = 0;
  #lineLastByte = -1;
  #listingBytes = 0;
  #discard = false;
  #bareLf = false;

  constructor(
    private readonly limits: { maxLineBytes: number; maxListingBytes: number } = POP3_LIMITS,
  ) {}

  /** Queues the handler for the next reply. Register it before writing the command. */
  expect(handler: ReplyHandler): void {
    this.#queue.push(handler);
  }

  /** Replies expected and not yet complete. */
  get pending(): number {
    return this.#queue.length;
  }

  /** True between the +OK of a multi-line reply and its terminator. */
  get inBody(): boolean {
    return this.#mode === 'body';
  }

  /** The server ended a status line with a bare LF: it does not speak CRLF. */
  get sawBareLf(): boolean {
    return this.#bareLf;
  }

  /**
   * Drops every byte not yet handed out, including the rest of the chunk being processed. Called
   * from the STLS reply handler: anything the server sent after "+OK" in plaintext is discarded,
   * never read as a reply after the TLS upgrade (STARTTLS response injection).
   */
  discardBuffered(): void {
    this.#discard = true;
    this.#statusParts = [];
    this.#statusLength = 0;
  }

  /** Feeds bytes from the server. Throws PopfwdError (EPROTOCOL, ESIZE) on a framing violation. */
  push(chunk: Buffer): void {
    this.#discard = false;
    let offset = 0;
    while (offset < chunk.length && !this.#discard) {
      const handler = this.#queue[0];
      if (!handler)
        throw protocolError(`the server sent ${chunk.length - offset} bytes nobody asked for`);
      offset =
        this.#mode === 'status'
          ? this.#readStatus(chunk, offset, handler)
          : this.#readBody(chunk, offset, handler);
    }
  }

  #readStatus(chunk: Buffer, offset: number, handler: ReplyHandler): number {
    const lf = chunk.indexOf(LF, offset);
    const end = lf === -1 ? chunk.length : lf + 1;
    this.#statusLength += end - offset;
    if (this.#statusLength > this.limits.maxLineBytes) {
      throw protocolError(`a status line exceeds ${this.limits.maxLineBytes} bytes`, 'ESIZE');
    }
    this.#statusParts.push(chunk.subarray(offset, end));
    if (lf === -1) return end;

    let line =
      this.#statusParts.length === 1
        ? (this.#statusParts[0] as Buffer)
        : Buffer.concat(this.#statusParts);
    this.#statusParts = [];
    this.#statusLength = 0;
    const crlf = line.length > 1 && line[line.length - 2] === CR;
    if (!crlf) this.#bareLf = true;
    line = line.subarray(0, line.length - (crlf ? 2 : 1));
    this.#onStatusLine(line.toString('utf8'), handler);
    return end;
  }

  #onStatusLine(text: string, handler: ReplyHandler): void {
    const ok = text.startsWith('+OK');
    if (!ok && handler.kind === 'sasl' && (text === '+' || text.startsWith('+ '))) {
      this.#queue.shift();
      if (!handler.onContinuation) throw protocolError('unexpected SASL continuation');
      handler.onContinuation(text.slice(2));
      return;
    }
    if (!ok && !text.startsWith('-ERR'))
      throw protocolError(`unexpected reply "${printable(text, 60)}"`);
    const status = { ok, text: text.slice(ok ? 3 : 4).replace(/^ /, '') };
    if (ok && (handler.kind === 'multi' || handler.kind === 'lines')) {
      this.#mode = 'body';
      this.#atLineStart = handler.literalFirstLine !== true;
      this.#held = 0;
      this.#listingBytes = 0;
      handler.onStatus(status);
      return;
    }
    this.#queue.shift();
    handler.onStatus(status);
  }

  /**
   * The body state machine. `start` marks the run of bytes to hand out as one slice; a stuffed dot
   * is dropped by ending the run before it; ".\r" at a line start is held until the next byte says
   * whether it is the terminator or stuffing. Only lines that start with a dot need a decision, so
   * the scan jumps from one LF "." to the next instead of visiting every line.
   */
  #readBody(chunk: Buffer, offset: number, handler: ReplyHandler): number {
    let i = offset;
    let start = offset;
    const length = chunk.length;
    while (i < length) {
      if (this.#held === 1) {
        if (chunk[i] === CR) {
          this.#held = 2;
          i += 1;
          start = i;
          continue;
        }
        if (chunk[i] === LF && handler.kind === 'lines') return this.#endBody(handler, i + 1);
        if (chunk[i] === LF && this.#bareLf) throw protocolError(LF_ONLY_MESSAGE);
        this.#held = 0; // the dot was stuffing: dropped, the line goes on from here
        start = i;
      } else if (this.#held === 2) {
        if (chunk[i] === LF) return this.#endBody(handler, i + 1);
        this.#held = 0; // ".\r" then something else: the dot was stuffing, the CR is data
        this.#emit(handler, CR_BYTE);
        start = i;
      } else if (this.#atLineStart) {
        this.#atLineStart = false;
        if (chunk[i] === DOT) {
          if (i > start) this.#emit(handler, chunk.subarray(start, i));
          this.#held = 1;
          i += 1;
          start = i;
          continue;
        }
      }
      const dotLine = chunk.indexOf(LF_DOT, i);
      if (dotLine === -1) {
        // No line in the rest of this chunk starts with a dot; the next chunk may.
        this.#atLineStart = chunk[length - 1] === LF;
        i = length;
        break;
      }
      i = dotLine + 1;
      this.#atLineStart = true;
    }
    if (i > start) this.#emit(handler, chunk.subarray(start, i));
    return i;
  }

  #endBody(handler: ReplyHandler, next: number): number {
    this.#mode = 'status';
    this.#held = 0;
    this.#queue.shift();
    handler.onEnd?.();
    return next;
  }

  #emit(handler: ReplyHandler, bytes: Buffer): void {
    if (handler.kind === 'multi') {
      handler.onData?.(bytes);
      return;
    }
    this.#listingBytes += bytes.length;
    if (this.#listingBytes > this.limits.maxListingBytes) {
      throw protocolError(`a listing exceeds ${this.limits.maxListingBytes} bytes`, 'ESIZE');
    }
    let offset = 0;
    while (offset < bytes.length) {
      const lf = bytes.indexOf(LF, offset);
      const end = lf === -1 ? bytes.length : lf + 1;
      // Past the cap only the length is counted: one absurd line is reported, not fatal.
      const room = this.limits.maxLineBytes - this.#lineLength;
      if (room > 0) this.#lineParts.push(bytes.subarray(offset, Math.min(end, offset + room)));
      this.#lineLength += end - offset;
      if (lf === -1) {
        this.#lineLastByte = bytes[end - 1] ?? this.#lineLastByte;
      } else {
        const crlf = lf > offset ? bytes[lf - 1] === CR : this.#lineLastByte === CR;
        this.#endLine(handler, crlf);
      }
      offset = end;
    }
  }

  #endLine(handler: ReplyHandler, crlf: boolean): void {
    const length = this.#lineLength - (crlf ? 2 : 1);
    const kept = Buffer.concat(this.#lineParts);
    this.#lineParts = [];
    this.#lineLength = 0;
    this.#lineLastByte = -1;
    handler.onLine?.(kept.subarray(0, Math.min(length, this.limits.maxLineBytes)), length);
  }
}
