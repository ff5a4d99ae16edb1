import type { HeaderField } from '../mail/message-meta.js';
import type { BlobStore } from '../stores/blob-store.js';
import {
  type CatalogEntry,
  decodeHeaders,
  decodeSegment,
  headersKeyOf,
  parseSegmentKey,
  type SegmentName,
  splitsHeaders,
} from './catalog-format.js';
import { forEachLimit } from './concurrency.js';
import type { MailboxLayout } from './layout.js';
import { type MessageRecord, parseRecord } from './message-record.js';

/**
 * Reading the catalog: its segments, and the fold that makes them one record per message.
 *
 * The fold rule: of all entries for one message id, the one with the greatest sequence number is
 * the message's record. A run takes a new number for each segment it writes (above every number
 * in the catalog when it starts writing) and compaction keeps each entry's number, so an entry
 * written later always wins, whatever the clocks of the hosts that wrote them say. Entries with
 * equal numbers are copies of one write (a compaction or migration repeated after a crash) and
 * hold the same record. Record objects of earlier versions (`records/<id>.json`) rank below
 * every entry: the catalog is only ever newer than them.
 */

/** Segment reads in flight: on S3 the latency of each hides behind the others. */
export const READ_CONCURRENCY = 8;

/** A legacy record object ranks below every catalog entry. */
export const LEGACY_SEQ = -1;

export interface Folded {
  readonly seq: number;
  readonly record: MessageRecord;
  /** The segment holding it; null for a legacy record object. */
  readonly segment: string | null;
}

/** Every segment under the catalog prefix, in key (write) order; other files are skipped. */
export const listSegments = async (
  store: BlobStore,
  layout: MailboxLayout,
): Promise<SegmentName[]> => {
  const segments: SegmentName[] = [];
  for await (const key of store.list(layout.catalogPrefix)) {
    const name = parseSegmentKey(layout, key);
    if (name) segments.push(name);
  }
  return segments;
};

/**
 * The entries of one segment, their records without header fields. A segment listed and gone
 * (compaction removed it since) reads as empty: its entries are in the segment that replaced it.
 */
export const readSegment = async (store: BlobStore, key: string): Promise<CatalogEntry[]> => {
  const stored = await store.getDocument(key);
  return stored ? decodeSegment(stored.body, key) : [];
};

/** The header fields of one segment's messages, by id. */
export const readSegmentHeaders = async (
  store: BlobStore,
  key: string,
): Promise<Map<string, readonly HeaderField[]>> => {
  const headersKey = headersKeyOf(key);
  const stored = await store.getDocument(headersKey);
  return stored ? decodeHeaders(stored.body, headersKey) : new Map();
};

/** Adds `candidate` to the fold: it replaces the current entry only with a greater sequence. */
export const foldEntry = (folded: Map<string, Folded>, candidate: Folded): void => {
  const current = folded.get(candidate.record.id);
  if (!current || candidate.seq > current.seq) folded.set(candidate.record.id, candidate);
};

export interface ScanOptions {
  /** Called after each segment (or batch of legacy records) with the messages folded so far. */
  readonly onProgress?: (read: number) => void;
  /**
   * A damaged segment is reported here and skipped. Without it the scan throws its ESTORE: the
   * engine never decides anything on a catalog it could not read whole.
   */
  readonly onDamaged?: (error: unknown) => void;
  /** Also read record objects not moved into the catalog yet. @default true */
  readonly legacy?: boolean;
  /** Also read the header files: records come with `meta.headers`. @default false */
  readonly headers?: boolean;
}

/**
 * The whole catalog folded: segments read a few at a time, plus any legacy record objects (an
 * archive written before the catalog that no run has moved yet). Header fields are left out.
 */
export const scanCatalog = async (
  store: BlobStore,
  layout: MailboxLayout,
  options: ScanOptions = {},
): Promise<{ folded: Map<string, Folded>; segments: SegmentName[] }> => {
  const folded = new Map<string, Folded>();
  const segments = await listSegments(store, layout);
  let vanished = false;
  const read = async (segment: SegmentName): Promise<void> => {
    let entries: CatalogEntry[];
    let headers: Map<string, readonly HeaderField[]> | null = null;
    try {
      const stored = await store.getDocument(segment.key);
      if (!stored) {
        vanished = true;
        return;
      }
      [entries, headers] = await Promise.all([
        decodeSegment(stored.body, segment.key),
        options.headers && splitsHeaders(segment.kind)
          ? readSegmentHeaders(store, segment.key)
          : null,
      ]);
    } catch (error) {
      if (!options.onDamaged) throw error;
      options.onDamaged(error);
      return;
    }
    for (const { seq, record } of entries) {
      const fields = headers?.get(record.id);
      // A listing leaves header fields out whatever the segment kind: one shape, less memory.
      const shaped = fields
        ? { ...record, meta: { ...record.meta, headers: fields } }
        : options.headers || record.meta.headers.length === 0
          ? record
          : { ...record, meta: { ...record.meta, headers: [] } };
      foldEntry(folded, { seq, record: shaped, segment: segment.key });
    }
    options.onProgress?.(folded.size);
  };
  await forEachLimit(segments, READ_CONCURRENCY, read);
  // A segment listed and gone was merged by a run compacting meanwhile (a listing holds no
  // lease); the merged segment was written before it was deleted: list again, read what is new.
  if (vanished) {
    const known = new Set(segments.map((segment) => segment.key));
    const added = (await listSegments(store, layout)).filter((segment) => !known.has(segment.key));
    await forEachLimit(added, READ_CONCURRENCY, read);
    segments.push(...added);
  }
  if (options.legacy !== false) {
    await readLegacyRecords(
      store,
      layout,
      (record) => {
        foldEntry(folded, { seq: LEGACY_SEQ, record, segment: null });
        options.onProgress?.(folded.size);
      },
      undefined,
      options.onDamaged,
    );
  }
  return { folded, segments };
};

/** Keys of the record objects an earlier version wrote. */
export const listLegacyRecords = async (
  store: BlobStore,
  layout: MailboxLayout,
): Promise<string[]> => {
  const keys: string[] = [];
  for await (const key of store.list(layout.recordsPrefix))
    if (key.endsWith('.json')) keys.push(key);
  return keys;
};

/**
 * Each legacy record object, checked (a damaged one throws ESTORE naming it), a few reads at a
 * time. `keys` defaults to all of them.
 */
export const readLegacyRecords = async (
  store: BlobStore,
  layout: MailboxLayout,
  visit: (record: MessageRecord, key: string) => void,
  keys?: readonly string[],
  onDamaged?: (error: unknown) => void,
): Promise<void> => {
  await forEachLimit(
    keys ?? (await listLegacyRecords(store, layout)),
    READ_CONCURRENCY,
    async (key) => {
      const stored = await store.getDocument(key);
      if (!stored) return;
      let record: MessageRecord;
      try {
        record = parseRecord(stored.body, key);
      } catch (error) {
        if (!onDamaged) throw error;
        onDamaged(error);
        return;
      }
      visit(record, key);
    },
  );
};
