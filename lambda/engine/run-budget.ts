import type { Clock } from '../clock.js';

/**
 * How one run spends its time, computed once from the deadline a shell asks for: the Lambda's
 * remaining time less its own margin (shell/deadline.ts), `--deadline` or none (the CLI). Every
 * other instant the run stops at is derived here and nowhere else; the phases only compare the
 * clock with these.
 *
 * The deadline is a promise about the process: by then the run has returned its summary and holds
 * no socket, timer or pooled connection that could keep a CLI process (or a Lambda invocation)
 * alive. Everything that waits on a server ends earlier, at the cutoff: the POP3 session and any
 * SMTP send still open are destroyed there, so what is left after it (saving the state and the
 * records) never waits on a server. In order: fetchUntil and sendUntil, then the cutoff, the
 * deadline and leaseUntil.
 */
export interface RunBudget {
  /** Epoch ms: the run has returned. Never later than `limits.runTimeout` after the start. */
  readonly deadline: number;
  /** Epoch ms: every connection is destroyed; only bookkeeping remains. */
  readonly cutoff: number;
  /** Epoch ms: no new RETR; leaves time for DELE, QUIT, state and sends. */
  readonly fetchUntil: number;
  /** Epoch ms: no new send starts. */
  readonly sendUntil: number;
  /**
   * Epoch ms: the lease this run writes ends here. Past the deadline by a grace period, so a live
   * run never loses it, and a crashed run locks the mailbox only briefly.
   */
  readonly leaseUntil: number;
}

/** No new send starts this close to the cutoff (less in a short run: see sendReserve). */
export const SEND_RESERVE_MS = 5_000;

/** A crashed run's lease expires this long after its deadline. */
export const LEASE_GRACE_MS = 60_000;

const clamp = (value: number, low: number, high: number): number =>
  Math.min(high, Math.max(low, value));

/** Time kept after the cutoff for saving the state: a tenth of the run, 0.5 to 5 s. */
export const finishReserve = (budgetMs: number): number => clamp(budgetMs * 0.1, 500, 5_000);

/** Time kept back from fetching for DELE, QUIT, saving state and sending: a tenth, 3 to 30 s. */
export const fetchReserve = (budgetMs: number): number => clamp(budgetMs * 0.1, 3_000, 30_000);

/**
 * A send started close to the cutoff would be cut off in the middle: each gets at least the send
 * reserve before it, or a quarter of a short run (so a run of a few seconds still sends).
 */
const sendReserve = (budgetMs: number): number => Math.min(SEND_RESERVE_MS, budgetMs / 4);

/**
 * The budget of a run that starts at `started`. `requested` is the deadline the shell asks for
 * (epoch ms; undefined: none); `runTimeoutMs` (the config's limits.runTimeout) caps it, so a long
 * Lambda timeout or `--deadline` never makes a run longer than the config allows.
 */
export const runBudget = (
  started: number,
  requested: number | undefined,
  runTimeoutMs: number,
): RunBudget => {
  const deadline = Math.min(requested ?? Number.POSITIVE_INFINITY, started + runTimeoutMs);
  const budgetMs = Math.max(0, deadline - started);
  const cutoff = deadline - Math.min(finishReserve(budgetMs), budgetMs);
  return {
    deadline,
    cutoff,
    fetchUntil: Math.min(cutoff, deadline - fetchReserve(budgetMs)),
    sendUntil: Math.max(started, cutoff - sendReserve(budgetMs)),
    leaseUntil: deadline + LEASE_GRACE_MS,
  };
};

export interface CutoffAlarm {
  /** Aborts at the cutoff; every send in flight listens to it. */
  readonly signal: AbortSignal;
  /** Whether the cutoff has passed. */
  readonly passed: boolean;
  /** Runs `action` at the cutoff (at once if it has passed); returns a function that cancels it. */
  onCutoff(action: () => void): () => void;
  /** Clears the timer; call when the run ends, however it ends. */
  disarm(): void;
}

/**
 * The cutoff as a signal and a timer. The timer is a real one: a run under a test clock that
 * jumps ahead stops at its decision points (fetchUntil, sendUntil), not here.
 */
export const armCutoff = (cutoff: number, clock: Clock): CutoffAlarm => {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error('the run deadline passed')),
    Math.max(0, cutoff - clock.now()),
  );
  return {
    signal: controller.signal,
    // By the clock too: the POP3 client's own deadline, set to the same instant, may fire first.
    get passed() {
      return controller.signal.aborted || clock.now() >= cutoff;
    },
    onCutoff(action) {
      if (controller.signal.aborted) {
        action();
        return () => {};
      }
      controller.signal.addEventListener('abort', action, { once: true });
      return () => controller.signal.removeEventListener('abort', action);
    },
    disarm: () => clearTimeout(timer),
  };
};
