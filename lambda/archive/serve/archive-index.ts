import type { MessageRecord } from '../../engine/message-record.js';
import type { CatalogView } from '../catalog.js';
import { type ArchiveFilter, messageTime, recordFilter } from '../filter.js';

/** One line of the page's message list: what it shows, and nothing a reader does not need. */
export interface ListRow {
  readonly id: string;
  readonly uidl: string;
  /** The first sender's display name, else its address. */
  readonly from: string;
  readonly fromAddress: string;
  readonly subject: string;
  /** ISO 8601: the Date header, else when the message was archived. */
  readonly date: string;
  readonly size: number;
  readonly tags: readonly string[];
  /**
   * A hint from the top-level Content-Type alone (the catalog holds no part list): a
   * multipart/mixed message, or one whose whole body is a non-text file. A message that hides
   * its files in multipart/related is not marked; opening it lists them.
   */
  readonly attachment: boolean;
}

const attachmentHint = (contentType: string): boolean =>
  contentType === 'multipart/mixed' ||
  (contentType !== '' && !contentType.startsWith('text/') && !contentType.startsWith('multipart/'));

export const listRow = (record: MessageRecord): ListRow => {
  const { meta } = record;
  const sender = meta.from[0];
  return {
    id: record.id,
    uidl: meta.uidl,
    from: sender ? sender.name || sender.address : '',
    fromAddress: sender?.address ?? '',
    subject: meta.subject,
    date: new Date(messageTime(record)).toISOString(),
    size: meta.size,
    tags: record.tags,
    attachment: attachmentHint(meta.contentType),
  };
};

/**
 * The record as the viewer keeps it: without its header fields and send states, which nothing
 * here reads (the list, the filters, the search and the reading pane use the parsed fields).
 * They are most of a record's objects, and 100,000 records' worth of them made every garbage
 * collection — so opening a big message — slow.
 */
const viewerRecord = (record: MessageRecord): MessageRecord => ({
  ...record,
  meta: { ...record.meta, headers: [] },
  actions: {},
});

/** Filtered selections kept for paging; a few, since each is one array of references. */
const SELECTIONS_KEPT = 8;

const filterKey = (filter: ArchiveFilter): string =>
  JSON.stringify(
    Object.entries(filter)
      .filter(([, value]) => value !== undefined)
      .sort(([a], [b]) => a.localeCompare(b)),
  );

/**
 * The catalog as the viewer pages through it: newest first (by the message's own date, as a mail
 * program shows it), a lookup by message id or UIDL, and filtered selections cached so that
 * scrolling through one is a slice, not a scan of 100,000 records per page.
 */
export class ArchiveIndex {
  readonly #newestFirst: readonly MessageRecord[];
  readonly #byId = new Map<string, MessageRecord>();
  /** Built on the first lookup by UIDL: the page links by id, so most servers never need it. */
  #byUidl: Map<string, MessageRecord> | null = null;
  readonly #selections = new Map<string, readonly MessageRecord[]>();

  constructor(catalog: CatalogView) {
    const dated = catalog.records.map((record) => ({
      record: viewerRecord(record),
      time: messageTime(record),
    }));
    // Plain comparisons: ISO times and hex ids sort by code unit, and localeCompare (ICU) is
    // the slowest part of sorting 100,000 records.
    const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    dated.sort(
      (a, b) =>
        b.time - a.time ||
        compare(b.record.meta.archivedAt, a.record.meta.archivedAt) ||
        compare(a.record.id, b.record.id),
    );
    this.#newestFirst = dated.map((entry) => entry.record);
    for (const record of this.#newestFirst) this.#byId.set(record.id, record);
  }

  get size(): number {
    return this.#newestFirst.length;
  }

  /** The message a link names: its id (32 hex characters) or its UIDL. */
  find(ref: string): MessageRecord | undefined {
    const byId = this.#byId.get(ref);
    if (byId) return byId;
    this.#byUidl ??= new Map(this.#newestFirst.map((record) => [record.meta.uidl, record]));
    return this.#byUidl.get(ref);
  }

  /** The messages that pass `filter`, newest first. */
  select(filter: ArchiveFilter): readonly MessageRecord[] {
    const key = filterKey(filter);
    if (key === '[]') return this.#newestFirst;
    const kept = this.#selections.get(key);
    if (kept) {
      // Most recently used last: the first key is the one to drop.
      this.#selections.delete(key);
      this.#selections.set(key, kept);
      return kept;
    }
    const selection = this.#newestFirst.filter(recordFilter(filter));
    this.#selections.set(key, selection);
    if (this.#selections.size > SELECTIONS_KEPT) {
      const oldest = this.#selections.keys().next().value;
      if (oldest !== undefined) this.#selections.delete(oldest);
    }
    return selection;
  }

  /** Every tag with how many messages carry it, the most used first. */
  tags(): Array<{ readonly tag: string; readonly count: number }> {
    const counts = new Map<string, number>();
    for (const record of this.#newestFirst) {
      for (const tag of record.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    }
    return [...counts]
      .map(([tag, count]) => ({ tag, count }))
      .sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
  }
}
