import type { MessageRecord } from './message-record.js';

/** A message whose sends are tracked in the ledger, with its record when the fetch has it. */
export interface QueuedMessage {
  readonly id: string;
  readonly uidl: string;
  readonly record: MessageRecord | null;
  /** The place the fetch reserved for it (its message number), if any. */
  readonly place?: number;
}

interface Slot {
  message: QueuedMessage | null;
  settled: boolean;
}

/**
 * Hands messages from the fetch to the sender as soon as their sends are tracked, so sending
 * overlaps fetching instead of waiting for QUIT. Messages are archived several at once and finish
 * in any order; the fetch reserves a slot per message in server order, so the sender still sends
 * in the order mail arrived (the first of two messages from a sender is the one a vacation reply
 * answers). One producer, one consumer; each message id once.
 */
export class SendQueue {
  readonly #slots: Slot[] = [];
  /** Reserved slots not yet settled, by message number (a UIDL may be listed twice). */
  readonly #open = new Map<number, Slot>();
  readonly #ids = new Set<string>();
  #closed = false;
  #wake: (() => void) | null = null;

  /** Keeps the place of a message the fetch is about to archive. */
  reserve(place: number): void {
    if (this.#closed) return;
    const slot: Slot = { message: null, settled: false };
    this.#slots.push(slot);
    this.#open.set(place, slot);
  }

  /** A message with sends: into its reserved place, or at the end. */
  push(message: QueuedMessage): void {
    if (this.#closed || this.#ids.has(message.id)) return;
    this.#ids.add(message.id);
    const slot = message.place === undefined ? undefined : this.#open.get(message.place);
    if (slot && !slot.message) slot.message = message;
    else this.#slots.push({ message, settled: true });
    this.#signal();
  }

  /** The fetch is done with this message, whether or not it had sends. */
  settle(place: number): void {
    const slot = this.#open.get(place);
    if (!slot) return;
    slot.settled = true;
    this.#open.delete(place);
    this.#signal();
  }

  /** No more messages: the consumer ends once it has taken what is queued. */
  close(): void {
    this.#closed = true;
    for (const slot of this.#open.values()) slot.settled = true;
    this.#open.clear();
    this.#signal();
  }

  /** Closes and drops what is queued: the consumer ends after the message it holds. */
  abort(): void {
    this.#slots.length = 0;
    this.#open.clear();
    this.close();
  }

  /** Queued messages in order, waiting for more until the queue is closed. */
  async *take(): AsyncGenerator<QueuedMessage, void, undefined> {
    for (;;) {
      const head = this.#slots[0];
      if (head && (head.message || head.settled)) {
        // Taken slots leave the queue: a long run does not keep every record it sent.
        this.#slots.shift();
        if (head.message) yield head.message;
        continue;
      }
      if (!head && this.#closed) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
