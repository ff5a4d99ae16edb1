import { randomBytes } from 'node:crypto';
import { link, lstat, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PopfwdError } from '../../errors.js';
import {
  fsError,
  hasErrno,
  isProcessAlive,
  LOCK_PREFIX,
  removeQuietly,
  tempPath,
} from './local-files.js';

const HOST = hostname();

export interface LockOptions {
  /** How long to wait for another writer before giving up with ECONFLICT. */
  readonly timeoutMs: number;
  /** A lock this old is abandoned even if its process seems alive (pid reuse). */
  readonly staleMs: number;
}

export type ReleaseLock = () => Promise<void>;

/**
 * An O_EXCL lock file, held for the few milliseconds of a compare-and-swap. A lock whose process
 * died (same host) or that outlived `staleMs` is broken, so a crash never blocks the mailbox.
 */
export const acquireLock = async (
  path: string,
  key: string,
  options: LockOptions,
): Promise<ReleaseLock> => {
  const token = `${process.pid} ${HOST} ${randomBytes(8).toString('hex')}\n`;
  const deadline = Date.now() + options.timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(path, token, { flag: 'wx', mode: 0o600 });
      return () => releaseLock(path, token);
    } catch (error) {
      if (!hasErrno(error, 'EEXIST')) throw fsError(error, 'lock', key);
    }
    const broken = await breakIfStale(path, key, options.staleMs);
    if (Date.now() >= deadline) {
      throw new PopfwdError('ECONFLICT', `local store: ${key} is locked by another writer`, {
        context: { key, lock: path },
      });
    }
    if (!broken) await sleep(Math.min(2 ** attempt, 50) + Math.random() * 5);
  }
};

const releaseLock = async (path: string, token: string): Promise<void> => {
  // Only remove our own lock: a breaker may have replaced it after a long pause.
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current === token) await removeQuietly(path);
};

/**
 * True when the lock is gone or was broken (acquire again now), false while it is held. A lock
 * popfwd did not write (a link, a directory, other content) throws: waiting for it would only end
 * in a misleading "locked by another writer".
 */
const breakIfStale = async (path: string, key: string, staleMs: number): Promise<boolean> => {
  const observed = await readLock(path, key);
  if (observed === undefined) return true;
  if (!isStale(observed.content, observed.mtimeMs, staleMs)) return false;
  // Move it aside atomically; if what we moved is not what we judged stale, put it back.
  const aside = tempPath(dirname(path));
  try {
    await rename(path, aside);
  } catch (error) {
    return hasErrno(error, 'ENOENT');
  }
  const moved = await readFile(aside, 'utf8').catch(() => undefined);
  if (moved !== observed.content) await link(aside, path).catch(() => {});
  await removeQuietly(aside);
  return true;
};

/** What acquireLock writes: `<pid> <host> <token>` and a newline. */
const LOCK_CONTENT = /^\d+ \S+ \S+\n$/;

const readLock = async (
  path: string,
  key: string,
): Promise<{ content: string; mtimeMs: number } | undefined> => {
  const stats = await lstat(path).catch(() => undefined);
  if (stats === undefined) return undefined;
  if (!stats.isFile()) {
    const what = stats.isSymbolicLink()
      ? 'a symbolic link'
      : stats.isDirectory()
        ? 'a directory'
        : 'not a regular file';
    throw foreignLock(path, key, what);
  }
  const content = await readFile(path, 'utf8').catch(() => undefined);
  if (content === undefined) return undefined;
  // Empty: a writer between creating the file and writing its token.
  if (content !== '' && !LOCK_CONTENT.test(content)) {
    throw foreignLock(path, key, 'a file popfwd did not write');
  }
  return { content, mtimeMs: stats.mtimeMs };
};

const foreignLock = (path: string, key: string, what: string): PopfwdError =>
  new PopfwdError(
    'ESTORE',
    `the lock file ${path} (for ${key}) is ${what}; if no popfwd run is working on this store, remove it`,
    { retryable: false, context: { key, lock: path } },
  );

const isStale = (content: string, mtimeMs: number, staleMs: number): boolean => {
  if (Date.now() - mtimeMs > staleMs) return true;
  const [pid, host] = content.split(' ');
  return host === HOST && pid !== undefined && !isProcessAlive(Number(pid));
};

/** Breaks the stale locks directly in `dir` (a killed run leaves its lock); foreign ones stay. */
export const sweepLocks = async (dir: string, staleMs: number): Promise<void> => {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(LOCK_PREFIX)) continue;
    await breakIfStale(join(dir, name), name, staleMs).catch(() => {});
  }
};
