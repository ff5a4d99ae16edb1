import type { MessageRecord } from '../engine/message-record.js';
import { readBodyFacts } from '../mail/body-facts.js';
import type { BlobStore } from '../stores/blob-store.js';
import { messageFailure } from './message-failure.js';
import { readAhead } from './read-ahead.js';

export interface SearchOptions {
  /** Raw objects read at once (S3 latency hides behind a few parallel reads). */
  readonly concurrency?: number;
  /** Characters of decoded text searched per message. */
  readonly textLimit?: number;
  readonly signal?: AbortSignal;
  /** Called after each message is searched, with the count and its bytes so far. */
  readonly onProgress?: (searched: number, bytes: number) => void;
}

const DEFAULT_CONCURRENCY = 4;
const DEFAULT_TEXT_LIMIT = 1024 * 1024;

/** Subject, names and addresses: what a search finds without reading the message. */
const headerText = (record: MessageRecord): string =>
  [
    record.meta.subject,
    ...[
      ...record.meta.from,
      ...record.meta.to,
      ...record.meta.cc,
      ...record.meta.bcc,
      ...record.meta.replyTo,
    ].flatMap((a) => [a.name, a.address]),
  ].join('\n');

/** Where a message matched: its headers (from the catalog) or its decoded body text. */
export type MatchedIn = 'headers' | 'body';

export interface SearchMatch {
  readonly record: MessageRecord;
  readonly in: MatchedIn;
}

/**
 * The records among `records` whose headers or decoded text body (text parts, HTML converted)
 * contain `text` (case-insensitive), in the order given, each as soon as it and those before it
 * are searched. A header match reads nothing; bodies are streamed from the store a few at a
 * time. Memory: `concurrency` messages' text (a text part is held whole by the MIME parser;
 * the text searched is capped at `textLimit`). A raw object missing from the store is skipped.
 */
export async function* searchMatches(
  store: BlobStore,
  records: readonly MessageRecord[],
  text: string,
  options: SearchOptions = {},
): AsyncGenerator<SearchMatch> {
  const needle = text.toLowerCase();
  const limit = options.textLimit ?? DEFAULT_TEXT_LIMIT;
  const matches = async (record: MessageRecord): Promise<MatchedIn | null> => {
    if (headerText(record).toLowerCase().includes(needle)) return 'headers';
    try {
      const stream = await store.read(record.meta.key);
      if (!stream) return null;
      const facts = await readBodyFacts(stream, { limit });
      return facts.text.toLowerCase().includes(needle) ? 'body' : null;
    } catch (error) {
      throw messageFailure(record, 'searching', error);
    }
  };
  let searched = 0;
  let bytes = 0;
  const results = readAhead(records, matches, {
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  for await (const { item, result } of results) {
    searched += 1;
    bytes += item.meta.size;
    options.onProgress?.(searched, bytes);
    if (result) yield { record: item, in: result };
    if (options.signal?.aborted) return;
  }
}

/** The matching records alone (the first seam's shape; `searchMatches` says where each matched). */
export async function* searchArchive(
  store: BlobStore,
  records: readonly MessageRecord[],
  text: string,
  options: SearchOptions = {},
): AsyncGenerator<MessageRecord> {
  for await (const match of searchMatches(store, records, text, options)) yield match.record;
}
