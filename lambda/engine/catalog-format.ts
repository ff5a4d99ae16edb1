import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { HeaderField } from '../mail/message-meta.js';
import type { MailboxLayout } from './layout.js';
import { checkRecord, type MessageRecord } from './message-record.js';
import { damaged } from './stored-document.js';

/**
 * One catalog segment: the records of many messages in one object, written once (create-only) and
 * never changed; compaction replaces several by one. On the store, gzips of JSON lines:
 *
 *   <name>.jsonl.gz          one entry per line, `{"s":<sequence>,"r":<message record>}`
 *   <name>.headers.jsonl.gz  (merged segments only) the messages' header fields,
 *                            `{"id":<message id>,"h":[…]}`, their entries' `meta.headers` empty
 *
 * Header fields are most of a record (6 to 8 KB of a real Outlook.com message's 8 KB: Received,
 * ARC, DKIM, X-MS-Exchange-*) and no listing or filter needs them, so the large segments that
 * compaction and migration write keep them apart: a listing reads one eighth of the bytes. A
 * run's own segment (a checkpoint's worth of messages, merged soon) keeps them inline: one object
 * per flush. Of a merged segment the header file is written first and the entries file second:
 * the entries file is the segment, and a header file without one is a crash's leftover, swept.
 *
 * The sequence orders the entries of one message: the entry with the greatest `s` is the
 * message's record (catalog-fold.ts). Every flush of a run takes the next number; compaction keeps
 * each entry's own `s`, so merging never changes which entry wins.
 *
 * Keys sort in write order: `<catalog>/<seq, 12 digits>-<kind><entries, 6 digits>-<tag>.jsonl.gz`,
 * kind `r` (a run's flush), `c` (compaction: its seq is the greatest it holds) or `m` (records of
 * an earlier version moved in). The entry count in the key lets compaction choose without reading.
 */
export interface CatalogEntry {
  readonly seq: number;
  readonly record: MessageRecord;
}

export type SegmentKind = 'run' | 'compacted' | 'migrated';

export interface SegmentName {
  readonly key: string;
  readonly seq: number;
  readonly kind: SegmentKind;
  readonly entries: number;
}

const KIND_LETTER: Record<SegmentKind, string> = { run: 'r', compacted: 'c', migrated: 'm' };
const LETTER_KIND: Record<string, SegmentKind> = { r: 'run', c: 'compacted', m: 'migrated' };
const KEY_PATTERN = /^(\d{12})-([rcm])(\d{6})-([0-9a-z]{1,32})\.jsonl\.gz$/;

/** The largest sequence a key can hold; a run never gets near it (one per flush). */
export const MAX_SEQ = 999_999_999_999;

/** Entries past this count are still written; the key just says "at least". */
const MAX_KEY_ENTRIES = 999_999;

/**
 * What one segment may expand to. popfwd closes a segment near SEGMENT_TARGET_BYTES of JSON (one
 * record always fits, and a record holds at most about 2 MiB of header fields), so anything
 * larger is not a segment popfwd wrote.
 */
export const MAX_SEGMENT_BYTES = 64 * 1024 * 1024;

/** Where compaction closes a segment: big enough for few requests, small enough to hold. */
export const SEGMENT_TARGET_BYTES = 8 * 1024 * 1024;

const REMEDY =
  'restore it from a backup (on S3: the previous version of the object); popfwd will not guess which messages and sends it recorded';

export const segmentKey = (
  layout: MailboxLayout,
  name: { seq: number; kind: SegmentKind; entries: number; tag: string },
): string =>
  `${layout.catalogPrefix}${String(name.seq).padStart(12, '0')}-${KIND_LETTER[name.kind]}${String(
    Math.min(name.entries, MAX_KEY_ENTRIES),
  ).padStart(6, '0')}-${name.tag}.jsonl.gz`;

