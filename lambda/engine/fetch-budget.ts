import { PopfwdError } from '../errors.js';
import { formatBytes } from '../units.js';

/**
 * What a run may read, counted in the bytes that really arrive — LIST sizes are only what the
 * server claims. A message is cut off (the connection dropped, since the rest of a reply cannot
 * be skipped) when it passes limits.maxMessageSize, or when it sends far more than LIST said
 * after the run's byte budget is spent. Honest messages always fit: LF→CRLF at most doubles a size.
 */

/** How far past twice its LIST size a message may go once the budget is spent. */
export const ANNOUNCED_SLACK_BYTES = 64 * 1024;

export interface FetchLimits {
  readonly maxMessageSize: number;
  readonly maxBytesPerRun: number;
}

/** Why the budget stopped a message; `run` means other messages spent it: not this one's fault. */
export type BudgetStop = 'message' | 'run';

export const budgetStopOf = (error: unknown): BudgetStop | null => {
  const stop = error instanceof PopfwdError ? error.context.budgetStop : undefined;
  return stop === 'message' || stop === 'run' ? stop : null;
};

interface OpenMessage {
  readonly announced: number;
  received: number;
}

export class FetchBudget {
  readonly #limits: FetchLimits;
  readonly #open = new Map<number, OpenMessage>();
  /** Bytes of messages whose reply has ended. */
  #finished = 0;
  /** Bytes of messages still arriving. */
  #arriving = 0;
  /** Σ max(LIST size, bytes so far) of messages still arriving. */
  #claimed = 0;

  constructor(limits: FetchLimits) {
    this.#limits = limits;
  }

  /** Bytes received in this run. */
  get received(): number {
    return this.#finished + this.#arriving;
  }

  /** What the run has taken on: real bytes, or the LIST size while a message has sent less. */
  get committed(): number {
    return this.#finished + this.#claimed;
  }

  /** A RETR for message `n` (LIST size `announced`) is going out. */
  issue(n: number, announced: number): void {
    this.finish(n);
    this.#open.set(n, { announced, received: 0 });
    this.#claimed += announced;
  }

  /** Message `n`'s reply has ended (or failed): its real size counts from now on. */
  finish(n: number): void {
    const open = this.#open.get(n);
    if (!open) return;
    this.#open.delete(n);
    this.#arriving -= open.received;
    this.#claimed -= Math.max(open.announced, open.received);
    this.#finished += open.received;
  }

  /** The client's size guard: asked with each chunk of a reply. */
  readonly guard = (n: number, received: number): PopfwdError | null => {
    const open = this.#open.get(n) ?? { announced: 0, received: 0 };
    if (!this.#open.has(n)) this.#open.set(n, open);
    this.#arriving += received - open.received;
    this.#claimed += Math.max(open.announced, received) - Math.max(open.announced, open.received);
    open.received = received;
    const { maxMessageSize, maxBytesPerRun } = this.#limits;
    if (received > maxMessageSize) {
      return this.#stop(
        n,
        'message',
        `message ${n} is larger than limits.maxMessageSize (${formatBytes(maxMessageSize)})`,
      );
    }
    const overAnnounced = received > 2 * open.announced + ANNOUNCED_SLACK_BYTES;
    if (!overAnnounced || this.received <= maxBytesPerRun) return null;
    const announced = `the server announced ${open.announced} bytes (LIST) and sent more than ${formatBytes(received)}`;
    return received > maxBytesPerRun
      ? this.#stop(
          n,
          'message',
          `message ${n} is larger than limits.maxBytesPerRun (${formatBytes(maxBytesPerRun)}): ${announced}`,
        )
      : this.#stop(
          n,
          'run',
          `limits.maxBytesPerRun (${formatBytes(maxBytesPerRun)}) is spent: ${announced} for message ${n}`,
        );
  };

  #stop(n: number, budgetStop: BudgetStop, why: string): PopfwdError {
    return new PopfwdError(
      'ESIZE',
      `${why}; popfwd stopped reading it and closed the connection (nothing is deleted in this session), it stays on the server`,
      { context: { n, budgetStop } },
    );
  }
}
