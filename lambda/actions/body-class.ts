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

/** A byte-level scanner fed in chunks; a CRLF split across two chunks is still a CRLF. */
export const createBodyClassifier = (): BodyClassifier => {
  let eightBit = false;
  let binary = false;
  let lineOctets = 0;
  let previous = -1;
  return {
    update(chunk) {
      for (const byte of chunk) {
        if (binary) return;
        if (previous === CR && byte !== LF) binary = true;
        if (byte === LF) {
          if (previous !== CR) binary = true;
          lineOctets = 0;
        } else if (byte !== CR) {
          if (byte === 0) binary = true;
          if (byte >= 0x80) eightBit = true;
          lineOctets += 1;
          if (lineOctets > MAX_LINE_OCTETS) binary = true;
        }
        previous = byte;
      }
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
