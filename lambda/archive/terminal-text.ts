/**
 * Text a message controls (subjects, names, bodies, attachment names) printed to a terminal.
 * Escape sequences could recolour the screen, move the cursor, retitle the window or fake a
 * prompt, and bidirectional overrides reorder what is shown: sequences are removed, any other
 * control character becomes a visible `\xNN` / `\uNNNN` escape.
 */

/** CSI (`ESC [ … final`), OSC (`ESC ] … BEL or ESC \`), other two-byte ESC sequences, 8-bit CSI. */
const ESCAPE_SEQUENCE =
  /\u001b\[[\u0020-\u003f]*[\u0040-\u007e]?|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)?|\u001b[\u0020-\u007e]?|\u009b[\u0020-\u003f]*[\u0040-\u007e]?/g;

/** C0 but TAB and LF, DEL, C1, bidi embeddings/overrides/isolates, line and paragraph separators. */
const UNSAFE_KEEPING_LINES =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
/** The same, TAB and LF included: one line must stay one line. */
const UNSAFE_IN_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const visible = (char: string): string => {
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** One line of text, at most `max` characters (then `…`), nothing in it a terminal acts on. */
export const oneLine = (text: string, max = 300): string => {
  // Made safe before it is cut (a sequence must not be cut into visible text), but a huge
  // subject is first cut roughly, so the work stays proportional to what is shown.
  const rough = text.length > max * 8 ? text.slice(0, max * 8) : text;
  const safe = rough.replace(ESCAPE_SEQUENCE, '').replace(UNSAFE_IN_LINE, visible);
  return safe.length > max ? `${safe.slice(0, max)}…` : safe;
};

/**
 * A body: line breaks kept (CRLF and a lone CR read as LF, as a mail reader shows them), tabs
 * kept, escape sequences removed, every other control character made visible.
 */
export const textBlock = (text: string): string =>
  text.replace(/\r\n?/g, '\n').replace(ESCAPE_SEQUENCE, '').replace(UNSAFE_KEEPING_LINES, visible);

/** `text` cut or padded to exactly `width` characters, for table columns. */
export const cell = (text: string, width: number): string => {
  const safe = oneLine(text, width);
  return safe.length > width ? `${safe.slice(0, width - 1)}…` : safe.padEnd(width);
};
