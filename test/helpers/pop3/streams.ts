import { Readable } from 'node:stream';

/** A byte stream delivering `chunks` in order, as a POP3 RETR would. */
export const sourceOf = (...chunks: (Buffer | string)[]): Readable =>
  Readable.from(
    chunks.map((chunk) => Buffer.from(chunk)),
    { objectMode: false },
  );

/** Delivers `data`, then fails with `error`, like a connection dropping mid-message. */
export const failingSource = (data: Buffer, error: Error): Readable => {
  let sent = false;
  return new Readable({
    read() {
      if (sent) {
        this.destroy(error);
        return;
      }
      sent = true;
      this.push(data);
    },
  });
};

export const readAll = async (stream: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
};

export const collectKeys = async (keys: AsyncIterable<string>): Promise<string[]> => {
  const result: string[] = [];
  for await (const key of keys) result.push(key);
  return result;
};

/** Deterministic bytes covering every octet value (8-bit data, CR, LF, NUL). */
export const binaryBytes = (size: number, seed = 0): Buffer => {
  const bytes = Buffer.alloc(size);
  for (let index = 0; index < size; index++) bytes[index] = (index * 31 + seed * 7 + 13) & 0xff;
  return bytes;
};

/**
 * `size` bytes in fresh 64 KiB chunks, produced only when pulled; `onChunk` runs before each push
 * (e.g. to sample memory while the consumer is busy).
 */
export const largeSource = (size: number, onChunk: (produced: number) => void = () => {}) => {
  const chunkSize = 64 * 1024;
  let produced = 0;
  return new Readable({
    read() {
      if (produced >= size) {
        this.push(null);
        return;
      }
      onChunk(produced);
      const chunk = Buffer.alloc(Math.min(chunkSize, size - produced), produced & 0xff);
      produced += chunk.length;
      this.push(chunk);
    },
  });
};
