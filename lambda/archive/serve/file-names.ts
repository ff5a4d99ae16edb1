/**
 * File names a message chooses for its attachments, made safe to hand to a browser's download:
 * no path (a name like `../../.bashrc`), no control or bidirectional-override characters (the
 * `invoice‮fdp.exe` trick that shows as `invoiceexe.pdf`), none of the characters Windows refuses,
 * no leading dots (hidden files), no reserved device names, and a bounded length that keeps the
 * extension.
 */

const MAX_NAME = 120;

// C0 and C1 controls, DEL, bidi embeddings, overrides and isolates, zero-width joiners, BOM.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const WINDOWS_RESERVED_CHARS = /[<>:"/\\|?*]/g;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/** Cuts `name` to `max` code points, keeping its extension when it has a short one. */
const shorten = (name: string, max: number): string => {
  const chars = [...name];
  if (chars.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? [...name.slice(dot)] : [];
  if (extension.length === 0 || extension.length > 16) return chars.slice(0, max).join('');
  return chars.slice(0, max - extension.length).join('') + extension.join('');
};

/** A safe download name for `wanted`, or `fallback` when nothing of it is left. */
export const safeFileName = (wanted: string | undefined, fallback: string): string => {
  const base = (wanted ?? '').split(/[/\\]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    .replace(INVISIBLE, '')
    .replace(WINDOWS_RESERVED_CHARS, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  const named = cleaned === '' ? fallback : cleaned;
  const device = WINDOWS_DEVICE.test(named) ? `_${named}` : named;
  return shorten(device, MAX_NAME);
};

/** RFC 8187 value characters (attr-char); everything else is percent-encoded from UTF-8. */
const encodeExtValue = (text: string): string =>
  encodeURIComponent(text).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/**
 * `Content-Disposition: attachment` for a download named `fileName` (already safe): an ASCII
 * `filename` for old clients and the exact name in `filename*` (RFC 6266 §4.3, RFC 8187).
 */
export const attachmentDisposition = (fileName: string): string => {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeExtValue(fileName)}`;
};

/** A name for the original message: its subject, else its UIDL, as `….eml`. */
export const emlFileName = (subject: string, uidl: string): string => {
  // A subject is not a path: "Re: lunch / Friday?" keeps all its words.
  const flat = (text: string) => text.replace(/[/\\]/g, '_');
  const stem = safeFileName(flat(subject), '') || safeFileName(flat(uidl), 'message');
  return `${shorten(stem, MAX_NAME - 4)}.eml`;
};
