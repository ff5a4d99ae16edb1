import type { WireCommand } from './command.js';
import type { ReplyHandler } from './framing.js';

/** A reply handler the session tracks from registration to completion. */
export interface Tracked extends ReplyHandler {
  readonly verb: string;
  /** May be written while other pipelinable replies are outstanding (RFC 2449 PIPELINING). */
  readonly pipelinable: boolean;
  fail(error: Error): void;
}

interface Waiting {
  readonly command: WireCommand;
  readonly handler: Tracked;
}

/**
 * The commands of one session in order: those waiting to be written, and those written whose
 * replies are still to come. POP3 answers strictly in order, so the head of `inFlight` is always
 * the reply being read. Without pipelining one command is outstanding at a time; with it, a run
 * of pipelinable commands goes out up to the window, and anything else (a SASL step, QUIT) waits
 * until every earlier reply is in — it may change the session's state.
 */
export class ReplyQueue {
  readonly #waiting: Waiting[] = [];
  readonly #inFlight: Tracked[] = [];

  /** The reply being read, if any. */
  get head(): Tracked | undefined {
    return this.#inFlight[0];
  }

  /** Replies written for and not yet complete. */
  get outstanding(): number {
    return this.#inFlight.length;
  }

  /** Queues a command; `next` decides when it may be written. */
  add(command: WireCommand, handler: Tracked): void {
    this.#waiting.push({ command, handler });
  }

  /** A reply that comes without a command (the greeting): outstanding at once. */
  track(handler: Tracked): void {
    this.#inFlight.push(handler);
  }

  /**
   * Takes the next command that may be written now and counts its reply as outstanding; none
   * when the queue is empty or the window is full.
   */
  next(pipelining: boolean, maxInFlight: number): Waiting | undefined {
    const next = this.#waiting[0];
    if (!next) return undefined;
    const pipelined =
      pipelining &&
      next.handler.pipelinable &&
      this.#inFlight.length < maxInFlight &&
      this.#inFlight.every((handler) => handler.pipelinable);
    if (this.#inFlight.length > 0 && !pipelined) return undefined;
    this.#waiting.shift();
    this.#inFlight.push(next.handler);
    return next;
  }

  /** The reply at the head of the line is complete. */
  complete(): void {
    this.#inFlight.shift();
  }

  /** Fails each command not yet written unless `spare` keeps it. */
  failWaiting(spare: (command: WireCommand) => boolean, errorFor: (verb: string) => Error): void {
    for (const { handler } of this.#waiting.filter((entry) => !spare(entry.command))) {
      this.#waiting.splice(
        this.#waiting.findIndex((entry) => entry.handler === handler),
        1,
      );
      handler.fail(errorFor(handler.verb));
    }
  }

  /** Empties the queue: every outstanding reply, then every waiting command, in order. */
  takeAll(): Tracked[] {
    return [...this.#inFlight.splice(0), ...this.#waiting.splice(0).map((entry) => entry.handler)];
  }
}
