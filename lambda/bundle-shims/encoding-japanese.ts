import { decodeAll, findCharset } from './text-decoder.js';

/**
 * What libmime calls on encoding-japanese: `convert(bytes, { to: 'UNICODE', from, type: 'string' })`
 * for the Japanese charsets iconv-lite lacks, named as libmime matches them (/^jis|^iso-?2022-?jp|
 * ^EUCJP/i): EUCJP… is EUC-JP, the others ISO-2022-JP. Anything else is not asked for; it throws,
 * and libmime goes on to iconv-lite.
 */
export interface ConvertOptions {
  readonly to: string;
  readonly from: string;
  readonly type: string;
}

export const convert = (bytes: Uint8Array, options: ConvertOptions): string => {
  const { to, from, type } = options;
  if (to.toUpperCase() !== 'UNICODE' || type !== 'string') {
    throw new Error(`only decoding to a string is supported here (to ${to}, type ${type})`);
  }
  const charset = findCharset(/^eucjp/i.test(from) ? 'euc-jp' : 'iso-2022-jp');
  if (!charset) throw new Error(`cannot decode ${from} here`);
  return decodeAll(charset, bytes);
};

export default { convert };
