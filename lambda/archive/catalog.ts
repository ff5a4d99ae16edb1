import type { MailboxLayout } from '../engine/layout.js';
import { decodeRecord, type MessageRecord } from '../engine/message-record.js';
import type { BlobStore } from '../stores/blob-store.js';

/**
 * The archive's catalog as the reading commands see it: every archived message's record, oldest
 * archived first, and a lookup by message id. How the records are stored (one object per message
 * today, a few segments once the catalog lands) is this module's business only.
 */
export interface CatalogView {
  readonly records: readonly MessageRecord[];
  byId(id: string): MessageRecord | undefined;
}

export interface ReadCatalogOptions {
  /** Called as records are read, with the count so far (progress on a terminal). */
  readonly onProgress?: (read: number) => void;
}

const byArchivedAt = (a: MessageRecord, b: MessageRecord): number =>
  a.meta.archivedAt.localeCompare(b.meta.archivedAt) || a.meta.uidl.localeCompare(b.meta.uidl);

export const readCatalog = async (
  store: BlobStore,
  layout: MailboxLayout,
  options: ReadCatalogOptions = {},
): Promise<CatalogView> => {
  const records: MessageRecord[] = [];
  for await (const key of store.list(layout.recordsPrefix)) {
    if (!key.endsWith('.json')) continue;
    const document = await store.getDocument(key);
    const record = document ? decodeRecord(document.body) : null;
    if (record) records.push(record);
    options.onProgress?.(records.length);
  }
  records.sort(byArchivedAt);
  const ids = new Map(records.map((record) => [record.id, record]));
  return { records, byId: (id) => ids.get(id) };
};
