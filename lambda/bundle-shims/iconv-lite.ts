import { type Charset, canonicalCharsetName, decodeAll, findCharset } from './text-decoder.js';

/**
 * What libmime (dist/cjs/charset.js) calls on iconv-lite, over text-decoder.ts: getCodec,
 * encodingExists, decode and getDecoder. Nothing here encodes: libmime writes UTF-8 only, and
 * nodemailer does not use iconv-lite. test/unit/charsets checks that libmime asks for nothing else.
 */

/** What getCodec returns: one object per charset, compared by identity in libmime. */
export interface Codec {
  readonly name: string;
  /** Distinct per charset: libmime tells the double-byte decoders apart by it. */
  readonly decoder: () => void;
  readonly charset: Charset | undefined;
}

/**
 * Codecs libmime looks up when it loads but never decodes with: UTF-7 (a way to smuggle markup
 * past filters), base64 and hex (transfer encodings) it refuses by identity, and UTF-32 it lists
 * for its byte-order guessing. Here none of them decodes, so their text is read as UTF-8.
 */
const NAMED_ONLY: Readonly<Record<string, string>> = {
  utf7: 'utf7',
  unicode11utf7: 'utf7',
  utf7imap: 'utf7imap',
  base64: 'base64',
  hex: 'hex',
  utf32: 'utf32',
  utf32le: 'utf32le',
  utf32be: 'utf32be',
};

const codecs = new Map<string, Codec>();

const codecFor = (key: string, charset: Charset | undefined): Codec => {
  let codec = codecs.get(key);
  if (!codec) {
    codec = { name: key, decoder: () => {}, charset };
    codecs.set(key, codec);
  }
  return codec;
};

export const getCodec = (name: string): Codec => {
  const charset = findCharset(name);
  if (charset) return codecFor(charset.key, charset);
  const named = NAMED_ONLY[canonicalCharsetName(name)];
  if (named) return codecFor(named, undefined);
  throw new Error(`Encoding not recognized: '${name}'`);
};

/** True when text in that charset can be decoded here. */
export const encodingExists = (name: string): boolean => findCharset(name) !== undefined;

const decodable = (name: string): Charset => {
  const { charset } = getCodec(name);
  if (!charset) throw new Error(`Encoding not supported here: '${name}'`);
  return charset;
};

/** Like iconv-lite, a string is read as binary (one byte per character). */
export const decode = (bytes: Uint8Array | string, name: string): string =>
  decodeAll(decodable(name), typeof bytes === 'string' ? Buffer.from(bytes, 'binary') : bytes);

export const getDecoder = (name: string): { write(bytes: Uint8Array): string; end(): string } =>
  decodable(name).decoder();

export default { getCodec, encodingExists, decode, getDecoder };
