import { type FileHandle, open } from 'node:fs/promises';
import { chunkWriter, fsError, removeQuietly, tempPath } from '../local/local-files.js';
import { copyInBatches } from '../stream-io.js';

/** A body read to its end, ready to be uploaded as often as needed. */
export type Spooled =
  | { readonly kind: 'memory'; readonly body: Buffer }
  | { readonly kind: 'file'; readonly path: string; readonly size: number };

/**
 * Reads `source` (readable only once) to its end so an upload can be repeated: bodies up to
 * `memoryLimit` bytes stay in memory, larger ones go to a private temp file in `dir`. Memory stays
 * bounded either way. When the source fails, nothing is left behind and its error propagates.
 */
export const spool = async (
  source: AsyncIterable<Buffer | string>,
  memoryLimit: number,
  dir: string,
  key: string,
): Promise<Spooled> => {
  let head: Buffer[] = [];
  let headSize = 0;
  let file: { handle: FileHandle; path: string } | undefined;
  try {
    const size = await copyInBatches(source, async (chunks) => {
      if (file !== undefined) return chunkWriter(file.handle, key)(chunks);
      head.push(...chunks);
      headSize += chunks.reduce((total, chunk) => total + chunk.length, 0);
      if (headSize <= memoryLimit) return;
      file = await openSpoolFile(dir, key);
      const spilled = head;
      head = [];
      await chunkWriter(file.handle, key)(spilled);
    });
    if (file === undefined) return { kind: 'memory', body: Buffer.concat(head, headSize) };
    await file.handle.close();
    return { kind: 'file', path: file.path, size };
  } catch (error) {
    if (file !== undefined) {
      await file.handle.close().catch(() => {});
      await removeQuietly(file.path);
    }
    throw error;
  }
};

export const discardSpooled = async (spooled: Spooled): Promise<void> => {
  if (spooled.kind === 'file') await removeQuietly(spooled.path);
};

const openSpoolFile = async (
  dir: string,
  key: string,
): Promise<{ handle: FileHandle; path: string }> => {
  const path = tempPath(dir);
  try {
    return { handle: await open(path, 'wx', 0o600), path };
  } catch (error) {
    throw fsError(error, 'spool', key);
  }
};
