import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, link, lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { PopfwdError } from '../../errors.js';
import type { BlobStore, PutDocumentOptions, StoredDocument } from '../blob-store.js';
import { validateKey, validatePrefix } from '../key.js';
import { copyInBatches, guardReadStream } from '../stream-io.js';
import { collectKeys, createDirGuard, linkRefused } from './local-dirs.js';
import {
  chunkWriter,
  createDirSyncer,
  fsError,
  hasErrno,
  LOCK_PREFIX,
  removeQuietly,
  sweepTempFiles,
  type TempFile,
  writeTempFile,
} from './local-files.js';
import { acquireLock, type ReleaseLock, sweepLocks } from './local-lock.js';

export interface LocalStoreOptions {
  /** How long `putDocument` waits for another writer's lock. @default 5000 */
  readonly lockTimeoutMs?: number;
  /** A lock older than this is abandoned even if its process seems alive. @default 30000 */
  readonly lockStaleMs?: number;
  /**
   * Temp files left by a crash are removed when their writer's process (on this host) is gone,
   * or once this old (writers on other hosts). @default 3600000
   */
  readonly tempMaxAgeMs?: number;
}

/**
 * The archive in a local directory. `create` writes a temp file, fsyncs it and hard-links it under
 * the key (link fails if the key exists, like O_EXCL), so a key holds either nothing or the whole
 * message. Documents are replaced by rename under a lock file, which makes `ifVersion` a real
 * compare-and-swap between processes on this machine.
 */
