import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { PopfwdError } from '../../errors.js';
import { RESERVED_SEGMENT_PREFIX } from '../key.js';
import { fsError, hasErrno, isAbandonedTemp, removeQuietly, TEMP_PREFIX } from './local-files.js';

/**
 * Directories inside the local store must be real directories. A symbolic link among them would
 * send the archive's writes outside the store, or feed it files popfwd never wrote, so it is
 * refused with an error instead of followed. (The store's root itself may be a link: the user
 * chose it.)
 */

export const linkRefused = (
  base: string,
  path: string,
  key: string,
  kind: 'file' | 'directory' | 'file or directory',
): PopfwdError =>
  new PopfwdError(
    'ESTORE',
    `${relative(base, path)} in the store ${base} is a symbolic link; popfwd does not follow links inside its store (writes would land outside it): replace it with a real ${kind}`,
    { retryable: false, context: { key, path } },
  );

/**
 * Checks the directories from the store's root down to `dir` (each once per store): 'absent' when
 * one does not exist (nothing to read there), 'ok' when all are real directories; throws ESTORE
 * for a symbolic link.
 */
export const createDirGuard = (base: string) => {
  const verified = new Set<string>();
  return async (dir: string, key: string): Promise<'ok' | 'absent'> => {
    if (dir === base || verified.has(dir)) return 'ok';
    let current = base;
    for (const part of relative(base, dir).split(sep)) {
      current = join(current, part);
      if (verified.has(current)) continue;
      let stats: Stats;
      try {
        stats = await lstat(current);
      } catch (error) {
        if (hasErrno(error, 'ENOENT', 'ENOTDIR')) return 'absent';
        throw fsError(error, 'stat', key);
      }
      if (stats.isSymbolicLink()) throw linkRefused(base, current, key, 'directory');
      if (!stats.isDirectory()) return 'absent';
      verified.add(current);
    }
    return 'ok';
  };
};

/**
 * Walks `dir` (key prefix `dirKey`) for keys starting with `prefix`, refusing symbolic links;
 * sweeps abandoned temp files on the way, unless `tempMaxAgeMs` is null (a read-only walk).
 */
export const collectKeys = async (
  base: string,
  dir: string,
  dirKey: string,
  prefix: string,
  keys: string[],
  tempMaxAgeMs: number | null,
): Promise<void> => {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (hasErrno(error, 'ENOENT', 'ENOTDIR')) return;
    throw fsError(error, 'list', dirKey);
  }
  for (const entry of entries) {
    if (entry.name.startsWith(RESERVED_SEGMENT_PREFIX)) {
      if (entry.name.startsWith(TEMP_PREFIX) && tempMaxAgeMs !== null)
        await sweepTemp(dir, entry.name, tempMaxAgeMs);
      continue;
    }
    const key = dirKey + entry.name;
    if (entry.isSymbolicLink()) {
      if (key.startsWith(prefix) || prefix.startsWith(`${key}/`))
        throw linkRefused(base, join(dir, entry.name), key, 'file or directory');
    } else if (entry.isDirectory()) {
      const childPrefix = `${key}/`;
      if (childPrefix.startsWith(prefix) || prefix.startsWith(childPrefix)) {
        await collectKeys(base, join(dir, entry.name), childPrefix, prefix, keys, tempMaxAgeMs);
      }
    } else if (entry.isFile() && key.startsWith(prefix)) {
      keys.push(key);
    }
  }
};

const sweepTemp = async (dir: string, name: string, maxAgeMs: number): Promise<void> => {
  const path = join(dir, name);
  const stats = await lstat(path).catch(() => undefined);
  if (stats !== undefined && isAbandonedTemp(name, stats.mtimeMs, maxAgeMs))
    await removeQuietly(path);
};
