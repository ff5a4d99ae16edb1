import { createHash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/**
 * Every file and directory under `root` with its size, mtime and content hash: two snapshots are
 * equal only when nothing was written, added, removed or touched.
 */
export const snapshotDir = async (root: string): Promise<Record<string, string>> => {
  const entries: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const stats = await lstat(path);
      const name = relative(root, path);
      if (entry.isDirectory()) {
        entries[`${name}/`] = `dir ${stats.mtimeMs}`;
        await walk(path);
      } else {
        const hash = createHash('sha256')
          .update(await readFile(path))
          .digest('hex');
        entries[name] = `${stats.size} ${stats.mtimeMs} ${hash}`;
      }
    }
  };
  await walk(root);
  return entries;
};
