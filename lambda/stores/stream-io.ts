import { PassThrough, type Readable } from 'node:stream';

/** Bytes handed to one write: large enough for few syscalls, small enough to keep memory flat. */
export const WRITE_BATCH_BYTES = 64 * 1024;

/**
 * Copies `source` to `write` in batches of about `batchBytes`, awaiting each write before pulling
 * more, so memory holds one batch whatever the stream's size. Errors of the source and of `write`
 * propagate unchanged; resolves the number of bytes copied.
 */
export const copyInBatches = async (
  source: AsyncIterable<Buffer | string>,
  write: (chunks: Buffer[]) => Promise<void>,
  batchBytes: number = WRITE_BATCH_BYTES,
): Promise<number> => {
  let batch: Buffer[] = [];
  let batchSize = 0;
  let total = 0;
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    batch.push(bytes);
    batchSize += bytes.length;
    total += bytes.length;
    if (batchSize >= batchBytes) {
      await write(batch);
      batch = [];
      batchSize = 0;
    }
  }
  if (batchSize > 0) await write(batch);
  return total;
};

/**
 * The stream a reader gets: errors of `source` arrive wrapped by `wrap`, and a reader that stops
 * early (destroys the stream) releases the underlying file or socket.
 */
export const guardReadStream = (source: Readable, wrap: (error: unknown) => Error): Readable => {
  const guarded = new PassThrough();
  source.on('error', (error) => guarded.destroy(wrap(error)));
  guarded.once('close', () => {
    if (!source.readableEnded) source.destroy();
  });
  source.pipe(guarded);
  return guarded;
};
