import { createHash, randomBytes } from 'node:crypto';
import { type FileHandle, lstat, open, readdir, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { errorMessage, isPopfwdError, PopfwdError } from '../../errors.js';
import { RESERVED_SEGMENT_PREFIX } from '../key.js';

/** Files the local store writes beside the keys; `list` never shows them. */
export const TEMP_PREFIX = `${RESERVED_SEGMENT_PREFIX}tmp.`;
export const LOCK_PREFIX = `${RESERVED_SEGMENT_PREFIX}lock.`;

/** This host, short and file-name safe, in temp file names. */
const HOST_TAG = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/**
 * A fresh temp file name in `dir`: `.popfwd.tmp.<host>.<pid>.<random>`, so a later run can tell a
 * file whose writer died (killed mid-write) from one a live run is still writing.
 */
export const tempPath = (dir: string): string =>
  join(dir, `${TEMP_PREFIX}${HOST_TAG}.${process.pid}.${randomBytes(8).toString('hex')}`);

/** Whether a process with this pid exists on this host (a zombie or one we may not signal does). */
export const isProcessAlive = (pid: number): boolean => {
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return !hasErrno(error, 'ESRCH');
  }
};

/**
 * A temp file no live run can own: its writer ran on this host and is gone, or it is older than
 * `maxAgeMs` (a writer on another host, a reused pid, a name from an older popfwd). A file being
 * written keeps a fresh mtime, so age alone never takes a file from a live writer.
 */
export const isAbandonedTemp = (name: string, mtimeMs: number, maxAgeMs: number): boolean => {
  if (Date.now() - mtimeMs > maxAgeMs) return true;
  const [host, pid] = name.slice(TEMP_PREFIX.length).split('.');
  return host === HOST_TAG && /^\d+$/.test(pid ?? '') && !isProcessAlive(Number(pid));
};

/**
 * Removes abandoned temp files directly in `dir` (killed runs leave them). Best effort: a file
 * that cannot be judged or removed stays for the next sweep.
 */
export const sweepTempFiles = async (dir: string, maxAgeMs: number): Promise<void> => {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const path = join(dir, name);
    const stats = await lstat(path).catch(() => undefined);
    if (stats && !stats.isDirectory() && isAbandonedTemp(name, stats.mtimeMs, maxAgeMs))
      await removeQuietly(path);
  }
};

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
  /** Documents need the inode for their version; messages do not. */
  options: { readonly inode?: boolean } = {},
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
    const ino = options.inode === false ? 0n : (await handle.stat({ bigint: true })).ino;
    await handle.close();
    return { path, ino };
  } catch (error) {
    await handle.close().catch(() => {});
    await removeQuietly(path);
    throw error;
  }
};

/**
 * Group commit for directory entries: an fsync of a directory makes every entry made before it
 * started durable. A caller whose entry exists now joins the next fsync to start (never one already
 * running, which may have begun before its entry), so concurrent writers share fsyncs.
 */
export const createDirSyncer = (sync: (dir: string, key: string) => Promise<void> = syncDir) => {
  const state = new Map<string, { running: Promise<void>; next: Promise<void> | null }>();
  return (dir: string, key: string): Promise<void> => {
    const current = state.get(dir);
    if (current?.next) return current.next;
    const start = (): Promise<void> => {
      const running = sync(dir, key).finally(() => {
        const entry = state.get(dir);
        if (entry?.running === running && !entry.next) state.delete(dir);
      });
      return running;
    };
    if (!current) {
      const running = start();
      state.set(dir, { running, next: null });
      return running;
    }
    const next = current.running
      .catch(() => {})
      .then(() => {
        const running = start();
        state.set(dir, { running, next: null });
        return running;
      });
    current.next = next;
    return next;
  };
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
