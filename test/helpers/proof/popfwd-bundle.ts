import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const CHILD = fileURLToPath(new URL('./popfwd-child.ts', import.meta.url));
/** Inside the repository, so the bundle's bare imports resolve to its node_modules. */
const CACHE = fileURLToPath(new URL('../../../node_modules/.cache/', import.meta.url));

export interface PopfwdBundle {
  /** The `popfwd` CLI (popfwd-child.ts) as one ES module; packages stay imports. */
  readonly path: string;
  dispose(): Promise<void>;
}

/**
 * Compiles the CLI from the current sources (never a stale dist/) into one file, so each child
 * process starts in about half the time tsx would take to load the sources file by file.
 */
export const bundlePopfwd = async (): Promise<PopfwdBundle> => {
  await mkdir(CACHE, { recursive: true });
  const dir = await mkdtemp(join(CACHE, 'popfwd-proof-'));
  const path = join(dir, 'popfwd.mjs');
  await build({
    entryPoints: [CHILD],
    outfile: path,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  return { path, dispose: () => rm(dir, { recursive: true, force: true }) };
};
