import type { ErrorCode, PopfwdError } from '../errors.js';
import type { SendAction } from '../rules/plan.js';
import { type ActionState, isFinal, type MailboxState } from './ledger-types.js';

/**
 * The send policy, as pure decisions: what is due, whether a send may start, which vacation reply
 * is skipped, how long a failure waits, and which failures stop every send for the mailbox. What
 * an action becomes after an attempt is in send-outcome.ts; send-phase.ts and send-one.ts perform
 * both.
 */

/** Transient failures retry with growing pauses, then give up (and say so). */
export const BACKOFF_MINUTES = [5, 15, 60, 180, 360] as const;
/** Transient refusals of one message (not outages) before it is given up and reported. */
export const MAX_SEND_ATTEMPTS = 12;
/** Account-level refusals (blocked, not allowed to send) wait this long before the next try. */
export const ACCOUNT_PAUSE_MS = 6 * 3_600_000;

export const utcDay = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 10);

export const backoff = (attempts: number): number =>
  (BACKOFF_MINUTES[Math.min(attempts, BACKOFF_MINUTES.length) - 1] ?? 5) * 60_000;

export const nextUtcDay = (epochMs: number): number => {
  const date = new Date(epochMs);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1);
};

/** Codes that say this account cannot send right now; nothing else goes out in this run. */
export const ACCOUNT_CODES: ReadonlySet<ErrorCode> = new Set([
  'EACCOUNT',
  'ETLS',
  'EAUTH',
  'EINVALIDGRANT',
  'ESECRET',
]);

export type Failure =
  /** The account is refused (blocked, not allowed, login broken): pause long, alert. */
  | { readonly kind: 'account'; readonly countsAsAttempt: true }
  /** The daily quota is spent: wait for the next UTC day. */
  | { readonly kind: 'quota'; readonly countsAsAttempt: false }
  /** The server could not be reached: not this message's fault, so it costs no attempt. */
  | { readonly kind: 'connection'; readonly countsAsAttempt: false }
  | { readonly kind: 'retry'; readonly countsAsAttempt: true }
  | { readonly kind: 'final'; readonly countsAsAttempt: true; readonly reason: string };

export const classifyFailure = (error: PopfwdError, action: SendAction): Failure => {
  // Outlook refuses a redirect (it keeps the original From) as SendAsDenied: only this action fails.
  if (
    action.kind === 'forward' &&
    action.as === 'redirect' &&
    error.context.reason === 'send-as-denied'
  ) {
    return {
      kind: 'final',
      countsAsAttempt: true,
      reason: `${error.message} — this server does not allow redirect; use as: attachment or inline`,
    };
  }
  if (error.code === 'ESENDCAP') return { kind: 'quota', countsAsAttempt: false };
  if (ACCOUNT_CODES.has(error.code)) return { kind: 'account', countsAsAttempt: true };
  if (error.context.scope === 'connection' || error.code === 'EOAUTH')
    return { kind: 'connection', countsAsAttempt: false };
  if (error.retryable) return { kind: 'retry', countsAsAttempt: true };
  return { kind: 'final', countsAsAttempt: true, reason: error.message };
};

export const isPaused = (state: MailboxState, now: number): boolean =>
  state.sendPause !== undefined && Date.parse(state.sendPause.until) > now;

/** Sends made so far on the UTC day of `now`. */
export const sendsToday = (state: MailboxState, now: number): number =>
  state.sends.day === utcDay(now) ? state.sends.count : 0;

/** Whether the daily cap allows no more sends today (a cap of 0 allows none on any day). */
export const dailyCapReached = (
  state: MailboxState,
  now: number,
  maxSendsPerDay: number,
): boolean => sendsToday(state, now) >= maxSendsPerDay;

/** An action that may be attempted now: not final, and not waiting for a later attempt. */
export const isDue = (action: ActionState, now: number): boolean =>
  !isFinal(action.status) && (!action.notBefore || Date.parse(action.notBefore) <= now);

/** The actions of one message that may be attempted now, in their order. */
export const dueActions = (
  actions: Readonly<Record<string, ActionState>>,
  now: number,
): Array<[actionId: string, action: ActionState]> =>
  Object.entries(actions).filter(([, action]) => isDue(action, now));

/** Sends still to do, today's count and an account pause included: both are part of "due". */
export const hasDueSends = (state: MailboxState, now: number, maxSendsPerDay: number): boolean => {
  if (dailyCapReached(state, now, maxSendsPerDay)) return false;
  if (isPaused(state, now)) return false;
  return Object.values(state.pending).some((message) =>
    Object.values(message.actions).some((action) => isDue(action, now)),
  );
};

export const countOpenSends = (state: MailboxState): number =>
  Object.values(state.pending).reduce(
    (sum, message) =>
      sum + Object.values(message.actions).filter((action) => !isFinal(action.status)).length,
    0,
  );

/** Sends that may go now (not final, not waiting for a later attempt), of `only` when given. */
export const countDueSends = (
  state: MailboxState,
  now: number,
  only?: ReadonlySet<string>,
): number =>
  Object.entries(state.pending).reduce(
    (sum, [id, message]) =>
      only && !only.has(id) ? sum : sum + dueActions(message.actions, now).length,
    0,
  );

/** Why the next send may not start; sending stops for this run. */
export type SendGate =
  | { readonly go: true }
  /** The run's send time is over (run-budget.ts sendUntil) or its cutoff passed. */
  | { readonly go: false; readonly stop: 'deadline' }
  /** Today's sends reached limits.maxSendsPerDay: an alert, the rest waits for the next UTC day. */
  | { readonly go: false; readonly stop: 'cap'; readonly alert: string };

/** Asked before each send: the run's time first, then the daily cap. */
export const sendGate = (
  state: MailboxState,
  time: { readonly now: number; readonly sendUntil: number; readonly cutoffPassed: boolean },
  maxSendsPerDay: number,
): SendGate => {
  if (time.now >= time.sendUntil || time.cutoffPassed) return { go: false, stop: 'deadline' };
  if (dailyCapReached(state, time.now, maxSendsPerDay)) {
    return {
      go: false,
      stop: 'cap',
      alert: `the daily send cap (${maxSendsPerDay}) is reached; the rest waits until tomorrow (UTC)`,
    };
  }
  return { go: true };
};

/**
 * A vacation reply not to send: its sender got one within `days` (the state remembers each
 * answered sender until then). Null for every other action, and for a sender not answered lately.
 */
export const vacationSkip = (
  state: MailboxState,
  action: SendAction,
  now: number,
): { readonly sender: string; readonly reason: string } | null => {
  if (action.kind !== 'vacation') return null;
  const until = state.vacation[action.sender];
  const answeredLately = until !== undefined && Date.parse(until) > now;
  if (!answeredLately) return null;
  return {
    sender: action.sender,
    reason: `a vacation reply went to ${action.sender} within the last ${action.days} day(s)`,
  };
};
