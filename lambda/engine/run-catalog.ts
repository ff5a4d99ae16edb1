import { randomBytes } from 'node:crypto';
import { PopfwdError } from '../errors.js';
import type { HeaderField } from '../mail/message-meta.js';
import type { BlobStore } from '../stores/blob-store.js';
import { crashPoint } from '../test-hooks/crash-points.js';
import {
  encodeSegment,
  entryLine,
  MAX_SEQ,
  type SegmentName,
  segmentKey,
  splitsHeaders,
} from './catalog-format.js';
import { listSegments, readSegment, readSegmentHeaders } from './catalog-read.js';
import type { MailboxLayout } from './layout.js';
import { type MessageRecord, readRecord as readLegacyRecord } from './message-record.js';

interface Location {
  readonly seq: number;
  readonly segment: SegmentName;
}

/** A segment as lookups use it: its winning records, and their header fields once read. */
interface Decoded {
  readonly records: Map<string, MessageRecord>;
  headers: Promise<Map<string, readonly HeaderField[]>> | null;
}

/** Decoded segments kept for lookups; each is bounded (catalog-format.ts). */
const CACHED_SEGMENTS = 2;

/**
 * A run's view of the catalog, and its writer.
 *
 * Writing: records of this run wait in memory and go out as one segment per flush. The ledger
 * flushes before each save of state.json or uidls.json (Ledger.flushBeforeSaving), so the ledger
 * never names a message — seen, or with sends pending — whose record is not durable: an
 * archive-only run writes one segment per checkpoint instead of one object per message. A
 * failed flush keeps its records for the next one (and fails the save that needed it).
 *
 * Reading by id: this run's records first; then the segments, newest first, stopping once no
 * older segment can hold a newer entry. Reads start only when a message is looked up (a re-fetch
 * after a crash, a twin, a send left by an earlier run): an ordinary poll reads nothing here.
 */
export class RunCatalog {
  readonly #buffer = new Map<string, MessageRecord>();
  readonly #writing = new Map<string, MessageRecord>();
  #chain: Promise<void> = Promise.resolve();
  /** The catalog's segments, listed once per run and extended by this run's writes. */
  #segments: Promise<SegmentName[]> | null = null;
  #nextSeq = 0;
  /** Segments read by lookups (or written here), and where they put each message. */
  readonly #scanned = new Set<string>();
  readonly #located = new Map<string, Location>();
  readonly #cache = new Map<string, Promise<Decoded>>();
  readonly #tag = randomBytes(5).toString('hex');
  readonly #onSeq: (next: number) => void;
  /** The number this run started from. */
  readonly firstSeq: number;

  /**
   * `next` is where this run's sequence numbers start (state.json's `catalogNext`: a hint, which a
   * crash may leave behind); `onSeq` is told each number taken, to save the hint.
   */
  constructor(
    private readonly store: BlobStore,
    private readonly layout: MailboxLayout,
    options: { readonly next?: number; readonly onSeq?: (next: number) => void } = {},
  ) {
    this.#nextSeq = options.next ?? 0;
    this.firstSeq = this.#nextSeq;
    this.#onSeq = options.onSeq ?? (() => {});
  }

  /** The number the next segment gets. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /** Adds or replaces a message's record in this run's buffer; durable at the next flush. */
  put(record: MessageRecord): void {
    this.#buffer.delete(record.id);
    this.#buffer.set(record.id, record);
  }

  /** Records waiting for a flush. */
  get buffered(): number {
    return this.#buffer.size;
  }

  /**
   * Writes everything buffered as one segment, after any flush already under way. Resolves once
   * every record put before the call is durable.
   */
  flush(): Promise<void> {
    const run = this.#chain.then(() => this.#writeBuffered());
    this.#chain = run.catch(() => {});
    return run;
  }

