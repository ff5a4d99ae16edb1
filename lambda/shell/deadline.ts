/** Time kept back from the Lambda timeout: after the engine's deadline we still log and flush metrics. */
export const DEADLINE_MARGIN_MS = 15_000;

export interface DeadlineInput {
  readonly now: number;
  /** `context.getRemainingTimeInMillis()` at the start of the invocation. */
  readonly remainingMs: number;
  readonly marginMs: number;
  /** The config's `limits.runTimeout`: a run never takes longer, even with a long Lambda timeout. */
  readonly runTimeoutMs: number;
}

/** Epoch ms by which the run must be finished (QUIT sent, state saved); never before `now`. */
export const runDeadline = ({ now, remainingMs, marginMs, runTimeoutMs }: DeadlineInput): number =>
  now + Math.max(0, Math.min(remainingMs - marginMs, runTimeoutMs));
