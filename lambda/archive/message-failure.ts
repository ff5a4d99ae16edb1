import type { MessageRecord } from '../engine/message-record.js';
import { errorMessage, isPopfwdError, PopfwdError } from '../errors.js';

/**
 * A failure while one archived message was read or written (a dropped S3 connection, a full
 * disk) as the archive commands report it: naming the message, never as an "unexpected error"
 * with a stack trace. A PopfwdError (the store's own, with its code) passes unchanged.
 */
export const messageFailure = (record: MessageRecord, doing: string, error: unknown): unknown => {
  if (isPopfwdError(error)) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  return new PopfwdError(
    'ESTORE',
    `${doing} ${record.meta.key} (UIDL ${record.meta.uidl}) failed: ${errorMessage(error)}`,
    { cause: error, retryable: false, context: { key: record.meta.key } },
  );
};
