import { type ScanOptions, scanCatalog } from '../engine/catalog-read.js';
import type { MailboxLayout } from '../engine/layout.js';
import type { MessageRecord } from '../engine/message-record.js';
import type { BlobStore } from '../stores/blob-store.js';

/**
 * The archive's catalog as the reading commands see it: every archived message's record, oldest
 * archived first, and a lookup by message id. The records come from the catalog segments
 * (engine/catalog-format.ts: a few objects for the whole archive, read a few at a time) folded to
 * one per message, plus any record objects of an earlier version that no run has moved yet.
 *
 * The records here have no header fields (`meta.headers` is empty): they are most of a record's
 * size and no listing needs them; the segments keep them in header files beside the entries, and
 * the raw message has them all.
 */
export interface CatalogView {
  readonly records: readonly MessageRecord[];
  byId(id: string): MessageRecord | undefined;
}

export interface ReadCatalogOptions {
  /** Called as records are read, with the count so far (progress on a terminal). */
  readonly onProgress?: (read: number) => void;
  /**
   * Given, a damaged segment is reported here and the listing goes on without it; not given, the
   * read fails with that ESTORE (naming the segment and what to do).
   */
  readonly onDamaged?: ScanOptions['onDamaged'];
}

const byArchivedAt = (a: MessageRecord, b: MessageRecord): number =>
  a.meta.archivedAt.localeCompare(b.meta.archivedAt) || a.meta.uidl.localeCompare(b.meta.uidl);

export const readCatalog = async (
  store: BlobStore,
  layout: MailboxLayout,
  options: ReadCatalogOptions = {},
): Promise<CatalogView> => {
  const { folded } = await scanCatalog(store, layout, {
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.onDamaged ? { onDamaged: options.onDamaged } : {}),
  });
  const ids = new Map<string, MessageRecord>();
  for (const [id, { record }] of folded) ids.set(id, record);
  const records = [...ids.values()].sort(byArchivedAt);
  return { records, byId: (id) => ids.get(id) };
};
