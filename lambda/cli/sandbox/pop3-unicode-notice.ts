/**
 * What Courier's POP3 server sends instead of a message with 8-bit header bytes to a client that
 * did not enter RFC 6856 UTF-8 mode: a generated notice with the original attached, under a fresh
 * boundary each session (so it never has the same bytes twice). Pure; the sandbox uses it when
 * told to behave like Courier.
 */

const LF = 0x0a;
const CR = 0x0d;

/** The header block: everything before the first empty line (or the whole message). */
const headerBlock = (data: Buffer): Buffer => {
  if (data[0] === LF || (data[0] === CR && data[1] === LF)) return data.subarray(0, 0);
  for (let lf = data.indexOf(LF); lf !== -1; lf = data.indexOf(LF, lf + 1)) {
    if (data[lf + 1] === LF || (data[lf + 1] === CR && data[lf + 2] === LF)) {
      return data.subarray(0, lf + 1);
    }
  }
  return data;
};

/** True when a header field holds a byte ≥ 0x80 (raw UTF-8 or any other 8-bit text). */
export const hasEightBitHeader = (data: Buffer): boolean =>
  headerBlock(data).some((byte) => byte >= 0x80);

/** The notice, in the layout Courier uses (its text, a multipart/mixed with the original). */
export const unicodeNotice = (original: Buffer, boundary: string): Buffer =>
  Buffer.concat([
    Buffer.from(
      [
        'From: Mail Delivery Subsystem <postmaster>',
        'Subject: Cannot display Unicode content',
        'Mime-Version: 1.0',
        `Content-Type: multipart/mixed; boundary="${boundary}"`,
        '',
        '',
        '',
        `--${boundary}`,
        'Content-Type: text/plain',
        '',
        'This E-mail message was determined to be Unicode-formatted',
        'but your E-mail reader does not support Unicode E-mail.',
        '',
        `--${boundary}`,
        'Content-Type: message/global',
        '',
        '',
      ].join('\r\n'),
    ),
    original,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
