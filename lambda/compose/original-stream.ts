import { Readable } from 'node:stream';
import { isPopfwdError, PopfwdError } from '../errors.js';

/**
 * The archived original as message content: opened only when the SMTP transaction reaches it
 * (a mail that is never sent never opens the archive), read chunk by chunk with backpressure.
 *
 * A read failure ends the SMTP transaction without the terminating dot, so a truncated original
 * never goes out. It surfaces as a plain Error whose `cause` is the PopfwdError (ESTORE unless the
 * archive already raised one): nodemailer rewrites `code` and `message` of the error it is handed,
 * and the PopfwdError must reach classifySendError intact.
 */
export const originalStream = (open: () => Promise<Readable>, prefix?: Buffer): Readable =>
  Readable.from(
    (async function* () {
      if (prefix) yield prefix;
      try {
        for await (const chunk of await open()) yield chunk as Buffer;
      } catch (error) {
        throw contentFailure(error);
      }
    })(),
    { objectMode: false },
  );

/** A failure to read the archived original, as a PopfwdError (ESTORE unless it already is one). */
export const archiveReadError = (error: unknown): PopfwdError =>
  isPopfwdError(error)
    ? error
    : new PopfwdError('ESTORE', 'reading the archived original failed', { cause: error });

const contentFailure = (error: unknown): Error => {
  const cause = archiveReadError(error);
  return new Error(cause.message, { cause });
};
