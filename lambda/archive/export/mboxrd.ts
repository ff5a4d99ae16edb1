import type { MessageRecord } from '../../engine/message-record.js';

/**
 * The mbox format popfwd writes: mboxrd, with the message's own bytes (CRLF as archived).
 *
 *   From <sender> <asctime UTC> popfwd:<message id>:<length, 12 digits>\n
 *   <the message, every line matching ^>*From  given one more ">">
 *   \n                      only when the message does not end with LF (popfwd adds it)
 *   \n                      the empty line before the next From_ line
 *
 * A line is what follows the message's start or an LF (a bare CR ends no line, as for every
 * mbox reader). Reading back: take the `length` bytes after the From_ line, remove one ">" from
 * every line matching ^>+From  — that gives the archived bytes exactly, a message without a
 * final newline included (readers that ignore `length` see one LF more at its end). While a
 * message is being written its length reads `------------`; it is set once the message and its
 * separator are written, so a From_ line with dashes is an export cut short, repaired by the next.
 */

const LF = 0x0a;
const GT = 0x3e;
const FROM = Buffer.from('From ', 'latin1');
const ONE_GT = Buffer.from('>', 'latin1');
export const LENGTH_DIGITS = 12;
const PENDING_LENGTH = '-'.repeat(LENGTH_DIGITS);
/** A From_ line is never longer: the resume scan reads this much at each one. */
export const MAX_FROM_LINE = 512;
const FROM_LINE = /^From \S+ .+ popfwd:([0-9a-f]{32}):(\d{12}|-{12})$/;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** C's asctime in UTC, as mbox From_ lines carry it: `Thu Nov  5 07:00:00 2026`. */
export const asctime = (time: number): string => {
  const date = new Date(time);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2)} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} ${date.getUTCFullYear()}`;
};

/** An envelope sender safe in a From_ line: printable ASCII, no space; else MAILER-DAEMON. */
const envelopeSender = (record: MessageRecord): string => {
  const candidates = [record.meta.returnPath, record.meta.from[0]?.address];
  for (const candidate of candidates) {
    const bare = candidate?.replace(/^<|>$/g, '') ?? '';
    if (bare.length > 0 && bare.length <= 254 && /^[\x21-\x7e]+$/.test(bare)) return bare;
  }
  return 'MAILER-DAEMON';
};

/** The From_ line of `record`, its length still pending (see `setLength`). */
export const fromLine = (record: MessageRecord): Buffer =>
  Buffer.from(
    `From ${envelopeSender(record)} ${asctime(Date.parse(record.meta.archivedAt))} popfwd:${record.id}:${PENDING_LENGTH}\n`,
    'latin1',
  );

/** Where the length digits sit in a From_ line made by `fromLine`. */
export const lengthOffset = (line: Buffer): number => line.length - 1 - LENGTH_DIGITS;

export const lengthDigits = (length: number): Buffer =>
  Buffer.from(String(length).padStart(LENGTH_DIGITS, '0'), 'latin1');

export interface ParsedFromLine {
  readonly id: string;
  /** Escaped bytes of the message; null while it was being written. */
  readonly length: number | null;
}

/** A From_ line popfwd wrote (without its LF), or null. */
export const parseFromLine = (line: Buffer): ParsedFromLine | null => {
  const match = FROM_LINE.exec(line.toString('latin1'));
  if (!match) return null;
  const digits = match[2] as string;
  return { id: match[1] as string, length: digits.startsWith('-') ? null : Number(digits) };
};

/** What follows a message of `length` escaped bytes whose last byte is `last` (-1: empty). */
export const trailerLength = (last: number): number => (last === LF ? 1 : 2);
export const trailer = (last: number): Buffer => Buffer.from(last === LF ? '\n' : '\n\n', 'latin1');

/**
 * The mboxrd escaping as a stream step: `push` each chunk of the message, write what it returns
 * (slices of the input and single ">"), then what `end` returns. Linear in the input: "From " is
 * found with indexOf, and each run of ">" before one is walked once.
 */
export class MboxrdEscaper {
  /** A tail that may be the start of "From " (at most 4 bytes), held for the next chunk. */
  #carry: Buffer = Buffer.alloc(0);
  /** Everything since the last line start (before the carry) is ">": a "From " here is escaped. */
  #atLinePrefix = true;
  #last = -1;

  /** The message's last byte so far (-1 while empty). */
  get lastByte(): number {
    return this.#last;
  }

  push(chunk: Buffer): Buffer[] {
    if (chunk.length === 0) return [];
    this.#last = chunk[chunk.length - 1] as number;
    const data = this.#carry.length > 0 ? Buffer.concat([this.#carry, chunk]) : chunk;
    const out: Buffer[] = [];
    let emitted = 0;
    for (let found = data.indexOf(FROM); found !== -1; found = data.indexOf(FROM, found + 1)) {
      let before = found - 1;
      while (before >= 0 && data[before] === GT) before -= 1;
      const lineStart = before < 0 ? this.#atLinePrefix : data[before] === LF;
      if (!lineStart) continue;
      // ">" before the "From " is the same as ">" at the line's start: ">" runs are all alike.
      out.push(data.subarray(emitted, found), ONE_GT);
      emitted = found;
    }
    const keep = this.#partialFromAtEnd(data);
    const end = data.length - keep;
    if (end > emitted) out.push(data.subarray(emitted, end));
    this.#updatePrefix(data, end);
    this.#carry = keep > 0 ? Buffer.from(data.subarray(end)) : Buffer.alloc(0);
    return out;
  }

  /** The held tail (never a whole "From ", so never escaped). */
  end(): Buffer[] {
    const tail = this.#carry;
    this.#carry = Buffer.alloc(0);
    return tail.length > 0 ? [tail] : [];
  }

  #partialFromAtEnd(data: Buffer): number {
    for (let length = Math.min(FROM.length - 1, data.length); length > 0; length -= 1) {
      if (data.subarray(data.length - length).equals(FROM.subarray(0, length))) return length;
    }
    return 0;
  }

  #updatePrefix(data: Buffer, end: number): void {
    let before = end - 1;
    while (before >= 0 && data[before] === GT) before -= 1;
    if (before >= 0) this.#atLinePrefix = data[before] === LF;
  }
}

/** mboxrd unescaping of one message's body: one ">" fewer on every line matching ^>+From . */
export const unescapeMboxrd = (body: Buffer): Buffer => {
  const out: Buffer[] = [];
  let emitted = 0;
  for (let found = body.indexOf(FROM); found !== -1; found = body.indexOf(FROM, found + 1)) {
    let before = found - 1;
    while (before >= 0 && body[before] === GT) before -= 1;
    const quoted = found - before - 1;
    if (quoted === 0 || (before >= 0 && body[before] !== LF)) continue;
    out.push(body.subarray(emitted, before + 1));
    emitted = before + 2;
  }
  out.push(body.subarray(emitted));
  return Buffer.concat(out);
};
