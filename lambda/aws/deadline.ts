/** Time kept back from the Lambda timeout: after the engine's deadline we still log and flush metrics. */
export const DEADLINE_MARGIN_MS = 15_000;

export interface DeadlineInput {
  readonly now: number;
  /** `context.getRemainingTimeInMillis()` at the start of the invocation. */
  readonly remainingMs: number;
  readonly marginMs: number;
}

/**
 * Epoch ms by which the invocation needs the run finished (QUIT sent, state saved), never before
 * `now`: the Lambda's own margin comes off here; the config's limits.runTimeout and every other
 * stop are the engine's (engine/run-budget.ts).
 */
export const runDeadline = ({ now, remainingMs, marginMs }: DeadlineInput): number =>
  now + Math.max(0, remainingMs - marginMs);
