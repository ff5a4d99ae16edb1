/**
 * Command-line framing for the server, pure: bytes in (any chunking, pipelined batches), lines out.
 * A line ends with CRLF or a bare LF; the line limit counts the line ending too.
 */

export const LINE_TOO_LONG = Symbol('line too long');
export type LineResult = Buffer | null | typeof LINE_TOO_LONG;

const LF = 0x0a;
const CR = 0x0d;

export class LineBuffer {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
  }

  /** Bytes received but not yet taken as lines. */
  get size(): number {
    return this.buffered.length;
  }

  /**
   * The next line without its ending; null when no complete line is buffered yet; LINE_TOO_LONG
   * when the next line (complete or not) exceeds `maxBytes`.
   */
  shift(maxBytes: number): LineResult {
    const lf = this.buffered.indexOf(LF);
    if (lf === -1) return this.buffered.length >= maxBytes ? LINE_TOO_LONG : null;
    if (lf + 1 > maxBytes) return LINE_TOO_LONG;
    const end = lf > 0 && this.buffered[lf - 1] === CR ? lf - 1 : lf;
    const line = this.buffered.subarray(0, end);
    this.buffered = this.buffered.subarray(lf + 1);
    return line;
  }

  /** Drops everything buffered (RFC 2595: plaintext received before the TLS handshake). */
  clear(): void {
    this.buffered = Buffer.alloc(0);
  }
}
