import { readdir, readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The viewer's page: plain HTML, CSS and JavaScript modules in ./page, served from memory
 * (they are small, and the package is all they come from: no CDN, nothing fetched). The build
 * copies the folder next to the compiled server (package.json "build").
 */
export interface PageAsset {
  readonly body: Buffer;
  readonly contentType: string;
}

export const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** index.html and every asset beside it, by file name. */
export const loadPageAssets = async (dir = PAGE_DIR): Promise<ReadonlyMap<string, PageAsset>> => {
  const assets = new Map<string, PageAsset>();
  for (const name of await readdir(dir)) {
    const contentType = TYPES[extname(name)];
    if (contentType) assets.set(name, { body: await readFile(`${dir}${name}`), contentType });
  }
  if (!assets.has('index.html')) throw new Error(`the viewer's page is missing from ${dir}`);
  return assets;
};
