import { readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  /** The directory holding popfwd's package.json (a clone, or where npm installed it). */
  readonly root: string;
  readonly version: string;
  /** Run from a clone (`npm start`, `npx popfwd`), not from an installed copy. */
  readonly fromClone: boolean;
}

let cached: PackageInfo | undefined;

/**
 * popfwd's own package.json, found upwards from this file: it is lambda/cli/ in a clone run by
 * tsx and dist/lambda/cli/ once built, so no fixed relative path fits both.
 */
export const packageInfo = (): PackageInfo => {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (manifest.name === 'popfwd' && typeof manifest.version === 'string') {
        cached = {
          root: dir,
          version: manifest.version,
          fromClone: !dir.split(sep).includes('node_modules'),
        };
        return cached;
      }
    } catch {
      // No package.json here (or not ours): look one level up.
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('popfwd: its package.json was not found');
    dir = parent;
  }
};
