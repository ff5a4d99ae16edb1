import type { FileHandle } from 'node:fs/promises';

/** Bytes gathered before one write: few system calls, memory bounded. */
const BATCH_BYTES = 1024 * 1024;

/**
 * Appends to one open file through a small buffer, and can go back: set bytes already written
 * (a From_ line's length, once its message is whole) or cut the file back to where a message
 * began (one that turned out damaged, or an export interrupted in the middle of it).
 */
export class AppendFile {
  readonly #handle: FileHandle;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** File offset where the pending buffers go. */
  #flushedTo: number;

  constructor(handle: FileHandle, size: number) {
    this.#handle = handle;
    this.#flushedTo = size;
  }

  /** The file's length once everything written so far is flushed. */
  get position(): number {
    return this.#flushedTo + this.#pendingBytes;
  }

  /** Queues `bytes` (kept by reference: the caller must not reuse the buffer). */
  write(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.length;
  }

  /** Writes the queue out once it is large enough; call between chunks for backpressure. */
  async writeIfFull(): Promise<void> {
    if (this.#pendingBytes >= BATCH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#pendingBytes === 0) return;
    const buffers = this.#pending;
    const bytes = this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    let written = 0;
    while (written < bytes) {
      const { bytesWritten } = await this.#handle.writev(
        written === 0 ? buffers : remaining(buffers, written),
        this.#flushedTo + written,
      );
      written += bytesWritten;
    }
    this.#flushedTo += bytes;
  }

  /**
   * Sets `bytes` at file offset `offset`, inside what was written. `buffer` is the buffer given
   * to `write` that holds that offset, at `bufferOffset`: while it is still queued (the usual
   * case for a small message) it is changed in place, else the file is.
   */
  async overwrite(
    offset: number,
    bytes: Buffer,
    buffer: Buffer,
    bufferOffset: number,
  ): Promise<void> {
    // Only queued buffers lie at or past #flushedTo.
    if (offset >= this.#flushedTo) {
      bytes.copy(buffer, bufferOffset);
      return;
    }
    await this.#handle.write(bytes, 0, bytes.length, offset);
  }

  /** Cuts the file back to `offset`: everything written after it is gone. */
  async truncate(offset: number): Promise<void> {
    await this.flush();
    await this.#handle.truncate(offset);
    this.#flushedTo = offset;
  }

  /** Flushed and on disk (an fdatasync): an export that says it is done is. */
  async sync(): Promise<void> {
    await this.flush();
    await this.#handle.datasync();
  }
}

/** The buffers after the first `skip` bytes (a short writev). */
const remaining = (buffers: readonly Buffer[], skip: number): Buffer[] => {
  const rest: Buffer[] = [];
  let left = skip;
  for (const buffer of buffers) {
    if (left >= buffer.length) {
      left -= buffer.length;
      continue;
    }
    rest.push(left > 0 ? buffer.subarray(left) : buffer);
    left = 0;
  }
  return rest;
};
