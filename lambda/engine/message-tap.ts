import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { crashPoint } from '../test-hooks/crash-points.js';

/** Header blocks beyond this are parsed as far as captured; the archive still gets every byte. */
export const HEADER_CAPTURE_LIMIT = 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;

/** End of the header block: the index after the first empty line (LF LF or LF CR LF), or -1. */
const headerEnd = (bytes: Buffer, from: number): number => {
  for (let lf = bytes.indexOf(LF, from); lf !== -1; lf = bytes.indexOf(LF, lf + 1)) {
    if (bytes[lf + 1] === LF) return lf + 2;
    if (bytes[lf + 1] === CR && bytes[lf + 2] === LF) return lf + 3;
  }
  return -1;
};

/**
 * Passes the message bytes through untouched while hashing them, counting them and keeping the
 * header block — one pass over the data, nothing else buffered.
 */
export class MessageTap extends Transform {
  readonly #hash = createHash('sha256');
  #size = 0;
  #header: Buffer = Buffer.alloc(0);
  #headerDone = false;

  constructor() {
    super({ highWaterMark: 64 * 1024 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#size > 0) crashPoint('mid-archive');
    this.#hash.update(chunk);
    this.#size += chunk.length;
    if (!this.#headerDone) this.#capture(chunk);
    callback(null, chunk);
  }

  #capture(chunk: Buffer): void {
    const searchFrom = Math.max(0, this.#header.length - 2);
    const room = HEADER_CAPTURE_LIMIT - this.#header.length;
    this.#header = Buffer.concat([this.#header, chunk.subarray(0, room)]);
    // A message that starts with an empty line has no header fields at all.
    const firstLine =
      this.#header[0] === LF ? 1 : this.#header[0] === CR && this.#header[1] === LF ? 2 : -1;
    const end = firstLine !== -1 ? firstLine : headerEnd(this.#header, searchFrom);
    if (end !== -1) {
      this.#header = this.#header.subarray(0, end);
      this.#headerDone = true;
    } else if (this.#header.length >= HEADER_CAPTURE_LIMIT) {
      this.#headerDone = true;
    }
  }

  override _flush(callback: TransformCallback): void {
    crashPoint('after-retr');
    callback();
  }

  get size(): number {
    return this.#size;
  }

  /** The header block with its terminating empty line (or all that was captured). */
  get header(): Buffer {
    return this.#header;
  }

  /** Hex SHA-256 of every byte seen; call once the stream has ended. */
  digest(): string {
    return this.#hash.digest('hex');
  }
}
