import { randomBytes } from 'node:crypto';
import { link, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PopfwdError } from '../errors.js';
import { fsError, hasErrno, removeQuietly, tempPath } from './local-files.js';

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
    const broken = await breakIfStale(path, options.staleMs);
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

/** True when the lock is gone or was broken (acquire again now), false while it is held. */
const breakIfStale = async (path: string, staleMs: number): Promise<boolean> => {
  const observed = await readLock(path);
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

const readLock = async (
  path: string,
): Promise<{ content: string; mtimeMs: number } | undefined> => {
  try {
    const [content, stats] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { content, mtimeMs: stats.mtimeMs };
  } catch {
    return undefined;
  }
};

const isStale = (content: string, mtimeMs: number, staleMs: number): boolean => {
  if (Date.now() - mtimeMs > staleMs) return true;
  const [pid, host] = content.split(' ');
  return host === HOST && pid !== undefined && !isProcessAlive(Number(pid));
};

const isProcessAlive = (pid: number): boolean => {
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return !hasErrno(error, 'ESRCH');
  }
};
