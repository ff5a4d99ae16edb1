import { Readable } from 'node:stream';
import type { MessageRecord } from '../../engine/message-record.js';
import type { BlobStore } from '../../stores/blob-store.js';

/**
 * Messages up to this size are read whole while earlier ones are written: several reads run at
 * once (S3 GETs, the file system's thread pool) instead of one 64 KiB read at a time behind the
 * writer. Larger ones stream. Memory: the read-ahead count times this, at most.
 */
export const PREFETCH_MAX_BYTES = 4 * 1024 * 1024;

/**
 * The message's bytes as a stream: already in memory when small, else straight from the store.
 * null when the store has no such object. An object larger than its catalog size (damaged) is
 * not held beyond the limit: what was read is handed on ahead of the rest of the stream.
 */
export const prefetchMessage = async (
  store: BlobStore,
  record: MessageRecord,
): Promise<Readable | null> => {
  const stream = await store.read(record.meta.key);
  if (!stream || record.meta.size > PREFETCH_MAX_BYTES) return stream;
  const chunks: Buffer[] = [];
  let size = 0;
  const iterator = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    chunks.push(next.value);
    size += next.value.length;
    if (size > PREFETCH_MAX_BYTES) {
      const rest = { [Symbol.asyncIterator]: () => iterator };
      return Readable.from(
        (async function* () {
          yield* chunks;
          yield* rest;
        })(),
      );
    }
  }
  return Readable.from(chunks);
};
