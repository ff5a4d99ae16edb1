import { mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { MessageRecord } from '../../engine/message-record.js';
import { PopfwdError } from '../../errors.js';
import { writeMessageFile } from './message-file.js';
import type { ExportTarget, WriteOutcome } from './target.js';

/**
 * The one-file-per-message formats.
 *
 * Maildir: `cur/<archived, unix seconds>.<message id>.popfwd,S=<size>:2,S` — in cur/ and
 * flagged seen (an archive is old mail), `S=` the size as Dovecot's Maildir++ names carry it,
 * the file's mtime the archiving time. Written in tmp/ and renamed, as Maildir requires. A mail
 * program may later move it or change its flags (the part after `:`); the message id in the
 * name is what a resumed export looks for, in cur/ and new/.
 *
 * eml: `<message id>.eml`, mtime the archiving time too; written as `.<id>.eml.popfwd-tmp`.
 *
 * A file of the right name whose size is not the message's (a power cut in the middle of a
 * write) is written again and counted as repaired.
 */

/** The size each message to export must have, by message id. */
export type ExpectedSizes = ReadonlyMap<string, number>;

const MAILDIR_NAME = /^\d+\.([0-9a-f]{32})\.popfwd(?:,S=\d+)?(?:[:!].*)?$/;
const MAILDIR_TEMP = /^\d+\.[0-9a-f]{32}\.popfwd(?:,S=\d+)?$/;
const EML_NAME = /^([0-9a-f]{32})\.eml$/;
const EML_TEMP = /^\.[0-9a-f]{32}\.eml\.popfwd-tmp$/;

const unusable = (path: string, error: NodeJS.ErrnoException): PopfwdError =>
  new PopfwdError('EUSAGE', `cannot export to ${path}: ${error.message}`, {
    cause: error,
    context: { path },
  });

const names = (dir: string): Promise<string[]> =>
  readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });

/** Removes the temporary files an interrupted export left in `dir`. */
const sweep = async (dir: string, temporary: RegExp): Promise<void> => {
  for (const name of await names(dir)) {
    if (temporary.test(name)) await unlink(join(dir, name)).catch(() => {});
  }
};

/** Ids whose file is there whole; files of the wrong size are removed (written again). */
const takeStock = async (
  dirs: readonly string[],
  pattern: RegExp,
  sizes: ExpectedSizes,
): Promise<{ existing: Set<string>; repaired: number }> => {
  const existing = new Set<string>();
  let repaired = 0;
  for (const dir of dirs) {
    for (const name of await names(dir)) {
      const id = pattern.exec(name)?.[1];
      const expected = id === undefined ? undefined : sizes.get(id);
      if (id === undefined || expected === undefined) continue;
      const found = await stat(join(dir, name)).catch(() => null);
      if (found?.isFile() && found.size === expected) {
        existing.add(id);
      } else if (found?.isFile()) {
        await unlink(join(dir, name));
        repaired += 1;
      }
    }
  }
  return { existing, repaired };
};

const archivedTime = (record: MessageRecord): Date => new Date(record.meta.archivedAt);

export const openMaildirTarget = async (
  path: string,
  sizes: ExpectedSizes,
): Promise<ExportTarget> => {
  const [cur, fresh, tmp] = ['cur', 'new', 'tmp'].map((sub) => join(path, sub)) as [
    string,
    string,
    string,
  ];
  for (const dir of [cur, fresh, tmp]) {
    await mkdir(dir, { recursive: true }).catch((error) => {
      throw unusable(path, error);
    });
  }
  await sweep(tmp, MAILDIR_TEMP);
  const { existing, repaired } = await takeStock([cur, fresh], MAILDIR_NAME, sizes);
  return {
    existing,
    repaired,
    sequential: false,
    write: (record: MessageRecord, body: Readable, signal: AbortSignal): Promise<WriteOutcome> => {
      const seconds = Math.floor(Date.parse(record.meta.archivedAt) / 1000);
      const base = `${seconds}.${record.id}.popfwd,S=${record.meta.size}`;
      return writeMessageFile(
        record,
        body,
        { temporary: join(tmp, base), final: join(cur, `${base}:2,S`) },
        { mtime: archivedTime(record), signal },
      );
    },
    close: async () => {},
  };
};

export const openEmlTarget = async (path: string, sizes: ExpectedSizes): Promise<ExportTarget> => {
  await mkdir(path, { recursive: true }).catch((error) => {
    throw unusable(path, error);
  });
  await sweep(path, EML_TEMP);
  const { existing, repaired } = await takeStock([path], EML_NAME, sizes);
  return {
    existing,
    repaired,
    sequential: false,
    write: (record: MessageRecord, body: Readable, signal: AbortSignal): Promise<WriteOutcome> =>
      writeMessageFile(
        record,
        body,
        {
          temporary: join(path, `.${record.id}.eml.popfwd-tmp`),
          final: join(path, `${record.id}.eml`),
        },
        { mtime: archivedTime(record), signal },
      ),
    close: async () => {},
  };
};
