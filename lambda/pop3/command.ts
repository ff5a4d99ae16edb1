import { PopfwdError } from '../errors.js';
import { POP3_LIMITS } from './limits.js';

/** A command ready for the wire, and how it may appear in a log. */
export interface WireCommand {
  /** The verb, for errors and context ("RETR"). */
  readonly verb: string;
  readonly bytes: Buffer;
  /** What the transcript shows; secrets are masked here, where the command is built. */
  readonly logLine: string;
}

const FORBIDDEN = /[\r\n\0]/;

/**
 * Builds a command line. CR, LF and NUL in an argument would let it smuggle a second command onto
 * the wire, so they are refused before anything is written. `secret` masks every argument in the
 * log, `secretFrom` those from that index on.
 */
export const buildCommand = (
  verb: string,
  args: readonly (string | number)[] = [],
  options: { secret?: boolean; secretFrom?: number; maxBytes?: number } = {},
): WireCommand => {
  const parts = args.map(String);
  for (const part of parts) {
    if (FORBIDDEN.test(part)) {
      throw new PopfwdError('EARGUMENT', `${verb}: an argument contains CR, LF or NUL`, {
        context: { command: verb },
      });
    }
  }
  const line = [verb, ...parts].join(' ');
  const bytes = Buffer.from(`${line}\r\n`, 'utf8');
  const maxBytes = options.maxBytes ?? POP3_LIMITS.maxCommandBytes;
  if (bytes.length > maxBytes) {
    throw new PopfwdError('EARGUMENT', `${verb}: the command is longer than ${maxBytes} bytes`, {
      context: { command: verb },
    });
  }
  const shown = options.secret ? 0 : (options.secretFrom ?? parts.length);
  const logLine = [verb, ...parts.slice(0, shown), ...(shown < parts.length ? ['****'] : [])].join(
    ' ',
  );
  return { verb, bytes, logLine };
};

/** A bare SASL response line (base64, or "" / "*"); always masked in logs. */
export const buildSaslResponse = (payload: string): WireCommand => {
  if (FORBIDDEN.test(payload)) {
    throw new PopfwdError('EARGUMENT', 'a SASL response contains CR, LF or NUL', {
      context: { command: 'AUTH' },
    });
  }
  return {
    verb: 'AUTH',
    bytes: Buffer.from(`${payload}\r\n`, 'utf8'),
    logLine: payload ? '****' : '(empty line)',
  };
};

/** A message number (or any count a command takes) must be a positive integer. */
export const positiveInteger = (value: number, what: string): void => {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new PopfwdError('EARGUMENT', `${what} must be a positive integer`, {
      context: { value },
    });
  }
};
