import { Transform, type TransformCallback } from 'node:stream';

/**
 * Folds the line breaks an original hides, for the mode that re-sends it as is (redirect).
 * popfwd's parsers (its own for the top-level header, mailparser for MIME parts) end a line at LF
 * only; SMTP DATA turns a bare CR into CRLF as well. So `Subject: raw cr\rBcc: victim@evil.example`,
 * one Subject field to the rules, would leave as two header lines: an injected Bcc. Therefore:
 * - a bare CR becomes a space, in the header block and in the body (where it may sit in a MIME
 *   part's header; SMTP would have changed it anyway, redirect is not byte-exact for such mail);
 * - in the header block NUL becomes a space, and so does a bare LF in a message whose lines end
 *   in CRLF (the first line break decides; in an LF-only message LF is every reader's line end).
 * Nothing is buffered beyond one byte.
 */
const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;
const SPACE = 0x20;

export class HeaderLineGuard extends Transform {
  #inHeader = true;
  /** Line ends: unknown until the first LF, then CRLF or LF alone. */
  #style: 'unknown' | 'crlf' | 'lf' = 'unknown';
  /** The previous byte was a CR whose meaning depends on the next one. */
  #pendingCr = false;
  #lineEmpty = true;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const out: number[] = [];
    let i = 0;
    for (; i < chunk.length && this.#inHeader; i++) this.#byte(chunk[i] as number, out);
    const head = Buffer.from(out);
    callback(null, i < chunk.length ? Buffer.concat([head, this.#body(chunk.subarray(i))]) : head);
  }

  /** Body bytes: only a bare CR changes (to a space); a chunk without one is passed as is. */
  #body(input: Buffer): Buffer {
    let bytes = input;
    if (this.#pendingCr) {
      this.#pendingCr = false;
      bytes = Buffer.concat([Buffer.from([input[0] === LF ? CR : SPACE]), input]);
    }
    let copied = bytes !== input;
    for (let cr = bytes.indexOf(CR); cr !== -1; cr = bytes.indexOf(CR, cr + 1)) {
      if (cr === bytes.length - 1) {
        this.#pendingCr = true;
        return bytes.subarray(0, cr);
      }
      if (bytes[cr + 1] === LF) continue;
      if (!copied) {
        bytes = Buffer.from(bytes);
        copied = true;
      }
      bytes[cr] = SPACE;
    }
    return bytes;
  }

  override _flush(callback: TransformCallback): void {
    callback(null, this.#pendingCr ? Buffer.from([SPACE]) : undefined);
  }

  #byte(byte: number, out: number[]): void {
    if (this.#pendingCr) {
      this.#pendingCr = false;
      if (byte === LF) {
        if (this.#style === 'unknown') this.#style = 'crlf';
        out.push(CR, LF);
        this.#lineEnd();
        return;
      }
      out.push(SPACE);
      this.#lineEmpty = false;
    }
    if (byte === CR) {
      this.#pendingCr = true;
      return;
    }
    if (byte === LF) {
      if (this.#style === 'unknown') this.#style = 'lf';
      if (this.#style === 'lf') {
        out.push(LF);
        this.#lineEnd();
        return;
      }
      out.push(SPACE);
      this.#lineEmpty = false;
      return;
    }
    out.push(byte === NUL ? SPACE : byte);
    this.#lineEmpty = false;
  }

  /** An empty line ends the header block; everything after it is body. */
  #lineEnd(): void {
    if (this.#lineEmpty) this.#inHeader = false;
    this.#lineEmpty = true;
  }
}
