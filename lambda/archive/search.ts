import type { MessageRecord } from '../engine/message-record.js';
import { readBodyFacts } from '../mail/body-facts.js';
import type { BlobStore } from '../stores/blob-store.js';

export interface SearchOptions {
  /** Raw objects read at once (S3 latency hides behind a few parallel reads). */
  readonly concurrency?: number;
  /** Characters of decoded text searched per message. */
  readonly textLimit?: number;
  readonly signal?: AbortSignal;
  /** Called after each message is searched, with the count so far. */
  readonly onProgress?: (searched: number) => void;
}

const DEFAULT_CONCURRENCY = 4;
const DEFAULT_TEXT_LIMIT = 1024 * 1024;

/** Subject, names and addresses: what a search finds without reading the message. */
const headerText = (record: MessageRecord): string =>
  [
    record.meta.subject,
    ...[...record.meta.from, ...record.meta.to, ...record.meta.cc].flatMap((a) => [
      a.name,
      a.address,
    ]),
  ].join('\n');

/**
 * The records among `records` whose headers or decoded text body contain `text`
 * (case-insensitive), in the order given. Bodies are streamed from the store a few at a time;
 * memory stays bounded by `concurrency` messages' text.
 */
export async function* searchArchive(
  store: BlobStore,
  records: readonly MessageRecord[],
  text: string,
  options: SearchOptions = {},
): AsyncGenerator<MessageRecord> {
  const needle = text.toLowerCase();
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const limit = options.textLimit ?? DEFAULT_TEXT_LIMIT;
  const matches = async (record: MessageRecord): Promise<boolean> => {
    if (headerText(record).toLowerCase().includes(needle)) return true;
    const stream = await store.read(record.meta.key);
    if (!stream) return false;
    const facts = await readBodyFacts(stream, { limit });
    return facts.text.toLowerCase().includes(needle);
  };
  const inFlight: Array<Promise<boolean>> = [];
  let next = 0;
  let searched = 0;
  try {
    for (let index = 0; index < records.length; index += 1) {
      while (next < records.length && inFlight.length < concurrency) {
        inFlight.push(matches(records[next] as MessageRecord));
        next += 1;
      }
      if (options.signal?.aborted) return;
      const found = await (inFlight.shift() as Promise<boolean>);
      searched += 1;
      options.onProgress?.(searched);
      if (found) yield records[index] as MessageRecord;
    }
  } finally {
    // Stopped early (aborted, a failed read, the consumer left): the reads still under way are
    // not awaited, so their failures must not surface as unhandled rejections.
    for (const pending of inFlight) pending.catch(() => {});
  }
}
