import type { Readable } from 'node:stream';
import type { MessageRecord } from '../../engine/message-record.js';
import type { BlobStore } from '../../stores/blob-store.js';
import { messageFailure } from '../message-failure.js';
import { forEachConcurrently, readAhead } from '../read-ahead.js';
import { openEmlTarget, openMaildirTarget } from './file-targets.js';
import { openMboxTarget } from './mbox-target.js';
import { prefetchMessage } from './prefetch.js';
import type { ExportTarget, WriteOutcome } from './target.js';

export const EXPORT_FORMATS = ['mbox', 'maildir', 'eml'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportProgress {
  readonly done: number;
  readonly total: number;
  readonly bytes: number;
  readonly totalBytes: number;
}

export interface ExportOptions {
  readonly format: ExportFormat;
  /** The mbox file, or the Maildir or eml folder. */
  readonly out: string;
  /** Raw objects read at once. */
  readonly concurrency: number;
  readonly signal: AbortSignal;
  readonly onProgress?: (progress: ExportProgress) => void;
}

/** A message the export could not take, as reports name it. */
export interface ExportProblem {
  readonly id: string;
  readonly uidl: string;
  readonly key: string;
  /** What the object held instead, when it was damaged. */
  readonly found?: { readonly size: number; readonly sha256: string };
}

export interface ExportReport {
  readonly format: ExportFormat;
  readonly out: string;
  /** Messages the filters chose. */
  readonly selected: number;
  readonly exported: number;
  readonly alreadyThere: number;
  /** Half-written messages of an interrupted export, removed and written again. */
  readonly repaired: number;
  /** In the catalog, but the raw object is not in the store. */
  readonly missing: readonly ExportProblem[];
  /** The raw object's size or SHA-256 is not the catalog's: not exported. */
  readonly damaged: readonly ExportProblem[];
  /** Bytes of the messages exported by this run. */
  readonly bytes: number;
  /** Stopped by the signal: what was done is there, the rest comes with the next export. */
  readonly interrupted: boolean;
}

const openTarget = (format: ExportFormat, out: string, records: readonly MessageRecord[]) => {
  if (format === 'mbox') return openMboxTarget(out);
  const sizes = new Map(records.map((record) => [record.id, record.meta.size]));
  return format === 'maildir' ? openMaildirTarget(out, sizes) : openEmlTarget(out, sizes);
};

const problem = (record: MessageRecord, outcome?: WriteOutcome): ExportProblem => ({
  id: record.id,
  uidl: record.meta.uidl,
  key: record.meta.key,
  ...(outcome?.kind === 'damaged' ? { found: { size: outcome.size, sha256: outcome.sha256 } } : {}),
});

const isAbort = (error: unknown, signal: AbortSignal): boolean =>
  signal.aborted || (error instanceof Error && error.name === 'AbortError');

/**
 * Exports `records` (in catalog order) to `out`, skipping what an earlier export put there.
 * One file (mbox): the next few objects are opened while one is written, the writes stay in
 * order. A file each: a few messages are read and written at once.
 */
export const exportArchive = async (
  store: BlobStore,
  records: readonly MessageRecord[],
  options: ExportOptions,
): Promise<ExportReport> => {
  const target: ExportTarget = await openTarget(options.format, options.out, records);
  const todo = records.filter((record) => !target.existing.has(record.id));
  const progress = {
    done: 0,
    total: todo.length,
    bytes: 0,
    totalBytes: todo.reduce((sum, record) => sum + record.meta.size, 0),
  };
  const missing: ExportProblem[] = [];
  const damaged: ExportProblem[] = [];
  let exported = 0;
  let exportedBytes = 0;
  let interrupted = false;

  const settle = (record: MessageRecord, outcome: WriteOutcome | null) => {
    if (outcome === null) missing.push(problem(record));
    else if (outcome.kind === 'damaged') damaged.push(problem(record, outcome));
    else {
      exported += 1;
      exportedBytes += outcome.bytes;
    }
    progress.done += 1;
    progress.bytes += record.meta.size;
    options.onProgress?.({ ...progress });
  };
  /** Reads (or takes what was read ahead) and writes one message; a failure names it. */
  const write = async (record: MessageRecord, read: () => Promise<Readable | null>) => {
    try {
      const body = await read();
      settle(record, body ? await target.write(record, body, options.signal) : null);
    } catch (error) {
      throw messageFailure(record, 'exporting', error);
    }
  };

  try {
    if (target.sequential) {
      // Each read's outcome is handed over whole (a failed read must reach `write` to be named).
      const settled = (record: MessageRecord) =>
        prefetchMessage(store, record).then(
          (body) => ({ body, error: null }),
          (error: unknown) => ({ body: null, error }),
        );
      const opened = readAhead(todo, settled, {
        concurrency: options.concurrency,
        signal: options.signal,
        discard: (read) => (read as { body: Readable | null }).body?.destroy(),
      });
      for await (const { item, result } of opened) {
        if (options.signal.aborted) {
          result.body?.destroy();
          break;
        }
        await write(item, async () => {
          if (result.error !== null) throw result.error;
          return result.body;
        });
      }
    } else {
      await forEachConcurrently(
        todo,
        (record) => write(record, () => store.read(record.meta.key)),
        { concurrency: options.concurrency, signal: options.signal },
      );
    }
  } catch (error) {
    if (!isAbort(error, options.signal)) {
      await target.close().catch(() => {});
      throw error;
    }
  } finally {
    interrupted = options.signal.aborted;
  }
  await target.close();
  return {
    format: options.format,
    out: options.out,
    selected: records.length,
    exported,
    alreadyThere: records.length - todo.length,
    repaired: target.repaired,
    missing,
    damaged,
    bytes: exportedBytes,
    interrupted,
  };
};
