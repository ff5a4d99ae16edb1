import type { BlobStore } from '../stores/blob-store.js';
import {
  type CatalogEntry,
  encodeSegment,
  entryLine,
  headerLine,
  headersKeyOf,
  type SegmentKind,
  type SegmentName,
  segmentKey,
  splitsHeaders,
} from './catalog-format.js';
import type { MailboxLayout } from './layout.js';

/**
 * Writes a segment, create-only. A merged one (compaction, migration): the header file, then the
 * entries file, which makes the segment exist. A run's own: one object, header fields inline.
 */
export const writeSegment = async (
  store: BlobStore,
  layout: MailboxLayout,
  kind: SegmentKind,
  seq: number,
  tag: string,
  entries: readonly CatalogEntry[],
): Promise<SegmentName> => {
  const name: SegmentName = {
    key: segmentKey(layout, { seq, kind, entries: entries.length, tag }),
    seq,
    kind,
    entries: entries.length,
  };
  const split = splitsHeaders(kind);
  if (split) {
    const headers = await encodeSegment(entries.map((entry) => headerLine(entry.record)));
    await store.putDocument(headersKeyOf(name.key), headers, {
      ifVersion: null,
      contentType: 'application/gzip',
    });
  }
  const lines = await encodeSegment(entries.map((entry) => entryLine(entry, split)));
  await store.putDocument(name.key, lines, { ifVersion: null, contentType: 'application/gzip' });
  return name;
};

/** Removes a segment: the entries file first, so no half-removed segment is ever read. */
export const deleteSegment = async (store: BlobStore, segment: SegmentName): Promise<void> => {
  await store.delete(segment.key);
  if (splitsHeaders(segment.kind)) await store.delete(headersKeyOf(segment.key));
};

/** The JSON size of an entry, header fields included, to keep a segment near its target. */
export const entryBytes = (entry: CatalogEntry): number => entryLine(entry, false).length;