  /** The catalog's segments as this run knows them (listed once, then this run's added). */
  segments(): Promise<SegmentName[]> {
    this.#segments ??= listSegments(this.store, this.layout).then((listed) => {
      this.#nextSeq = Math.max(this.#nextSeq, ...listed.map((segment) => segment.seq + 1));
      return listed;
    });
    return this.#segments;
  }

  /**
   * The next sequence number: above every earlier one of this run and above every segment this
   * run has listed. That is all the fold needs (catalog-read.ts): a run replaces a message's
   * entry only after reading it — from its own buffer, or through `get`, which lists the catalog
   * first — so a replacing entry always outnumbers the entry it replaces. A new message's first
   * entry has nothing to outnumber. No listing is needed to write, so a run that only archives
   * lists nothing.
   */
  takeSeq(): number {
    if (this.#nextSeq > MAX_SEQ)
      throw new PopfwdError('ESTORE', 'the catalog has used up its segment numbers', {
        retryable: false,
      });
    const seq = this.#nextSeq;
    this.#nextSeq += 1;
    this.#onSeq(this.#nextSeq);
    return seq;
  }

  get tag(): string {
    return this.#tag;
  }

  /** Tells the view about segments written or removed outside the run's own flushes. */
  noteSegments(added: readonly SegmentName[], removed: ReadonlySet<string>): void {
    const known = this.#segments;
    if (!known) return;
    this.#segments = known.then((list) => [
      ...list.filter((segment) => !removed.has(segment.key)),
      ...added,
    ]);
    for (const key of removed) {
      this.#cache.delete(key);
      this.#scanned.delete(key);
    }
    // What the removed segments held is in the added ones: found again by the next lookup.
    for (const [id, location] of this.#located)
      if (removed.has(location.segment.key)) this.#located.delete(id);
  }

  /**
   * The message's current record (header fields included), or null when the catalog and the
   * legacy record objects have none. A damaged segment on the way throws its ESTORE.
   */
  async get(id: string): Promise<MessageRecord | null> {
    const local = this.#buffer.get(id) ?? this.#writing.get(id);
    if (local) return local;
    const location = await this.#locate(id);
    if (!location) return readLegacyRecord(this.store, this.layout, id);
    const decoded = await this.#decoded(location.segment);
    const record = decoded.records.get(id);
    if (!record || !splitsHeaders(location.segment.kind)) return record ?? null;
    decoded.headers ??= readSegmentHeaders(this.store, location.segment.key);
    const headers = (await decoded.headers).get(id) ?? [];
    return { ...record, meta: { ...record.meta, headers } };
  }

  async #writeBuffered(): Promise<void> {
    if (this.#buffer.size === 0) return;
    const batch = [...this.#buffer.values()];
    this.#buffer.clear();
    for (const record of batch) this.#writing.set(record.id, record);
    try {
      const seq = this.takeSeq();
      const name: SegmentName = {
        key: segmentKey(this.layout, { seq, kind: 'run', entries: batch.length, tag: this.#tag }),
        seq,
        kind: 'run',
        entries: batch.length,
      };
      // One object, header fields inline (catalog-format.ts): one write per flush.
      const body = await encodeSegment(batch.map((record) => entryLine({ seq, record }, false)));
      await this.store.putDocument(name.key, body, {
        ifVersion: null,
        contentType: 'application/gzip',
      });
      crashPoint('after-segment');
      // A listing under way may or may not have seen it.
      void this.#segments?.then((list) => {
        if (!list.some((segment) => segment.key === name.key)) list.push(name);
      });
      this.#scanned.add(name.key);
      for (const record of batch) this.#located.set(record.id, { seq, segment: name });
      const records = new Map(batch.map((record) => [record.id, record]));
      this.#remember(name.key, Promise.resolve({ records, headers: null }));
    } catch (error) {
      // Not durable: back into the buffer, unless a newer record of the message is there.
      for (const record of batch)
        if (!this.#buffer.has(record.id)) this.#buffer.set(record.id, record);
      throw error;
    } finally {
      for (const record of batch)
        if (this.#writing.get(record.id) === record) this.#writing.delete(record.id);
    }
  }

  /** Where the message's newest entry is: segments read newest first, as far as needed. */
  async #locate(id: string): Promise<Location | null> {
    const segments = [...(await this.segments())].sort((a, b) => b.seq - a.seq);
    for (const segment of segments) {
      const best = this.#located.get(id);
      // Every entry of this segment and of older ones has a sequence ≤ segment.seq.
      if (best && best.seq > segment.seq) break;
      if (this.#scanned.has(segment.key)) continue;
      await this.#decoded(segment);
      this.#scanned.add(segment.key);
    }
    return this.#located.get(id) ?? null;
  }

  /** A segment's records (without header fields), read once and kept for a few lookups. */
  #decoded(segment: SegmentName): Promise<Decoded> {
    const { key } = segment;
    const cached = this.#cache.get(key);
    if (cached) {
      this.#cache.delete(key);
      this.#cache.set(key, cached);
      return cached;
    }
    const reading = readSegment(this.store, key).then((entries) => {
      const records = new Map<string, MessageRecord>();
      for (const { seq, record } of entries) {
        const best = this.#located.get(record.id);
        if (!best || seq > best.seq) this.#located.set(record.id, { seq, segment });
        if (this.#located.get(record.id)?.segment.key === key) records.set(record.id, record);
      }
      return { records, headers: null };
    });
    this.#remember(key, reading);
    return reading;
  }

  #remember(key: string, records: Promise<Decoded>): void {
    this.#cache.set(key, records);
    records.catch(() => this.#cache.delete(key));
    while (this.#cache.size > CACHED_SEGMENTS) {
      const oldest = this.#cache.keys().next().value as string;
      this.#cache.delete(oldest);
    }
  }
}
