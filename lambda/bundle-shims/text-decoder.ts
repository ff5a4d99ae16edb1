import { cp949Decoder } from './cp949.js';
import { SINGLE_BYTE_TABLES } from './single-byte-tables.js';

/**
 * Charset decoding for the Lambda bundle, where it stands in for iconv-lite and
 * encoding-japanese (infra/mail-forwarder.ts, BUNDLE_ALIASES): single-byte charsets from tables
 * generated from iconv-lite, so they decode exactly as elsewhere; multi-byte charsets with Node's
 * TextDecoder (full ICU), CP949's extension computed (cp949.ts). Any other charset is unknown:
 * libmime then decodes the text as UTF-8, as it does for a charset iconv-lite does not know.
 */

/** An incremental decoder; `end` flushes what an unfinished sequence held back. */
export interface TextStreamDecoder {
  write(bytes: Uint8Array): string;
  end(): string;
}

export interface Charset {
  /** One per charset, whatever alias found it: a single-byte table's key or a decoder label. */
  readonly key: string;
  decoder(): TextStreamDecoder;
}

/** The name iconv-lite looks up: lower case, letters and digits only, no trailing ":YYYY". */
export const canonicalCharsetName = (name: string): string =>
  name.toLowerCase().replace(/:\d{4}$|[^0-9a-z]/g, '');

/** Multi-byte charsets by key (aliases libmime's normalizeCharset can hand over included). */
const MULTI_BYTE: Readonly<Record<string, string>> = {
  gbk: 'gbk',
  gb2312: 'gbk',
  cp936: 'gbk',
  gb18030: 'gb18030',
  big5: 'big5',
  big5hkscs: 'big5',
  cp950: 'big5',
  shiftjis: 'shift_jis',
  sjis: 'shift_jis',
  cp932: 'shift_jis',
  windows31j: 'shift_jis',
  eucjp: 'euc-jp',
  iso2022jp: 'iso-2022-jp',
  euckr: 'cp949',
  cp949: 'cp949',
  windows949: 'cp949',
  ksc56011987: 'cp949',
  utf16le: 'utf-16le',
  ucs2: 'utf-16le',
  utf16be: 'utf-16be',
  utf16: 'utf-16',
};

const textDecoder = (label: string): TextStreamDecoder => {
  const decoder = new TextDecoder(label);
  return {
    write: (bytes) => decoder.decode(bytes, { stream: true }),
    end: () => decoder.decode(),
  };
};

/** Bytes 0x80–0xFF through a 128-character table, ASCII below. */
const singleByte = (upper: string): TextStreamDecoder => {
  const decode = (bytes: Uint8Array): string => {
    let text = '';
    for (const byte of bytes) text += byte < 0x80 ? String.fromCharCode(byte) : upper[byte - 0x80];
    return text;
  };
  return { write: decode, end: () => '' };
};

/**
 * UTF-16 without a byte order in its name, as iconv-lite reads it: a BOM decides, else whichever
 * order makes more of the first 100 characters ASCII (little endian on a tie), judged once 16
 * bytes are in.
 */
const utf16 = (): TextStreamDecoder => {
  const head: number[] = [];
  let decoder: TextStreamDecoder | undefined;
  const choose = (): TextStreamDecoder => {
    if (head[0] === 0xfe && head[1] === 0xff) return textDecoder('utf-16be');
    if (head[0] === 0xff && head[1] === 0xfe) return textDecoder('utf-16le');
    let asciiBe = 0;
    let asciiLe = 0;
    for (let index = 0; index + 1 < Math.min(head.length, 200); index += 2) {
      if (head[index] === 0 && head[index + 1] !== 0) asciiBe += 1;
      if (head[index] !== 0 && head[index + 1] === 0) asciiLe += 1;
    }
    return textDecoder(asciiBe > asciiLe ? 'utf-16be' : 'utf-16le');
  };
  const release = (): string => {
    decoder = choose();
    return decoder.write(Uint8Array.from(head));
  };
  return {
    write(bytes) {
      if (decoder) return decoder.write(bytes);
      head.push(...bytes);
      return head.length < 16 ? '' : release();
    },
    end() {
      const text = decoder ? '' : release();
      return text + (decoder?.end() ?? '');
    },
  };
};

const isDecodableLabel = (label: string): boolean => {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    // Node without full ICU, or a charset it lacks
    return false;
  }
};

const multiByte = (label: string): (() => TextStreamDecoder) | undefined => {
  if (label === 'cp949') return isDecodableLabel('euc-kr') ? cp949Decoder : undefined;
  if (label === 'utf-16') return utf16;
  return isDecodableLabel(label) ? () => textDecoder(label) : undefined;
};

const charsets = new Map<string, Charset | null>();

const resolve = (key: string): Charset | null => {
  const upper = SINGLE_BYTE_TABLES[key];
  if (upper) return { key, decoder: () => singleByte(upper) };
  const label = MULTI_BYTE[key];
  const decoder = label === undefined ? undefined : multiByte(label);
  return label && decoder ? { key: label, decoder } : null;
};

/** The charset of that name, or undefined when it cannot be decoded here. */
export const findCharset = (name: string): Charset | undefined => {
  const key = canonicalCharsetName(name);
  const label = MULTI_BYTE[key] ?? key;
  let charset = charsets.get(label);
  if (charset === undefined) {
    charset = resolve(key);
    charsets.set(label, charset);
  }
  return charset ?? undefined;
};

/** Decodes all of `bytes` in a charset findCharset knows. */
export const decodeAll = (charset: Charset, bytes: Uint8Array): string => {
  const decoder = charset.decoder();
  return decoder.write(bytes) + decoder.end();
};
