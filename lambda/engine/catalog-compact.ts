import type { BlobStore } from '../stores/blob-store.js';
import { crashPoint } from '../test-hooks/crash-points.js';
import {
  type CatalogEntry,
  headersKeyOf,
  SEGMENT_TARGET_BYTES,
  type SegmentName,
  splitsHeaders,
} from './catalog-format.js';
import { readSegment, readSegmentHeaders } from './catalog-read.js';
import { deleteSegment, entryBytes, writeSegment } from './catalog-write.js';
import type { MailboxLayout } from './layout.js';
import type { RunCatalog } from './run-catalog.js';

/**
 * Compaction: a run writes a segment per checkpoint (and per send), so small segments pile up;
 * once there are COMPACT_AT of them, the run merges them, oldest first, into segments of up to
 * GROUP_ENTRIES entries or SEGMENT_TARGET_BYTES, so a listing stays a few dozen requests.
 *
 * Each merged segment is written (create-only) before the segments it replaces are deleted. A
 * crash in between (crash point `mid-compaction`) leaves both: the same entries twice, with the
 * same sequence numbers, which the fold makes one. Entries keep their sequence numbers, so a
 * merge never changes which entry of a message wins — an entry superseded by one outside the
 * merged group simply stays, and loses, as it did before.
 *
 * Memory: one group at a time, its inputs read one after another.
 */

/** A segment with fewer entries than this is worth merging. */
export const SMALL_SEGMENT_ENTRIES = 1_000;
/** Small segments that make a run compact. */
export const COMPACT_AT = 8;
/** Entries in a merged segment at most. */
export const GROUP_ENTRIES = 4_000;

export interface CompactionResult {
  readonly merged: number;
  readonly written: number;
}

interface Group {
  inputs: SegmentName[];
  entries: Map<string, CatalogEntry>;
  bytes: number;
}

const newGroup = (): Group => ({ inputs: [], entries: new Map(), bytes: 0 });

export const compactCatalog = async (
  store: BlobStore,
  layout: MailboxLayout,
  catalog: RunCatalog,
): Promise<CompactionResult> => {
  const small = (await catalog.segments())
    .filter((segment) => segment.entries < SMALL_SEGMENT_ENTRIES)
    .sort((a, b) => a.seq - b.seq);
  if (small.length < COMPACT_AT) return { merged: 0, written: 0 };
  await sweepOrphanHeaders(store, layout);
  let merged = 0;
  let written = 0;
  let group = newGroup();
  const close = async () => {
    if (group.inputs.length > 1) {
      merged += await mergeGroup(store, layout, catalog, group);
      written += 1;
    }
    group = newGroup();
  };
  for (const segment of small) {
    if (group.inputs.length > 0 && group.entries.size + segment.entries > GROUP_ENTRIES)
      await close();
    const [entries, headers] = await Promise.all([
      readSegment(store, segment.key),
      splitsHeaders(segment.kind) ? readSegmentHeaders(store, segment.key) : null,
    ]);
    group.inputs.push(segment);
    for (const entry of entries) {
      const current = group.entries.get(entry.record.id);
      if (current && current.seq >= entry.seq) continue;
      const fields = headers?.get(entry.record.id);
      const record = fields
        ? { ...entry.record, meta: { ...entry.record.meta, headers: fields } }
        : entry.record;
      const full = { seq: entry.seq, record };
      group.bytes += entryBytes(full);
      group.entries.set(record.id, full);
    }
    if (group.bytes >= SEGMENT_TARGET_BYTES) await close();
  }
  await close();
  return { merged, written };
};

/** Writes one group as a segment, then deletes its inputs; resolves how many were merged. */
const mergeGroup = async (
  store: BlobStore,
  layout: MailboxLayout,
  catalog: RunCatalog,
  group: Group,
): Promise<number> => {
  const entries = [...group.entries.values()].sort((a, b) => a.seq - b.seq);
  // Its key carries the greatest sequence it holds: the next run still numbers above it.
  const seq = Math.max(...group.inputs.map((input) => input.seq));
  const name = await writeSegment(store, layout, 'compacted', seq, catalog.tag, entries);
  crashPoint('mid-compaction');
  for (const input of group.inputs) await deleteSegment(store, input);
  catalog.noteSegments([name], new Set(group.inputs.map((input) => input.key)));
  return group.inputs.length;
};

/**
 * Header files whose entries file does not exist: a crash between a segment's two writes, or
 * between a delete's two. Nothing reads them; they go when compaction runs.
 */
const sweepOrphanHeaders = async (store: BlobStore, layout: MailboxLayout): Promise<void> => {
  const keys = new Set<string>();
  for await (const key of store.list(layout.catalogPrefix)) keys.add(key);
  for (const key of keys) {
    if (!key.endsWith('.headers.jsonl.gz')) continue;
    const entriesKey = key.replace(/\.headers\.jsonl\.gz$/, '.jsonl.gz');
    if (!keys.has(entriesKey) && headersKeyOf(entriesKey) === key) await store.delete(key);
  }
};
