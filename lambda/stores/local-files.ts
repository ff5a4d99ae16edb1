import { randomBytes } from 'node:crypto';
import { type FileHandle, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage, isPopfwdError, PopfwdError } from '../errors.js';
import { RESERVED_SEGMENT_PREFIX } from './key.js';

/** Files the local store writes beside the keys; `list` never shows them. */
export const TEMP_PREFIX = `${RESERVED_SEGMENT_PREFIX}tmp.`;
export const LOCK_PREFIX = `${RESERVED_SEGMENT_PREFIX}lock.`;

export const tempPath = (dir: string): string =>
  join(dir, TEMP_PREFIX + randomBytes(8).toString('hex'));

export interface TempFile {
  readonly path: string;
  /** Identifies the written bytes: a file's content never changes once it is complete. */
  readonly ino: bigint;
}

/**
 * A new private file in `dir` filled by `fill` and flushed to disk, under a unique temp name so a
 * crash leaves nothing under any key. Removed again when anything fails.
 */
export const writeTempFile = async (
  dir: string,
  key: string,
  fill: (handle: FileHandle) => Promise<unknown>,
): Promise<TempFile> => {
  const path = tempPath(dir);
  const handle = await open(path, 'wx', 0o600).catch((error: unknown) => {
    throw fsError(error, 'create', key);
  });
  try {
    await fill(handle);
    await handle.sync().catch((error: unknown) => {
      throw fsError(error, 'sync', key);
    });
    const { ino } = await handle.stat({ bigint: true });
    await handle.close();
    return { path, ino };
  } catch (error) {
    await handle.close().catch(() => {});
    await removeQuietly(path);
    throw error;
  }
};

/** Makes a new or removed directory entry durable. */
export const syncDir = async (dir: string, key: string): Promise<void> => {
  let handle: FileHandle;
  try {
    handle = await open(dir, 'r');
  } catch (error) {
    // Some platforms cannot open a directory for fsync; there is nothing more to do there.
    if (hasErrno(error, 'EISDIR', 'EPERM', 'EINVAL')) return;
    throw fsError(error, 'sync', key);
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!hasErrno(error, 'EISDIR', 'EPERM', 'EINVAL')) throw fsError(error, 'sync', key);
  } finally {
    await handle.close();
  }
};

/** A `copyInBatches` writer appending to `handle`. */
export const chunkWriter =
  (handle: FileHandle, key: string) =>
  async (chunks: Buffer[]): Promise<void> => {
    try {
      await handle.writev(chunks);
    } catch (error) {
      throw fsError(error, 'write', key);
    }
  };

export const removeQuietly = async (path: string): Promise<void> => {
  await unlink(path).catch(() => {});
};

export const hasErrno = (error: unknown, ...codes: string[]): boolean =>
  error instanceof Error && codes.includes((error as NodeJS.ErrnoException).code ?? '');

// Retrying cannot fix these; everything else (ENOSPC, EIO, EMFILE …) may pass.
const PERMANENT_ERRNOS = ['EACCES', 'EPERM', 'EROFS', 'ENAMETOOLONG', 'ENOTDIR', 'EISDIR'];

/** Wraps a file-system failure; a PopfwdError passes through unchanged. */
export const fsError = (error: unknown, operation: string, key: string): PopfwdError => {
  if (isPopfwdError(error)) return error;
  const errno = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  return new PopfwdError('ESTORE', `file ${operation} failed for ${key}: ${errorMessage(error)}`, {
    cause: error,
    retryable: !hasErrno(error, ...PERMANENT_ERRNOS),
    context: { operation, key, errno },
  });
};
