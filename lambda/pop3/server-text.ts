/**
 * Text a POP3 server controls (-ERR replies, greetings, listing lines) is shown on terminals and
 * stored in state files. Before it enters an error message or a log line it is made printable:
 * control characters (C0, DEL, C1), bidirectional overrides and line separators become visible
 * escapes, so a reply cannot move the cursor, retitle the terminal, ring the bell or reorder text.
 */

/** C0 and DEL, C1, bidi embeddings/overrides/isolates, the Unicode line and paragraph separators. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const escapeChar = (char: string): string => {
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** Text with every unprintable character escaped (`\x1b`, `\u202e`), cut to `maxLength`. */
export const printable = (text: string, maxLength = 200): string => {
  const cut = text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
  return cut.replace(UNPRINTABLE, escapeChar);
};

/** Bytes a server sent, shown byte for byte: printable ASCII as is, every other byte as `\xNN`. */
export const printableBytes = (bytes: Buffer, maxLength = 80): string => {
  const shown = bytes.subarray(0, maxLength);
  let text = '';
  for (const byte of shown) {
    text +=
      byte >= 0x20 && byte <= 0x7e && byte !== 0x5c
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return bytes.length > maxLength ? `${text}…` : text;
};
