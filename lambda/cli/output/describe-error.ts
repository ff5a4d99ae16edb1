import { ERROR_CODES, errorMessage, isPopfwdError } from '../../errors.js';

/** An error in one line for a log that goes on: its message, its code and what the code means. */
export const describeError = (error: unknown): string =>
  isPopfwdError(error)
    ? `${error.message} [${error.code}: ${ERROR_CODES[error.code].summary}]`
    : errorMessage(error);

/** An error as a JSON field: its stable code and its message. */
export const errorJson = (error: unknown): { code?: string; message: string } =>
  isPopfwdError(error)
    ? { code: error.code, message: error.message }
    : { message: errorMessage(error) };