/** The segment a key names, or null for anything else under the prefix (not a segment). */
export const parseSegmentKey = (layout: MailboxLayout, key: string): SegmentName | null => {
  if (!key.startsWith(layout.catalogPrefix)) return null;
  const match = KEY_PATTERN.exec(key.slice(layout.catalogPrefix.length));
  if (!match) return null;
  const [, seq = '', letter = '', entries = ''] = match;
  return {
    key,
    seq: Number(seq),
    kind: LETTER_KIND[letter] as SegmentKind,
    entries: Number(entries),
  };
};

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** The header file beside the segment `key`. */
export const headersKeyOf = (key: string): string =>
  key.replace(/\.jsonl\.gz$/, '.headers.jsonl.gz');

/** Whether a segment of this kind keeps its header fields in a header file of their own. */
export const splitsHeaders = (kind: SegmentKind): boolean => kind !== 'run';

/** The entries-file line of one entry, without newline; without header fields if `split`. */
export const entryLine = (entry: CatalogEntry, split: boolean): string =>
  JSON.stringify({
    s: entry.seq,
    r: split ? { ...entry.record, meta: { ...entry.record.meta, headers: [] } } : entry.record,
  });

/** The header-file line of one entry, without newline. */
export const headerLine = (record: MessageRecord): string =>
  JSON.stringify({ id: record.id, h: record.meta.headers });

export const encodeSegment = async (lines: readonly string[]): Promise<Buffer> =>
  gzipAsync(Buffer.from(`${lines.join('\n')}\n`, 'utf8'));

/**
 * The entries of the segment stored under `key`. Anything that is not what popfwd wrote — a
 * broken or truncated gzip, a line that is not JSON, an entry or record off its schema — throws
 * ESTORE naming the key and the line.
 */
export const decodeSegment = async (body: Buffer, key: string): Promise<CatalogEntry[]> => {
  const entries: CatalogEntry[] = [];
  for (const [where, value] of await jsonLines(body, key)) {
    const { s, r } = (value ?? {}) as { s?: unknown; r?: unknown };
    if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0 || s > MAX_SEQ)
      throw damaged(where, 's: expected a sequence number', REMEDY);
    entries.push({ seq: s, record: checkRecordAt(r, where) });
  }
  return entries;
};

/** The header fields in the header file stored under `key`, by message id. */
export const decodeHeaders = async (
  body: Buffer,
  key: string,
): Promise<Map<string, readonly HeaderField[]>> => {
  const byId = new Map<string, readonly HeaderField[]>();
  for (const [where, value] of await jsonLines(body, key)) {
    const { id, h } = (value ?? {}) as { id?: unknown; h?: unknown };
    if (typeof id !== 'string' || !Array.isArray(h) || !h.every(isHeaderField))
      throw damaged(where, 'expected {"id": …, "h": [header fields]}', REMEDY);
    byId.set(id, h);
  }
  return byId;
};

const isHeaderField = (value: unknown): value is HeaderField =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as HeaderField).name === 'string' &&
  typeof (value as HeaderField).value === 'string';

/** The parsed JSON lines of a gzip, each with where it is for an error message. */
const jsonLines = async (body: Buffer, key: string): Promise<Array<[string, unknown]>> => {
  let text: string;
  try {
    text = (await gunzipAsync(body, { maxOutputLength: MAX_SEGMENT_BYTES })).toString('utf8');
  } catch (cause) {
    const problem =
      (cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
        ? `it expands past ${MAX_SEGMENT_BYTES} bytes`
        : 'not a complete gzip stream';
    throw damaged(key, problem, REMEDY, cause);
  }
  if (!text.endsWith('\n')) throw damaged(key, 'its last line is cut short', REMEDY);
  const lines = text.split('\n');
  lines.pop();
  return lines.map((line, index) => {
    const where = `${key} line ${index + 1}`;
    try {
      return [where, JSON.parse(line) as unknown];
    } catch (cause) {
      throw damaged(where, 'not valid JSON', REMEDY, cause);
    }
  });
};

const checkRecordAt = (value: unknown, where: string): MessageRecord => {
  try {
    return checkRecord(value, where);
  } catch (error) {
    // The record's own remedy speaks of one record file; a segment is restored whole.
    const context = (error as { context?: { problem?: string } }).context;
    throw damaged(where, `r.${context?.problem ?? 'record'}`, REMEDY, error);
  }
};
