import type { ErrorCode } from '../errors.js';

/** Why a run stopped before reading everything new; the rest waits for the next run. */
export type StopReason = 'deadline' | 'maxMessagesPerRun' | 'maxBytesPerRun' | 'aborted';

/**
 * What a run did; `popfwd run --json` prints it as is, the contract of README "Commands" (fields
 * may be added, which consumers ignore).
 */
export interface RunSummary {
  /** Messages read from the server (RETR) in this run. */
  readonly fetched: number;
  /** Messages newly written to the archive. */
  readonly archived: number;
  /** Messages fetched again but found already archived (e.g. after a crash before the state was saved). */
  readonly alreadyArchived: number;
  /** Messages deleted from the server (DELE committed by QUIT). */
  readonly deleted: number;
  readonly forwarded: number;
  readonly replied: number;
  /** Sends not made on purpose (discard, vacation window, auto-reply suppression, loops). */
  readonly skipped: number;
  /** Messages or actions that failed in this run (recorded; retried or reported). */
  readonly failed: number;
  readonly durationMs: number;
  /** New messages left on the server for the next run, when a limit stopped this one. */
  readonly remaining: number;
  /** Sends waiting for a later run (SMTP unavailable, send cap, deadline). */
  readonly pendingActions: number;
  readonly stoppedBy: StopReason | null;
  /** Set when the run did nothing because another client or run holds the mailbox. */
  readonly busy: string | null;
  /** Failures worth an alarm that did not stop the run (e.g. the account may not send). */
  readonly alerts: readonly { readonly code: ErrorCode; readonly message: string }[];
}
