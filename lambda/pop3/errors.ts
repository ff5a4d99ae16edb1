import { type ErrorCode, PopfwdError } from '../errors.js';
import { printable } from './server-text.js';

/**
 * RFC 2449 / RFC 3206 response codes: `-ERR [IN-USE] …`. They decide whether a later run may
 * succeed (IN-USE, LOGIN-DELAY, SYS/TEMP) or a person must act (SYS/PERM, AUTH).
 */
const RESP_CODES: Readonly<Record<string, { code: ErrorCode; retryable: boolean }>> = {
  'IN-USE': { code: 'EINUSE', retryable: true },
  'LOGIN-DELAY': { code: 'ELOGINDELAY', retryable: true },
  'SYS/TEMP': { code: 'ESYSTEMP', retryable: true },
  'SYS/PERM': { code: 'ESYSPERM', retryable: false },
  AUTH: { code: 'EAUTH', retryable: false },
};

/** The bracketed response code at the start of -ERR text, upper-cased, or null. */
export const responseCode = (text: string): string | null => {
  const match = /^\[([^\]\s]+)\]/.exec(text);
  return match?.[1] ? match[1].toUpperCase() : null;
};

const describe = (command: string, code: ErrorCode, shown: string): string => {
  if (command === 'greeting') return `POP3 the server refused the connection: -ERR ${shown}`;
  // Only [AUTH] says the credentials are wrong (RFC 3206); any other refusal is quoted as is.
  if (code === 'ELOGIN') return `POP3 ${command}: the server refused the login: ${shown || '-ERR'}`;
  return `POP3 ${command} failed: -ERR ${shown}`.trimEnd();
};

/**
 * The error for a `-ERR` reply. `fallback` is the code when the server gave no response code:
 * ELOGIN for login commands, ECOMMAND for the rest. The server's text is made printable here,
 * where it enters the error.
 */
export const errorForReply = (command: string, text: string, fallback: ErrorCode): PopfwdError => {
  const code = responseCode(text);
  const mapped = code ? RESP_CODES[code] : undefined;
  const shown = printable(text);
  return new PopfwdError(
    mapped?.code ?? fallback,
    describe(command, mapped?.code ?? fallback, shown),
    {
      ...(mapped ? { retryable: mapped.retryable } : {}),
      context: { command, response: shown, ...(code ? { responseCode: printable(code, 40) } : {}) },
    },
  );
};
