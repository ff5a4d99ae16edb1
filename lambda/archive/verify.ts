import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { MailboxLayout } from '../engine/layout.js';
import type { MessageRecord } from '../engine/message-record.js';
import type { BlobStore } from '../stores/blob-store.js';
import type { CatalogView } from './catalog.js';
import { messageFailure } from './message-failure.js';
import { readAhead } from './read-ahead.js';

/**
 * `archive verify`: every raw object read again and checked against its catalog entry. Reads
 * only (the listing is the store's read-only one): a verify never repairs, it reports.
 */
export interface VerifiedMessage {
  readonly id: string;
  readonly uidl: string;
  readonly key: string;
}

export interface DamagedMessage extends VerifiedMessage {
  readonly expected: { readonly size: number; readonly sha256: string };
  readonly actual: { readonly size: number; readonly sha256: string };
}

export interface VerifyReport {
  /** Messages in the catalog. */
  readonly messages: number;
  /** Bytes read and hashed. */
  readonly bytes: number;
  /** Messages whose object is there with the catalog's size and SHA-256. */
  readonly ok: number;
  /** In the catalog, no raw object. */
  readonly missing: readonly VerifiedMessage[];
  /** Raw objects no catalog entry names (with their size when the listing gives it). */
  readonly extra: ReadonlyArray<{ readonly key: string; readonly size: number | null }>;
  /** Size or SHA-256 not the catalog's. */
  readonly damaged: readonly DamagedMessage[];
  /** Stopped by the signal before every object was read. */
  readonly interrupted: boolean;
}

export interface VerifyOptions {
  readonly concurrency: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: {
    readonly done: number;
    readonly total: number;
    readonly bytes: number;
    readonly totalBytes: number;
  }) => void;
}

/** Raw keys with their sizes, from the read-only listing where the store has one. */
const rawObjects = async (
  store: BlobStore,
  layout: MailboxLayout,
): Promise<Map<string, number | null>> => {
  const objects = new Map<string, number | null>();
  if (store.listSizes) {
    for await (const { key, size } of store.listSizes(layout.rawPrefix)) objects.set(key, size);
  } else {
    for await (const key of store.list(layout.rawPrefix)) objects.set(key, null);
  }
  return objects;
};

const digest = async (stream: Readable): Promise<{ size: number; sha256: string }> => {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: hash.digest('hex') };
};

const reference = (record: MessageRecord): VerifiedMessage => ({
  id: record.id,
  uidl: record.meta.uidl,
  key: record.meta.key,
});

export const verifyArchive = async (
  store: BlobStore,
  layout: MailboxLayout,
  catalog: CatalogView,
  options: VerifyOptions,
): Promise<VerifyReport> => {
  const objects = await rawObjects(store, layout);
  const cataloged = new Set(catalog.records.map((record) => record.meta.key));
  const extra = [...objects]
    .filter(([key]) => !cataloged.has(key))
    .map(([key, size]) => ({ key, size }));
  const missing: VerifiedMessage[] = [];
  const damaged: DamagedMessage[] = [];
  const present = catalog.records.filter((record) => {
    if (objects.has(record.meta.key)) return true;
    missing.push(reference(record));
    return false;
  });
  const progress = {
    done: 0,
    total: present.length,
    bytes: 0,
    totalBytes: present.reduce((sum, record) => sum + record.meta.size, 0),
  };
  let ok = 0;
  const checks = readAhead(
    present,
    async (record) => {
      try {
        const stream = await store.read(record.meta.key);
        return stream ? await digest(stream) : null;
      } catch (error) {
        throw messageFailure(record, 'reading', error);
      }
    },
    { concurrency: options.concurrency, ...(options.signal ? { signal: options.signal } : {}) },
  );
  for await (const { item: record, result } of checks) {
    progress.done += 1;
    if (result === null) {
      // Listed a moment ago, gone now.
      missing.push(reference(record));
    } else {
      progress.bytes += result.size;
      const { size, sha256 } = record.meta;
      if (result.size === size && result.sha256 === sha256) ok += 1;
      else damaged.push({ ...reference(record), expected: { size, sha256 }, actual: result });
    }
    options.onProgress?.({ ...progress });
    if (options.signal?.aborted) break;
  }
  return {
    messages: catalog.records.length,
    bytes: progress.bytes,
    ok,
    missing,
    extra,
    damaged,
    interrupted: options.signal?.aborted === true,
  };
};

/** Missing, extra or damaged objects: what makes `archive verify` exit non-zero. */
export const hasProblems = (report: VerifyReport): boolean =>
  report.missing.length + report.extra.length + report.damaged.length > 0;
