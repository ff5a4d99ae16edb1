/**
 * EUC-KR as mail uses it: Windows code page 949 (Unified Hangul Code), which Outlook and most
 * Korean mail label `ks_c_5601-1987` or `euc-kr`. Node's TextDecoder decodes strict EUC-KR only
 * (the 2,350 Hangul syllables of KS X 1001), so the other 8,822 syllables CP949 adds would come
 * out as garbage. Those are all the remaining syllables of U+AC00–U+D7A3 in Unicode order, laid
 * over lead bytes 0x81–0xC6 with trail bytes below 0xA1: that order is computed here, and the
 * KS X 1001 part is taken from TextDecoder, once, on first use.
 */
import type { TextStreamDecoder } from './text-decoder.js';

const REPLACEMENT = 0xfffd;
/** Characters Windows added to KS X 1001's rows that strict EUC-KR decoders leave out. */
const WINDOWS_ADDITIONS: ReadonlyArray<readonly [number, number]> = [
  [0xa2e6, 0x20ac],
  [0xa2e7, 0x00ae],
];
/** User-defined rows (0xC9, 0xFE) some decoders map to private use; CP949 assigns nothing there. */
const isPrivateUse = (code: number): boolean => code >= 0xe000 && code <= 0xf8ff;
const HANGUL_FIRST = 0xac00;
const HANGUL_LAST = 0xd7a3;

/** The trail bytes of the extension under `lead`, in order. */
const extensionTrails = (lead: number): number[] => {
  const letters = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, index) => from + index);
  const upper = lead < 0xa1 ? 0xfe : 0xa0;
  return [...letters(0x41, 0x5a), ...letters(0x61, 0x7a), ...letters(0x81, upper)];
};

let table: Uint16Array | undefined;

/** Code point per two-byte code (lead << 8 | trail); 0 where the pair means nothing. */
const codeTable = (): Uint16Array => {
  if (table) return table;
  const codes = new Uint16Array(0x10000);
  const ksx1001 = new TextDecoder('euc-kr');
  for (let lead = 0xa1; lead <= 0xfe; lead += 1) {
    for (let trail = 0xa1; trail <= 0xfe; trail += 1) {
      const text = ksx1001.decode(Uint8Array.of(lead, trail));
      const code = text.length === 1 ? text.charCodeAt(0) : REPLACEMENT;
      if (code !== REPLACEMENT && !isPrivateUse(code)) codes[(lead << 8) | trail] = code;
    }
  }
  for (const [bytes, code] of WINDOWS_ADDITIONS) codes[bytes] = code;
  const inKsx1001 = new Set(codes.filter((code) => code >= HANGUL_FIRST && code <= HANGUL_LAST));
  let syllable = HANGUL_FIRST;
  const nextSyllable = (): number => {
    while (inKsx1001.has(syllable)) syllable += 1;
    const code = syllable;
    syllable += 1;
    return code;
  };
  for (let lead = 0x81; lead <= 0xc6 && syllable <= HANGUL_LAST; lead += 1) {
    for (const trail of extensionTrails(lead)) {
      const code = nextSyllable();
      if (code > HANGUL_LAST) break;
      codes[(lead << 8) | trail] = code;
    }
  }
  table = codes;
  return codes;
};

/**
 * Decodes CP949 as iconv-lite does: a lead byte with a trail that makes no character gives
 * U+FFFD and the trail is read again on its own; bytes 0x80 and 0xFF give U+FFFD.
 */
export const cp949Decoder = (): TextStreamDecoder => {
  const codes = codeTable();
  let lead = -1;
  const decode = (bytes: Uint8Array, final: boolean): string => {
    let text = '';
    for (let index = 0; index < bytes.length; index += 1) {
      const byte = bytes[index] ?? 0;
      if (lead >= 0) {
        const code = codes[(lead << 8) | byte] ?? 0;
        lead = -1;
        if (code !== 0) {
          text += String.fromCharCode(code);
          continue;
        }
        text += '\ufffd';
      }
      if (byte < 0x80) text += String.fromCharCode(byte);
      else if (byte === 0x80 || byte === 0xff) text += '\ufffd';
      else lead = byte;
    }
    if (final && lead >= 0) {
      lead = -1;
      text += '\ufffd';
    }
    return text;
  };
  return { write: (bytes) => decode(bytes, false), end: () => decode(new Uint8Array(0), true) };
};
