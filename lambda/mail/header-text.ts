import { isUtf8 } from 'node:buffer';
import libmime from 'libmime';

/**
 * Header bytes to text. Raw 8-bit headers are common (RFC 6532 UTF-8, and older mailers writing
 * windows-1252 or latin1 without encoded words), so each line is read as UTF-8 when it is valid
 * UTF-8 and as windows-1252 otherwise: no byte is ever lost to U+FFFD.
 */

// windows-1252 differs from latin1 only in 0x80–0x9F; the five undefined bytes stay as C1 controls.
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

const decodeWindows1252 = (bytes: Buffer): string =>
  bytes
    .toString('latin1')
    .replace(/[\u0080-\u009f]/g, (char) => CP1252_HIGH[char.charCodeAt(0) - 0x80] ?? char);

/** The whole block as text, line by line when it mixes encodings. */
export const decodeHeaderBytes = (bytes: Buffer): string => {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  const lines: string[] = [];
  let start = 0;
  while (start <= bytes.length) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline < 0 ? bytes.length : newline + 1;
    const line = bytes.subarray(start, end);
    lines.push(isUtf8(line) ? line.toString('utf8') : decodeWindows1252(line));
    if (newline < 0) break;
    start = end;
  }
  return lines.join('');
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
