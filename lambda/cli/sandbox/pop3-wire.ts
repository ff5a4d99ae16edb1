/**
 * Server-side POP3 wire encoding, pure: status lines, multi-line replies, dot-stuffing, TOP.
 * Message bytes go out the way Dovecot 2.3 sends stored mail (the reference server in the
 * integration tests): an LF without CR before it becomes CRLF, a CRLF is appended when the message
 * does not end with LF, lines starting with "." get one more ".", bare CR and NUL pass unchanged.
 */

export const CRLF = Buffer.from('\r\n');
const TERMINATOR = Buffer.from('.\r\n');
const DOT = Buffer.from('.');
const LF = 0x0a;
const CR = 0x0d;
const PERIOD = 0x2e;

export const RESP_CODES = {
  inUse: 'IN-USE',
  loginDelay: 'LOGIN-DELAY',
  sysTemp: 'SYS/TEMP',
  sysPerm: 'SYS/PERM',
  auth: 'AUTH',
} as const;
export type RespCode = (typeof RESP_CODES)[keyof typeof RESP_CODES];

export const okLine = (text = ''): Buffer => Buffer.from(text ? `+OK ${text}\r\n` : '+OK\r\n');

/** `-ERR [CODE] text`; the code is left out when RESP-CODES is switched off. */
export const errLine = (text: string, code?: RespCode, respCodes = true): Buffer =>
  Buffer.from(code && respCodes ? `-ERR [${code}] ${text}\r\n` : `-ERR ${text}\r\n`);

/** A multi-line reply whose body lines are short protocol text (CAPA, LIST, UIDL). */
export const multilineText = (status: string, lines: readonly string[]): Buffer =>
  multiline(status, Buffer.from(lines.map((line) => `${line}\r\n`).join('')));

/** `+OK status`, the dot-stuffed body, `.\r\n`. The body must already end with CRLF (or be empty). */
export const multiline = (status: string, body: Buffer): Buffer =>
  Buffer.concat([okLine(status), dotStuff(body), TERMINATOR]);

/** Every line that starts with "." gets another "."; a line starts at offset 0 and after LF. */
export const dotStuff = (body: Buffer): Buffer => {
  const parts: Buffer[] = [];
  let start = 0;
  let lineStart = 0;
  while (lineStart < body.length) {
    if (body[lineStart] === PERIOD) {
      parts.push(body.subarray(start, lineStart), DOT);
      start = lineStart;
    }
    const lf = body.indexOf(LF, lineStart);
    if (lf === -1) break;
    lineStart = lf + 1;
  }
  if (parts.length === 0) return body;
  parts.push(body.subarray(start));
  return Buffer.concat(parts);
};

/** The message as it goes on the wire (before stuffing): CRLF line ends and a final CRLF. */
export const wireBody = (data: Buffer): Buffer => {
  const parts: Buffer[] = [];
  let start = 0;
  for (let lf = data.indexOf(LF); lf !== -1; lf = data.indexOf(LF, lf + 1)) {
    if (lf === 0 || data[lf - 1] !== CR) {
      parts.push(data.subarray(start, lf), CRLF);
      start = lf + 1;
    }
  }
  if (start === 0 && data.at(-1) === LF) return data;
  parts.push(data.subarray(start));
  if (data.at(-1) !== LF) parts.push(CRLF);
  return Buffer.concat(parts);
};

/**
 * The size LIST and `+OK n octets` report, as Dovecot does: bare LF counted as CRLF, the CRLF
 * appended to a message without final newline not counted. A hint for clients, not a length.
 */
export const wireSize = (data: Buffer): number => {
  let bareLf = 0;
  for (let lf = data.indexOf(LF); lf !== -1; lf = data.indexOf(LF, lf + 1)) {
    if (lf === 0 || data[lf - 1] !== CR) bareLf += 1;
  }
  return data.length + bareLf;
};

/** TOP: the header block, the blank line after it, and the first `lines` body lines. */
export const topOf = (wire: Buffer, lines: number): Buffer => {
  const blank = wire.subarray(0, 2).equals(CRLF) ? 0 : wire.indexOf('\r\n\r\n');
  if (blank === -1) return wire;
  let end = blank === 0 ? 2 : blank + 4;
  for (let taken = 0; taken < lines && end < wire.length; taken += 1) {
    const lf = wire.indexOf(LF, end);
    end = lf === -1 ? wire.length : lf + 1;
  }
  return wire.subarray(0, end);
};

/** RFC 1939 §7: a unique-id is 1 to 70 characters in the range 0x21 to 0x7E. */
export const isValidUidl = (uidl: string): boolean => /^[\x21-\x7e]{1,70}$/.test(uidl);
