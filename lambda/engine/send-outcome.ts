import type { ErrorCode, PopfwdError } from '../errors.js';
import type { ActionState, MailboxState, PendingMessage } from './ledger-types.js';
import {
  ACCOUNT_PAUSE_MS,
  backoff,
  classifyFailure,
  MAX_SEND_ATTEMPTS,
  nextUtcDay,
  sendsToday,
  utcDay,
} from './send-policy.js';

/**
 * What a send does to the mailbox state, as pure functions: the action's next state before and
 * after one SMTP attempt, today's count, the vacation memory and the account pause. The
 * lifecycle (ledger-types.ts): pending → sending → sent, or back to pending with a wait, or
 * failed; a skipped vacation reply goes straight to skipped. send-phase.ts applies these.
 */

type SendPause = NonNullable<MailboxState['sendPause']>;

/** What one SMTP attempt did. */
export type SendAttempt =
  | { readonly ok: true; readonly response: string }
  | { readonly ok: false; readonly error: PopfwdError };

export type SendOutcome = 'sent' | 'skipped' | 'retry' | 'failed' | 'stop';

/** The decision after one attempt. `next` is the action's state; the rest is for the mailbox. */
export type SendStep =
  | {
      readonly outcome: 'sent';
      readonly next: ActionState;
      /** A vacation reply went out: its sender gets no other until then (ISO). */
      readonly vacation?: { readonly sender: string; readonly until: string };
    }
  | {
      /** Refused for good, or retried too often: never tried again (resend --failed can). */
      readonly outcome: 'failed';
      readonly next: ActionState;
      readonly error: PopfwdError;
      readonly reason: string;
      readonly alert?: Alert;
    }
  | {
      /** This message failed for now: it waits (backoff) and the run goes on. */
      readonly outcome: 'retry';
      readonly next: ActionState;
      readonly error: PopfwdError;
    }
  | {
      /**
       * No further send can succeed in this run: the server is out of reach, or (with `pause`)
       * the account is refused or its quota spent, and every send waits until the pause ends.
       */
      readonly outcome: 'stop';
      readonly next: ActionState;
      readonly error: PopfwdError;
      readonly pause?: SendPause;
      readonly alert?: Alert;
    };

interface Alert {
  readonly code: ErrorCode;
  readonly message: string;
}

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

/** One action of one pending message replaced; everything else as it was. */
export const withAction = (
  state: MailboxState,
  id: string,
  actionId: string,
  next: ActionState,
): MailboxState => {
  const message = state.pending[id] as PendingMessage;
  return {
    ...state,
    pending: {
      ...state.pending,
      [id]: { ...message, actions: { ...message.actions, [actionId]: next } },
    },
  };
};

/**
 * Before the SMTP transaction: "sending", one attempt more, and the send counted against today's
 * cap. Saved before the attempt: a run that dies now leaves "sending", the one state in doubt.
 */
export const startSend = (
  state: MailboxState,
  id: string,
  actionId: string,
  action: ActionState,
  now: number,
): MailboxState =>
  withAction(
    { ...state, sends: { day: utcDay(now), count: sendsToday(state, now) + 1 } },
    id,
    actionId,
    { ...action, status: 'sending', attempts: action.attempts + 1 },
  );

/** A vacation reply not sent, for the reason send-policy.ts `vacationSkip` gave. */
export const skipSend = (
  state: MailboxState,
  id: string,
  actionId: string,
  action: ActionState,
  reason: string,
): MailboxState => withAction(state, id, actionId, { ...action, status: 'skipped', reason });

/**
 * The action after one attempt. `action` is its state before `startSend`; `startedAt` is when the
 * attempt began (waits and the vacation memory count from there), `at` when it ended.
 */
export const afterAttempt = (
  action: ActionState,
  attempt: SendAttempt,
  startedAt: number,
  at: number,
): SendStep => {
  const send = action.action;
  if (attempt.ok) {
    return {
      outcome: 'sent',
      next: {
        ...action,
        status: 'sent',
        attempts: action.attempts + 1,
        sentAt: iso(at),
        response: attempt.response,
      },
      ...(send.kind === 'vacation'
        ? { vacation: { sender: send.sender, until: iso(startedAt + send.days * 86_400_000) } }
        : {}),
    };
  }
  const { error } = attempt;
  const failure = classifyFailure(error, send);
  const attempts = failure.countsAsAttempt ? action.attempts + 1 : action.attempts;
  const lastError = { code: error.code, message: error.message, at: iso(at) };
  if (failure.kind === 'final' || (failure.kind === 'retry' && attempts >= MAX_SEND_ATTEMPTS)) {
    const reason =
      failure.kind === 'retry'
        ? `gave up after ${attempts} attempts: ${error.message}`
        : failure.reason;
    return {
      outcome: 'failed',
      next: { ...action, status: 'failed', attempts, lastError, reason },
      error,
      reason,
      // A loop found only when the original was read (compose-forward.ts): the owner must know.
      ...(error.code === 'ELOOP' ? { alert: { code: error.code, message: reason } } : {}),
    };
  }
  const notBefore = iso(
    failure.kind === 'account'
      ? startedAt + ACCOUNT_PAUSE_MS
      : failure.kind === 'quota'
        ? nextUtcDay(startedAt)
        : startedAt + backoff(Math.max(1, attempts)),
  );
  const next: ActionState = { ...action, status: 'pending', attempts, lastError, notBefore };
  if (failure.kind === 'retry') return { outcome: 'retry', next, error };
  if (failure.kind === 'connection') return { outcome: 'stop', next, error };
  // The account, not this message, is refused: every send waits, not only this one.
  return {
    outcome: 'stop',
    next,
    error,
    pause: { until: notBefore, code: error.code, reason: error.message },
    alert: { code: error.code, message: error.message },
  };
};

/** The mailbox state after one attempt: the action, and a refund of the count if not sent. */
export const applyStep = (
  state: MailboxState,
  id: string,
  actionId: string,
  step: SendStep,
): MailboxState => {
  if (step.outcome === 'sent') {
    const remembered = step.vacation
      ? { ...state, vacation: { ...state.vacation, [step.vacation.sender]: step.vacation.until } }
      : state;
    return withAction(remembered, id, actionId, step.next);
  }
  // Not sent: the send reserved by startSend goes back to today's count.
  const refunded: MailboxState = {
    ...state,
    sends: { ...state.sends, count: Math.max(0, state.sends.count - 1) },
    ...(step.outcome === 'stop' && step.pause ? { sendPause: step.pause } : {}),
  };
  return withAction(refunded, id, actionId, step.next);
};

/**
 * The state without the memories that have expired: vacation replies and an account pause that is
 * over. Null when none has, so a run with nothing to forget writes nothing for it.
 */
export const forgetExpired = (state: MailboxState, now: number): MailboxState | null => {
  const { sendPause, vacation } = state;
  const pauseOver = sendPause !== undefined && Date.parse(sendPause.until) <= now;
  const live = Object.entries(vacation).filter(([, until]) => Date.parse(until) > now);
  if (!pauseOver && live.length === Object.keys(vacation).length) return null;
  const { sendPause: pause, ...rest } = state;
  return {
    ...rest,
    ...(pause && !pauseOver ? { sendPause: pause } : {}),
    vacation: Object.fromEntries(live),
  };
};
