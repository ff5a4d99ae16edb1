import { isAscii } from 'node:buffer';
import type { Readable } from 'node:stream';

/**
 * What SMTP can carry of a message unencoded (RFC 5321 §4.5.3.1.6, RFC 6152):
 * - `7bit`: US-ASCII, no NUL, CR and LF only as CRLF, lines of at most 998 octets;
 * - `8bit`: the same with octets ≥ 0x80, which needs the server's 8BITMIME;
 * - `binary`: anything else (NUL, a bare CR or LF, a longer line). SMTP DATA would change it —
 *   nodemailer turns bare CR and LF into CRLF — so it only survives base64.
 */
export type BodyClass = '7bit' | '8bit' | 'binary';

const CR = 0x0d;
const LF = 0x0a;
const MAX_LINE_OCTETS = 998;

export interface BodyClassifier {
  update(chunk: Uint8Array): void;
  /** True once the body is known to be binary; nothing after can change that. */
  settled(): boolean;
  result(): BodyClass;
}

/**
 * A scanner fed in chunks; a CRLF split across two chunks is still a CRLF. It jumps between CR and
 * LF positions with Buffer.indexOf and checks 8-bit with isAscii: native scans, no per-byte loop
 * (a forward of a 25 MB original scans it before sending).
 */
export const createBodyClassifier = (): BodyClassifier => {
  let eightBit = false;
  let binary = false;
  /** Octets of the current line so far, CR excluded. */
  let lineOctets = 0;
  let previous = -1;
  const scan = (chunk: Buffer): boolean => {
    if (!eightBit && !isAscii(chunk)) eightBit = true;
    if (chunk.includes(0)) return true;
    if (previous === CR && chunk[0] !== LF) return true;
    for (
      let cr = chunk.indexOf(CR);
      cr !== -1 && cr + 1 < chunk.length;
      cr = chunk.indexOf(CR, cr + 1)
    ) {
      if (chunk[cr + 1] !== LF) return true;
    }
    let start = 0;
    for (let lf = chunk.indexOf(LF); lf !== -1; lf = chunk.indexOf(LF, lf + 1)) {
      if ((lf === 0 ? previous : chunk[lf - 1]) !== CR) return true;
      // Every CR is followed by LF (checked above), so the only CR here is the one before LF.
      if (lineOctets + (lf - start) - (lf > start ? 1 : 0) > MAX_LINE_OCTETS) return true;
      lineOctets = 0;
      start = lf + 1;
    }
    const tail = chunk.length - start;
    lineOctets += tail - (tail > 0 && chunk[chunk.length - 1] === CR ? 1 : 0);
    previous = chunk[chunk.length - 1] as number;
    return lineOctets > MAX_LINE_OCTETS;
  };
  return {
    update(chunk) {
      if (binary || chunk.length === 0) return;
      binary = scan(
        Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
      );
    },
    settled: () => binary,
    result() {
      // a message ending in a lone CR would have it turned into CRLF
      if (binary || previous === CR) return 'binary';
      return eightBit ? '8bit' : '7bit';
    },
  };
};

/** Reads the stream (to its end unless it is binary early), keeping only the scanner's state. */
export const classifyBody = async (source: Readable): Promise<BodyClass> => {
  const classifier = createBodyClassifier();
  for await (const chunk of source) {
    classifier.update(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (classifier.settled()) break;
  }
  return classifier.result();
};
