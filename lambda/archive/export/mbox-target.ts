import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import type { MessageRecord } from '../../engine/message-record.js';
import { PopfwdError } from '../../errors.js';
import { AppendFile } from './append-file.js';
import {
  fromLine,
  lengthDigits,
  lengthOffset,
  MAX_FROM_LINE,
  MboxrdEscaper,
  parseFromLine,
  trailer,
  trailerLength,
} from './mboxrd.js';
import { ByteCheck, type ExportTarget, throwIfAborted, type WriteOutcome } from './target.js';

interface Scan {
  readonly ids: Set<string>;
  /** Where the whole messages end: the file is cut here. */
  readonly end: number;
  /** A message left half-written (its From_ line shows no length, or its bytes are cut off). */
  readonly repaired: number;
}

const changed = (path: string, offset: number, what: string): PopfwdError =>
  new PopfwdError(
    'EUSAGE',
    `${path} is not an mbox that \`popfwd archive export\` wrote, or it was changed since (${what} at byte ${offset}); nothing was written: export to a new --out`,
    { context: { path, offset } },
  );

const readAt = async (handle: FileHandle, offset: number, length: number): Promise<Buffer> => {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, offset);
  return buffer.subarray(0, bytesRead);
};

/**
 * Walks the From_ lines of an mbox popfwd wrote, jumping from one to the next by the length
 * each carries (no need to read the messages). The last message may be cut short by an
 * interrupted export: it is left out, and the file is cut at its From_ line. Anything else
 * unexpected means another program changed the file: EUSAGE, and nothing is written.
 */
const scanMbox = async (handle: FileHandle, size: number, path: string): Promise<Scan> => {
  const ids = new Set<string>();
  const cutShort = (offset: number): Scan => ({ ids, end: offset, repaired: 1 });
  let offset = 0;
  while (offset < size) {
    const head = await readAt(handle, offset, MAX_FROM_LINE);
    const newline = head.indexOf(0x0a);
    if (newline === -1) {
      // A From_ line cut off by the end of the file: an export stopped while writing it.
      const text = head.toString('latin1');
      const fromLineStart = text.startsWith('From ') || 'From '.startsWith(text);
      if (offset + head.length >= size && fromLineStart) return cutShort(offset);
      throw changed(path, offset, 'no From_ line');
    }
    const parsed = parseFromLine(head.subarray(0, newline));
    if (!parsed) throw changed(path, offset, 'a From_ line popfwd did not write');
    // No length yet: the export stopped in this message. Whatever follows is its bytes.
    if (parsed.length === null) return cutShort(offset);
    const end = offset + newline + 1 + parsed.length;
    if (end >= size) return cutShort(offset);
    // The message's last byte (none when it is empty) and the LFs after it, in one read.
    const from = parsed.length === 0 ? end : end - 1;
    const tail = await readAt(handle, from, end + 2 - from);
    const last = parsed.length === 0 ? -1 : (tail[0] as number);
    const next = end + trailerLength(last);
    if (next > size) return cutShort(offset);
    const gap = tail.subarray(end - from, next - from);
    if (!gap.every((byte) => byte === 0x0a))
      throw changed(path, end, 'no empty line after a message');
    ids.add(parsed.id);
    offset = next;
  }
  return { ids, end: size, repaired: 0 };
};

/** mbox (mboxrd) at `path`: created, or resumed where an earlier export left it. */
export const openMboxTarget = async (path: string): Promise<ExportTarget> => {
  // As for Maildir and eml: the folders on the way are made.
  await mkdir(dirname(path), { recursive: true }).catch(() => {});
  const handle = await open(path, 'a+').catch((error: NodeJS.ErrnoException) => {
    throw new PopfwdError('EUSAGE', `cannot write the mbox ${path}: ${error.message}`, {
      cause: error,
      context: { path },
    });
  });
  try {
    const { size } = await handle.stat();
    const scan = await scanMbox(handle, size, path);
    if (scan.end < size) await handle.truncate(scan.end);
    // 'a+' appends wherever a write asks: reopen for positioned writes.
    await handle.close();
    return mboxTarget(await open(path, 'r+'), scan);
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
};

const mboxTarget = (handle: FileHandle, scan: Scan): ExportTarget => {
  const file = new AppendFile(handle, scan.end);
  return {
    existing: scan.ids,
    repaired: scan.repaired,
    sequential: true,
    async write(record: MessageRecord, body: Readable, signal: AbortSignal): Promise<WriteOutcome> {
      const start = file.position;
      const line = fromLine(record);
      const check = new ByteCheck();
      const escaper = new MboxrdEscaper();
      let escaped = 0;
      try {
        file.write(line);
        for await (const chunk of body as AsyncIterable<Buffer>) {
          throwIfAborted(signal);
          check.update(chunk);
          for (const piece of escaper.push(chunk)) {
            file.write(piece);
            escaped += piece.length;
          }
          await file.writeIfFull();
        }
        for (const piece of escaper.end()) {
          file.write(piece);
          escaped += piece.length;
        }
        file.write(trailer(escaper.lastByte));
      } catch (error) {
        body.destroy();
        await file.truncate(start);
        throw error;
      }
      const outcome = check.outcome(record);
      if (outcome.kind === 'damaged') {
        await file.truncate(start);
        return outcome;
      }
      // The length last: until it is set, the message reads as unfinished.
      await file.overwrite(
        start + lengthOffset(line),
        lengthDigits(escaped),
        line,
        lengthOffset(line),
      );
      await file.writeIfFull();
      return outcome;
    },
    async close() {
      try {
        await file.sync();
      } finally {
        await handle.close();
      }
    },
  };
};
