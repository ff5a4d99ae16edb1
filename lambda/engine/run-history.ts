import type { ErrorCode } from '../errors.js';
import type { MailboxState } from './ledger-types.js';
import type { RunCounters } from './run-context.js';

/**
 * The last runs, kept in state.json so `popfwd status` can show them. A run is recorded in the
 * state write it makes anyway (the lease release): an empty poll writes nothing, so it costs
 * nothing here either, and a run that fails before taking the lease (a refused login) changed
 * nothing and is reported by its exit code and log.
 */

/** Runs kept: enough to see a pattern, small enough to read on every poll. */
export const RUN_HISTORY_SIZE = 20;
/** Failed sends kept for `status` and `resend --failed`; their records keep them for good. */
export const FAILED_SENDS_SIZE = 50;

export type RunOutcomeName = 'ok' | 'failed' | 'deadline' | 'limit' | 'aborted';

export interface RunRecord {
  /** ISO start time. */
  readonly at: string;
  readonly durationMs: number;
  readonly outcome: RunOutcomeName;
  readonly fetched: number;
  readonly archived: number;
  readonly deleted: number;
  readonly forwarded: number;
  readonly replied: number;
  readonly failed: number;
  /** The error that ended a failed run: its code only (the message may quote a server). */
  readonly error?: ErrorCode;
}

/** A send that failed for good, remembered for `status` and `resend --failed`. */
export interface FailedSend {
  /** The message id (its raw object is raw/<id>.eml). */
  readonly id: string;
  readonly uidl: string;
  readonly actionId: string;
  readonly kind: 'forward' | 'reply' | 'vacation';
  readonly to: readonly string[];
  readonly reason: string;
  readonly at: string;
}

/** How a run ended with an error: its code, when it is one of popfwd's. */
export interface RunFailure {
  readonly code?: ErrorCode;
}

const outcomeOf = (counters: RunCounters, failure: RunFailure | undefined): RunOutcomeName => {
  if (failure) return 'failed';
  if (counters.stoppedBy === 'aborted') return 'aborted';
  if (counters.stoppedBy === 'deadline') return 'deadline';
  if (counters.stoppedBy) return 'limit';
  return 'ok';
};

export const runRecord = (
  counters: RunCounters,
  started: number,
  now: number,
  failure?: RunFailure,
): RunRecord => ({
  at: new Date(started).toISOString(),
  durationMs: Math.max(0, now - started),
  outcome: outcomeOf(counters, failure),
  fetched: counters.fetched,
  archived: counters.archived,
  deleted: counters.deleted,
  forwarded: counters.forwarded,
  replied: counters.replied,
  failed: counters.failed,
  ...(failure?.code ? { error: failure.code } : {}),
});

export const withRotation = (state: MailboxState, at: number): MailboxState => ({
  ...state,
  refreshTokenRotatedAt: new Date(at).toISOString(),
});

/** The state with `run` added last and only the newest RUN_HISTORY_SIZE kept. */
export const withRun = (state: MailboxState, run: RunRecord): MailboxState => ({
  ...state,
  runs: [...(state.runs ?? []), run].slice(-RUN_HISTORY_SIZE),
});

/** The state with `sends` added and only the newest FAILED_SENDS_SIZE kept. */
export const withFailedSends = (state: MailboxState, sends: readonly FailedSend[]): MailboxState =>
  sends.length === 0
    ? state
    : { ...state, failedSends: [...(state.failedSends ?? []), ...sends].slice(-FAILED_SENDS_SIZE) };

/** The sends of these finished messages that failed for good. */
export const failedSendsOf = (
  state: MailboxState,
  ids: Iterable<string>,
  at: string,
): FailedSend[] =>
  [...ids].flatMap((id) => {
    const message = state.pending[id];
    if (!message) return [];
    return Object.entries(message.actions)
      .filter(([, action]) => action.status === 'failed')
      .map(([actionId, { action, reason, lastError }]) => ({
        id,
        uidl: message.uidl,
        actionId,
        kind: action.kind,
        to: action.kind === 'forward' ? action.to : [action.to],
        reason: reason ?? lastError?.message ?? 'failed',
        at,
      }));
  });

/** A recorded rotation this old is renewed even by a poll that would write nothing else. */
export const ROTATION_RECORD_MAX_AGE_MS = 86_400_000;

/** Whether a rotation at `at` must be written now rather than with the next write anyway. */
export const rotationStale = (state: MailboxState, at: number | undefined): boolean => {
  if (at === undefined) return false;
  const recorded = state.refreshTokenRotatedAt;
  return recorded === undefined || at - Date.parse(recorded) >= ROTATION_RECORD_MAX_AGE_MS;
};
