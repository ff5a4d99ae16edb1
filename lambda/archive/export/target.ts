import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { MessageRecord } from '../../engine/message-record.js';

/**
 * One export format at one path. `open` finds what an earlier export left there (and repairs a
 * message it left half-written); `write` adds one message and checks its bytes against the
 * catalog as they pass: a damaged raw object is reported and leaves nothing behind.
 */
export interface ExportTarget {
  /** Message ids already exported to this path, complete. */
  readonly existing: ReadonlySet<string>;
  /** Half-written messages an interrupted export left, removed (they are written again). */
  readonly repaired: number;
  /** Messages go in one after another (one file), or several at once (a file each). */
  readonly sequential: boolean;
  write(record: MessageRecord, body: Readable, signal: AbortSignal): Promise<WriteOutcome>;
  /** Flushes and syncs; the target is unusable after. */
  close(): Promise<void>;
}

export type WriteOutcome =
  | { readonly kind: 'written'; readonly bytes: number }
  | { readonly kind: 'damaged'; readonly size: number; readonly sha256: string };

/** Size and SHA-256 of the bytes passed, to compare with the catalog's. */
export class ByteCheck {
  readonly #hash = createHash('sha256');
  #size = 0;

  update(chunk: Buffer): void {
    this.#hash.update(chunk);
    this.#size += chunk.length;
  }

  /** 'written' when the bytes are the catalog's, else what they were. */
  outcome(record: MessageRecord): WriteOutcome {
    const sha256 = this.#hash.digest('hex');
    return this.#size === record.meta.size && sha256 === record.meta.sha256
      ? { kind: 'written', bytes: this.#size }
      : { kind: 'damaged', size: this.#size, sha256 };
  }
}

/** Rejects with the signal's reason once it is aborted: a long message stops mid-way. */
export const throwIfAborted = (signal: AbortSignal): void => {
  if (signal.aborted) throw signal.reason ?? new Error('aborted');
};