export const createLocalStore = (root: string, options: LocalStoreOptions = {}): BlobStore => {
  const base = resolve(root);
  const lockOptions = {
    timeoutMs: options.lockTimeoutMs ?? 5_000,
    staleMs: options.lockStaleMs ?? 30_000,
  };
  const tempMaxAgeMs = options.tempMaxAgeMs ?? 3_600_000;
  const pathOf = (key: string): string => join(base, ...validateKey(key).split('/'));

  const guardDir = createDirGuard(base);
  // Made, checked and swept once per store (one run), not once per write. A directory removed
  // behind a running store fails its next write, and the next run makes it again.
  const madeDirs = new Map<string, Promise<string>>();
  // Concurrent writes into one directory share its fsyncs (group commit).
  const syncDirEntries = createDirSyncer();
  const makeDir = async (dir: string, key: string): Promise<string> => {
    await mkdir(dir, { recursive: true, mode: 0o700 }).catch((error: unknown) => {
      throw fsError(error, 'mkdir', key);
    });
    if ((await guardDir(dir, key)) === 'absent') {
      throw fsError(
        Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' }),
        'mkdir',
        key,
      );
    }
    // Temp files and locks of runs that were killed go before this run adds its own.
    await sweepTempFiles(dir, tempMaxAgeMs);
    await sweepLocks(dir, lockOptions.staleMs);
    return dir;
  };
  const prepareDir = (path: string, key: string): Promise<string> => {
    const dir = dirname(path);
    let made = madeDirs.get(dir);
    if (!made) {
      made = makeDir(dir, key);
      madeDirs.set(dir, made);
      made.catch(() => madeDirs.delete(dir));
    }
    return made;
  };

  /** An open regular file, or null when the key names nothing (or a directory). */
  const openFile = async (path: string, key: string): Promise<FileHandle | null> => {
    if ((await guardDir(dirname(path), key)) === 'absent') return null;
    let handle: FileHandle | undefined;
    try {
      handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
      if ((await handle.stat()).isFile()) return handle;
      await handle.close();
      return null;
    } catch (error) {
      await handle?.close().catch(() => {});
      if (hasErrno(error, 'ENOENT', 'ENOTDIR')) return null;
      if (hasErrno(error, 'ELOOP')) throw linkRefused(base, path, key, 'file');
      throw fsError(error, 'open', key);
    }
  };

  const readDocument = async (path: string, key: string): Promise<StoredDocument | null> => {
    const handle = await openFile(path, key);
    if (handle === null) return null;
    try {
      // One descriptor gives a consistent (inode, bytes) pair: files are replaced, never rewritten.
      const { ino } = await handle.stat({ bigint: true });
      const body = await handle.readFile();
      return { body, version: documentVersion(ino, body) };
    } catch (error) {
      throw fsError(error, 'read', key);
    } finally {
      await handle.close();
    }
  };

  /** Hard-links a complete temp file under `path`, never replacing; false when `path` exists. */
  const linkNew = async (temp: TempFile, path: string, key: string): Promise<boolean> => {
    try {
      await link(temp.path, path);
    } catch (error) {
      if (hasErrno(error, 'EEXIST')) return false;
      throw fsError(error, 'link', key);
    }
    await syncDirEntries(dirname(path), key);
    return true;
  };

  /** Links a complete temp file under `path`; false when `path` already exists. */
  const linkOnce = async (temp: TempFile, path: string, key: string): Promise<boolean> => {
    try {
      if (await linkNew(temp, path, key)) return true;
      // 'exists' lets the caller delete its copy, so it must really be a stored file.
      if (await isFile(path)) return false;
      const inTheWay = Object.assign(new Error(`${path} exists and is not a file`), {
        code: 'EEXIST',
      });
      throw fsError(inTheWay, 'link', key);
    } finally {
      await removeQuietly(temp.path);
    }
  };

  const lock = (path: string, key: string) =>
    acquireLock(join(dirname(path), LOCK_PREFIX + baseName(path)), key, lockOptions);

  const putLocked = async (
    path: string,
    key: string,
    body: Buffer,
    ifVersion: string,
  ): Promise<string> => {
    const dir = await prepareDir(path, key);
    const release = await lock(path, key);
    try {
      if ((await readDocument(path, key))?.version !== ifVersion) {
        throw conflict(key, 'the document changed or is gone');
      }
      const temp = await writeTempFile(dir, key, (handle) => writeAll(handle, body, key));
      return await replaceWith(temp, path, key, body);
    } finally {
      await release();
    }
  };

  /** Renames a complete temp file over `path` (the caller holds the lock) and syncs the dir. */
  const replaceWith = async (temp: TempFile, path: string, key: string, body: Buffer) => {
    try {
      await rename(temp.path, path);
    } catch (error) {
      await removeQuietly(temp.path);
      throw fsError(error, 'rename', key);
    }
    await syncDirEntries(dirname(path), key);
    return documentVersion(temp.ino, body);
  };

  /**
   * An unconditional write. A new key is linked without the lock: no compare-and-swap can be in
   * progress on a document that does not exist (a delete takes the lock too). An existing one is
   * replaced under the lock, so it never lands between another writer's check and its rename.
   */
  const putAnyway = async (path: string, key: string, body: Buffer): Promise<string> => {
    const dir = await prepareDir(path, key);
    const temp = await writeTempFile(dir, key, (handle) => writeAll(handle, body, key));
    let release: ReleaseLock;
    try {
      if (await linkNew(temp, path, key)) {
        await removeQuietly(temp.path);
        return documentVersion(temp.ino, body);
      }
      release = await lock(path, key);
    } catch (error) {
      await removeQuietly(temp.path);
      throw error;
    }
    try {
      return await replaceWith(temp, path, key, body);
    } finally {
      await release();
    }
  };

  return {
    location: base,

    async create(key, body) {
      const path = pathOf(key);
      const dir = await prepareDir(path, key);
      const temp = await writeTempFile(
        dir,
        key,
        (handle) => copyInBatches(body, chunkWriter(handle, key)),
        { inode: false },
      );
      return (await linkOnce(temp, path, key)) ? 'created' : 'exists';
    },

    async read(key) {
      const handle = await openFile(pathOf(key), key);
      if (handle === null) return null;
      return guardReadStream(handle.createReadStream(), (error) => fsError(error, 'read', key));
    },

    async getDocument(key) {
      return readDocument(pathOf(key), key);
    },

    async putDocument(key, body, options: PutDocumentOptions = {}) {
      const path = pathOf(key);
      if (options.ifVersion === undefined) return putAnyway(path, key, body);
      if (options.ifVersion !== null) return putLocked(path, key, body, options.ifVersion);
      const dir = await prepareDir(path, key);
      const temp = await writeTempFile(dir, key, (handle) => writeAll(handle, body, key));
      if (!(await linkOnce(temp, path, key))) throw conflict(key, 'the document already exists');
      return documentVersion(temp.ino, body);
    },

    async delete(key) {
      const path = pathOf(key);
      const existing = await openFile(path, key);
      if (existing === null) return;
      await existing.close();
      // The lock keeps a delete from interleaving with another writer's compare-and-swap.
      const release = await lock(path, key);
      try {
        await unlink(path);
      } catch (error) {
        if (!hasErrno(error, 'ENOENT')) throw fsError(error, 'delete', key);
      } finally {
        await release();
      }
    },

    async *list(prefix) {
      validatePrefix(prefix);
      const start = prefix.slice(0, prefix.lastIndexOf('/') + 1);
      const dir = join(base, ...start.split('/'));
      if ((await guardDir(dir, prefix)) === 'absent') return;
      const keys: string[] = [];
      await collectKeys(base, dir, start, prefix, keys, tempMaxAgeMs);
      yield* keys.sort();
    },

    // Read-only: leaves temp files alone, reads no file, only its size.
    async *listSizes(prefix) {
      validatePrefix(prefix);
      const start = prefix.slice(0, prefix.lastIndexOf('/') + 1);
      const dir = join(base, ...start.split('/'));
      if ((await guardDir(dir, prefix)) === 'absent') return;
      const keys: string[] = [];
      await collectKeys(base, dir, start, prefix, keys, null);
      for (const key of keys.sort()) {
        const stats = await lstat(pathOf(key)).catch(() => undefined);
        if (stats?.isFile()) yield { key, size: stats.size };
      }
    },
  };
};

const baseName = (path: string): string => path.slice(dirname(path).length + 1);

/** A stored file, not a link to one. */
const isFile = async (path: string): Promise<boolean> =>
  (await lstat(path).catch(() => undefined))?.isFile() === true;

/**
 * Every write makes a new inode while the old one is still linked, so consecutive versions differ;
 * an old version can only come back with identical bytes, where a compare-and-swap is harmless
 * (S3's ETag, an MD5, behaves the same).
 */
const documentVersion = (ino: bigint, body: Buffer): string =>
  `${ino.toString(36)}.${createHash('sha256').update(body).digest('base64url').slice(0, 22)}`;

const writeAll = async (handle: FileHandle, body: Buffer, key: string): Promise<void> => {
  await handle.writeFile(body).catch((error: unknown) => {
    throw fsError(error, 'write', key);
  });
};

const conflict = (key: string, reason: string): PopfwdError =>
  new PopfwdError('ECONFLICT', `local store: ${key}: ${reason}`, { context: { key } });
