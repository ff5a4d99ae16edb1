import { type ErrorCode, PopfwdError } from '../errors.js';

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

/**
 * The error for a `-ERR` reply. `fallback` is the code when the server gave no response code:
 * EAUTH for login commands, ECOMMAND for the rest.
 */
export const errorForReply = (command: string, text: string, fallback: ErrorCode): PopfwdError => {
  const code = responseCode(text);
  const mapped = code ? RESP_CODES[code] : undefined;
  const what = command === 'greeting' ? 'the server refused the connection' : `${command} failed`;
  return new PopfwdError(mapped?.code ?? fallback, `POP3 ${what}: -ERR ${text}`.trimEnd(), {
    ...(mapped ? { retryable: mapped.retryable } : {}),
    context: { command, response: text, ...(code ? { responseCode: code } : {}) },
  });
};
