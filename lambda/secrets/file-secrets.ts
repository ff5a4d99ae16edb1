import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  type FileSecretRef,
  refuseEmptyWrite,
  requireValue,
  type SecretAdapter,
  secretError,
} from './secret-adapter.js';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'the file does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'the path is a directory',
  ENOTDIR: 'a parent of the path is not a directory',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
};

const reasonFor = (cause: unknown): string => {
  const code = (cause as NodeJS.ErrnoException).code ?? 'unknown error';
  return REASONS[code] ?? `file system error ${code}`;
};

/** Files written by `popfwd auth login` end with a newline, and so do files written by editors. */
const withoutTrailingNewline = (text: string): string => text.replace(/\r?\n$/, '');

/** Makes the rename itself durable; not every platform can open a directory, and that is fine. */
const syncDirectory = async (dir: string): Promise<void> => {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort: the file's own data was synced before the rename.
  } finally {
    await handle?.close();
  }
};

/**
 * Secrets in local files. Writes are atomic: a temp file (mode 0600) in the same directory is
 * written, synced and renamed over the target, so a crash leaves the old or the new secret, never
 * half of one.
 */
export const createFileSecrets = (): SecretAdapter<FileSecretRef> => ({
  async read(ref) {
    let text: string;
    try {
      text = await readFile(ref.file, 'utf8');
    } catch (cause) {
      throw secretError('read', ref, reasonFor(cause), { cause });
    }
    return requireValue(ref, withoutTrailingNewline(text), 'the file');
  },

  async write(ref, value) {
    refuseEmptyWrite(ref, value);
    const dir = dirname(ref.file);
    const temp = join(dir, `.${basename(ref.file)}.${randomBytes(6).toString('hex')}.tmp`);
    let handle: FileHandle | undefined;
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      handle = await open(temp, 'wx', 0o600);
      await handle.writeFile(`${value}\n`, 'utf8');
      await handle.sync();
      await handle.close();
      handle = undefined;
      await rename(temp, ref.file);
    } catch (cause) {
      await handle?.close().catch(() => {});
      await rm(temp, { force: true });
      throw secretError('write', ref, reasonFor(cause), { cause });
    }
    await syncDirectory(dir);
  },
});
