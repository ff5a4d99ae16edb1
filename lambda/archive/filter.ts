import type { MessageRecord } from '../engine/message-record.js';
import type { MailAddress } from '../mail/message-meta.js';

/**
 * The filters of `archive list`, `archive search`, `archive export` and the web viewer, evaluated
 * on the catalog alone (no raw message is read). Every given filter must match.
 */
export interface ArchiveFilter {
  /** Glob (`*`, `?`, case-insensitive) on any From address or display name. */
  readonly from?: string;
  /** Glob on any To, Cc or Resent address or display name. */
  readonly to?: string;
  /** Case-insensitive substring of the subject. */
  readonly subject?: string;
  /** Epoch ms: the message's date (its Date header, else when it was archived) at or after. */
  readonly since?: number;
  /** Epoch ms: the message's date before. */
  readonly until?: number;
  /** A tag the rules gave it. */
  readonly tag?: string;
  /** Bytes: archived size over this. */
  readonly larger?: number;
}

/** A glob as a whole-string, case-insensitive test; only `*` and `?` are special. */
export const globMatcher = (glob: string): ((text: string) => boolean) => {
  const source = [...glob]
    .map((char) =>
      char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&'),
    )
    .join('');
  const pattern = new RegExp(`^${source}$`, 'is');
  return (text) => pattern.test(text);
};

const anyAddress = (addresses: readonly MailAddress[], test: (text: string) => boolean) =>
  addresses.some((entry) => test(entry.address) || (entry.name !== '' && test(entry.name)));

/** When the message was written as far as we know: its Date header, else its archiving time. */
export const messageTime = (record: MessageRecord): number => {
  const date = record.meta.date ? Date.parse(record.meta.date) : Number.NaN;
  return Number.isNaN(date) ? Date.parse(record.meta.archivedAt) : date;
};

export const recordFilter = (filter: ArchiveFilter): ((record: MessageRecord) => boolean) => {
  const from = filter.from === undefined ? null : globMatcher(filter.from);
  const to = filter.to === undefined ? null : globMatcher(filter.to);
  const subject = filter.subject?.toLowerCase();
  return (record) => {
    const { meta } = record;
    if (from && !anyAddress(meta.from, from)) return false;
    if (to && !anyAddress([...meta.to, ...meta.cc, ...meta.resent], to)) return false;
    if (subject !== undefined && !meta.subject.toLowerCase().includes(subject)) return false;
    if (filter.tag !== undefined && !record.tags.includes(filter.tag)) return false;
    if (filter.larger !== undefined && meta.size <= filter.larger) return false;
    if (filter.since !== undefined || filter.until !== undefined) {
      const time = messageTime(record);
      if (filter.since !== undefined && time < filter.since) return false;
      if (filter.until !== undefined && time >= filter.until) return false;
    }
    return true;
  };
};
