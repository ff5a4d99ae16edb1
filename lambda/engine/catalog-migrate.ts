import type { BlobStore } from '../stores/blob-store.js';
import { crashPoint } from '../test-hooks/crash-points.js';
import { GROUP_ENTRIES } from './catalog-compact.js';
import { type CatalogEntry, SEGMENT_TARGET_BYTES } from './catalog-format.js';
import { listLegacyRecords, readLegacyRecords } from './catalog-read.js';
import { entryBytes, writeSegment } from './catalog-write.js';
import { forEachLimit } from './concurrency.js';
import type { MailboxLayout } from './layout.js';
import type { MessageRecord } from './message-record.js';
import type { RunCatalog } from './run-catalog.js';

/**
 * Moving the record objects of earlier versions (`records/<id>.json`) into the catalog. Runs under
 * the lease, before the fetch, until none is left; then the state notes `catalogSince` and no
 * later run lists `records/` again.
 *
 * Per batch: the records are read (a damaged one stops the run, naming it — as it did before),
 * written as one segment (kind `m`, create-only), and only then deleted. A crash between the two
 * (crash point `mid-migration`) leaves a record both as an object and in a segment, with the same
 * content: the next run moves it again, and the fold makes the copies one. Records go over whole,
 * every field and tag as stored (their header fields into the segment's header file).
 *
 * At most MAX_PER_RUN records move per run, so an archive of 50,000 records on S3 (a GET and a
 * DELETE each) spreads over a few polls instead of spending one run's whole budget.
 */
export const MAX_PER_RUN = 4_000;

const DELETE_CONCURRENCY = 8;

export interface MigrationResult {
  readonly moved: number;
  /** True when no legacy record object is left. */
  readonly done: boolean;
}

export const migrateLegacyRecords = async (
  store: BlobStore,
  layout: MailboxLayout,
  catalog: RunCatalog,
): Promise<MigrationResult> => {
  const keys = await listLegacyRecords(store, layout);
  const now = keys.slice(0, MAX_PER_RUN);
  let moved = 0;
  let batch: Array<{ key: string; record: MessageRecord }> = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await catalog.segments();
    const seq = catalog.takeSeq();
    const entries: CatalogEntry[] = batch.map(({ record }) => ({ seq, record }));
    const name = await writeSegment(store, layout, 'migrated', seq, catalog.tag, entries);
    catalog.noteSegments([name], new Set());
    crashPoint('mid-migration');
    await forEachLimit(batch, DELETE_CONCURRENCY, ({ key }) => store.delete(key));
    moved += batch.length;
    batch = [];
    bytes = 0;
  };
  // Read in slices so a batch never holds more than one segment's worth of records.
  for (let start = 0; start < now.length; start += GROUP_ENTRIES) {
    const slice = now.slice(start, start + GROUP_ENTRIES);
    const read = new Map<string, MessageRecord>();
    await readLegacyRecords(store, layout, (record, key) => read.set(key, record), slice);
    for (const key of slice) {
      const record = read.get(key);
      if (!record) continue;
      batch.push({ key, record });
      bytes += entryBytes({ seq: 0, record });
      if (bytes >= SEGMENT_TARGET_BYTES) await flush();
    }
    await flush();
  }
  return { moved, done: keys.length <= MAX_PER_RUN };
};
