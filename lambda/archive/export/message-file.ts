import { createWriteStream } from 'node:fs';
import { rename, unlink, utimes } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MessageRecord } from '../../engine/message-record.js';
import { ByteCheck, type WriteOutcome } from './target.js';

/**
 * One message as one file (Maildir, eml): written under a temporary name, checked against the
 * catalog, given its time, then renamed into place. A file under its final name is therefore
 * always whole: an interrupted export leaves at most a temporary file, which the next removes.
 */
export const writeMessageFile = async (
  record: MessageRecord,
  body: Readable,
  paths: { readonly temporary: string; readonly final: string },
  options: { readonly mtime: Date | null; readonly signal: AbortSignal },
): Promise<WriteOutcome> => {
  const check = new ByteCheck();
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      check.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(body, tap, createWriteStream(paths.temporary, { flags: 'w' }), {
      signal: options.signal,
    });
  } catch (error) {
    await unlink(paths.temporary).catch(() => {});
    throw error;
  }
  const outcome = check.outcome(record);
  if (outcome.kind === 'damaged') {
    await unlink(paths.temporary).catch(() => {});
    return outcome;
  }
  if (options.mtime) await utimes(paths.temporary, options.mtime, options.mtime);
  await rename(paths.temporary, paths.final);
  return outcome;
};
