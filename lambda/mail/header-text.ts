import { isUtf8 } from 'node:buffer';
import libmime from 'libmime';

/**
 * Header bytes to text. Raw 8-bit headers are common (RFC 6532 UTF-8, and older mailers writing
 * their local charset without encoded words), so each field is read as UTF-8 when it is valid
 * UTF-8; else in the charset the message declares for its text (the top-level Content-Type's
 * charset, which the same mailer wrote) when that decodes it cleanly; else as windows-1252, which
 * maps every byte: no byte is ever lost to U+FFFD.
 */

// windows-1252 differs from latin1 only in 0x80–0x9F; the five undefined bytes stay as C1 controls.
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

const decodeWindows1252 = (latin1: string): string =>
  latin1.replace(/[\u0080-\u009f]/g, (char) => CP1252_HIGH[char.charCodeAt(0) - 0x80] ?? char);

// Bytes that need decoding: 8-bit, or ESC (ISO-2022 charsets are 7-bit with escape sequences).
const NEEDS_DECODING = /[\u001b\u0080-\u00ff]/;
const ISO_2022_JP = /\u001b(?:\$[@B]|\([BJ])/;
// A charset name as Content-Type writes it; anything else is not looked up.
const CHARSET_NAME = /^[A-Za-z0-9._:+-]{1,40}$/;

/**
 * Bytes in a declared charset, or null when that charset does not decode them cleanly (unknown to
 * libmime, refused like UTF-7, or bytes that are not valid in it). libmime's decodeWord is its
 * public way to decode bytes in a named charset (the base64 round trip costs microseconds on a
 * header); in the Lambda bundle it runs on lambda/bundle-shims.
 */
const decodeInCharset = (bytes: Buffer, charset: string): string | null => {
  if (!CHARSET_NAME.test(charset)) return null;
  try {
    const text = libmime.decodeWord(charset, 'B', bytes.toString('base64'));
    return text.includes('\ufffd') ? null : text;
  } catch {
    return null;
  }
};

/**
 * One field value, unfolded, as read from the header block one byte per character (latin1), to
 * text. `charset` is the message's declared charset, or null.
 */
export const decodeFieldBytes = (latin1: string, charset: string | null): string => {
  if (!NEEDS_DECODING.test(latin1)) return latin1;
  const bytes = Buffer.from(latin1, 'latin1');
  const escaped = latin1.includes('\u001b');
  // ISO-2022-JP written raw: its escapes say what it is, whatever else the message declares.
  if (escaped && ISO_2022_JP.test(latin1) && !/^iso-?2022/i.test(charset ?? '')) {
    const japanese = decodeInCharset(bytes, 'ISO-2022-JP');
    if (japanese !== null) return japanese;
  }
  if (!escaped && isUtf8(bytes)) return bytes.toString('utf8');
  const declared = charset ? decodeInCharset(bytes, charset) : null;
  if (declared !== null) return declared;
  return isUtf8(bytes) ? bytes.toString('utf8') : decodeWindows1252(latin1);
};

// Controls a header value must not carry once decoded: an encoded word can hide CR LF or NUL.
const HAS_CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROLS = /[\u0000-\u001f\u007f]+/g;

/** One line of text: NUL dropped, other controls (CR, LF, TAB …) become a space, ends trimmed. */
export const cleanValue = (value: string): string =>
  HAS_CONTROL.test(value)
    ? value
        .replace(/\u0000/g, '')
        .replace(CONTROLS, ' ')
        .trim()
    : value.trim();

/** RFC 2047 encoded words decoded; a broken word or unknown charset never throws. */
export const decodeWords = (value: string): string => {
  if (!value.includes('=?')) return value;
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
};
