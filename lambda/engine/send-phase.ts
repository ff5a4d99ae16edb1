import type { Mailer, OutgoingMail } from '../actions/mailer.js';
import { classifySendError } from '../actions/send-errors.js';
import { PopfwdError } from '../errors.js';
import type { MessageMeta } from '../mail/message-meta.js';
import type { SendAction } from '../rules/plan.js';
import { crashPoint } from '../test-hooks/crash-points.js';
import { forEachLimit } from './concurrency.js';
import {
  type ActionState,
  isFinal,
  type MailboxState,
  type PendingMessage,
} from './ledger-types.js';
import type { MessageRecord } from './message-record.js';
import type { RunContext } from './run-context.js';
import { failedSendsOf, withFailedSends } from './run-history.js';
import {
  ACCOUNT_PAUSE_MS,
  backoff,
  classifyFailure,
  countDueSends,
  countOpenSends,
  dailyCapReached,
  isPaused,
  MAX_SEND_ATTEMPTS,
  nextUtcDay,
  utcDay,
} from './send-policy.js';

const setAction = (
  ctx: RunContext,
  id: string,
  actionId: string,
  next: ActionState,
  extra: (state: MailboxState) => Partial<MailboxState> = () => ({}),
) => {
  ctx.ledger.updateState((state) => {
    const message = state.pending[id] as PendingMessage;
    return {
      ...state,
      ...extra(state),
      pending: {
        ...state.pending,
        [id]: { ...message, actions: { ...message.actions, [actionId]: next } },
      },
    };
  });
};

const compose = async (
  ctx: RunContext,
  action: SendAction,
  meta: MessageMeta,
  messageId: string,
): Promise<OutgoingMail> => {
  const context = {
    mailbox: ctx.config.mailbox.address,
    messageId,
    now: new Date(ctx.clock.now()),
  };
  // The composers (nodemailer, mailparser) load only when a run sends something.
  if (action.kind !== 'forward') {
    const { composeReply } = await import('../actions/compose-reply.js');
    return composeReply(action, meta, context);
  }
  const { composeForward } = await import('../actions/compose-forward.js');
  return composeForward(action, meta, {
    ...context,
    openOriginal: async () => {
      const stream = await ctx.store.read(meta.key);
      if (!stream)
        throw new PopfwdError('ESTORE', `the archived original ${meta.key} is missing`, {
          retryable: false,
        });
      return stream;
    },
  });
};

/** Records looked up at once when their sends are final. */
const FINALIZE_CONCURRENCY = 8;

/** A damaged record or catalog segment throws ESTORE naming it: its sends are not guessed at. */
const readRecord = (ctx: RunContext, id: string): Promise<MessageRecord | null> =>
  ctx.catalog.get(id);

/**
 * Copies the final outcome of each message's sends into its record, then drops the messages from
 * the ledger: records first, so the ledger never forgets a send its record does not show. The
 * new records are buffered in the catalog, which the ledger flushes before it saves the drop.
 */
const finalize = async (
  ctx: RunContext,
  done: ReadonlyMap<string, MessageRecord | null>,
): Promise<void> => {
  const updatedAt = new Date(ctx.clock.now()).toISOString();
  await forEachLimit(done, FINALIZE_CONCURRENCY, async ([id, known]) => {
    const pending = ctx.ledger.state.pending[id];
    const record = known ?? (await readRecord(ctx, id));
    if (!pending || !record) return;
    ctx.catalog.put({ ...record, actions: pending.actions, updatedAt });
  });
  ctx.ledger.updateState((state) =>
    withFailedSends(
      {
        ...state,
        pending: Object.fromEntries(Object.entries(state.pending).filter(([id]) => !done.has(id))),
      },
      failedSendsOf(state, done.keys(), updatedAt),
    ),
  );
};

type Outcome = 'sent' | 'skipped' | 'retry' | 'failed' | 'stop';

/**
 * One send, exactly once: the ledger says "sending" (and counts it against the daily cap) before
 * the SMTP transaction and "sent" after. The "sent" is written together with the next send's
 * "sending" (or at the end of the phase): one write between two sends, and still at most the one
 * send in flight is in doubt. A run that dies after the server accepted it and before that write
 * leaves "sending", and the next run sends again with the same Message-ID: the one window where a
 * duplicate can happen (README, "Guarantees").
 */
const sendOne = async (
  ctx: RunContext,
  mailer: () => Promise<Mailer>,
  id: string,
  actionId: string,
  state: ActionState,
  meta: MessageMeta,
): Promise<Outcome> => {
  const { action } = state;
  const now = ctx.clock.now();
  const log = ctx.log.child({ uidl: meta.uidl, action: actionId });
  if (action.kind === 'vacation') {
    const until = ctx.ledger.state.vacation[action.sender];
    if (until && Date.parse(until) > now) {
      setAction(ctx, id, actionId, {
        ...state,
        status: 'skipped',
        reason: `a vacation reply went to ${action.sender} within the last ${action.days} day(s)`,
      });
      log.info('vacation reply skipped: already answered this sender recently', {
        sender: action.sender,
      });
      return 'skipped';
    }
  }
  const day = utcDay(now);
  setAction(
    ctx,
    id,
    actionId,
    { ...state, status: 'sending', attempts: state.attempts + 1 },
    (current) => ({
      sends: { day, count: (current.sends.day === day ? current.sends.count : 0) + 1 },
    }),
  );
  await ctx.ledger.saveState();

  try {
    crashPoint('before-send');
    const mail = await compose(ctx, action, meta, state.messageId);
    // A send still running at the cutoff is cut off before its final dot: not sent, retried later.
    const result = await (await mailer()).send({ ...mail, signal: ctx.cutoff });
    crashPoint('after-smtp');
    const sentAt = new Date(ctx.clock.now()).toISOString();
    setAction(
      ctx,
      id,
      actionId,
      { ...state, status: 'sent', attempts: state.attempts + 1, sentAt, response: result.response },
      (current) =>
        action.kind === 'vacation'
          ? {
              vacation: {
                ...current.vacation,
                [action.sender]: new Date(now + action.days * 86_400_000).toISOString(),
              },
            }
          : {},
    );
    log.info(action.kind === 'forward' ? 'forwarded' : 'replied', { to: action.to });
    return 'sent';
  } catch (caught) {
    const error = caught instanceof PopfwdError ? caught : classifySendError(caught);
    const failure = classifyFailure(error, action);
    const attempts = failure.countsAsAttempt ? state.attempts + 1 : state.attempts;
    const lastError = {
      code: error.code,
      message: error.message,
      at: new Date(ctx.clock.now()).toISOString(),
    };
    // Not sent: give the reserved send back to today's count.
    const refund = (current: MailboxState) => ({
      sends: { ...current.sends, count: Math.max(0, current.sends.count - 1) },
    });
    if (failure.kind === 'final' || (failure.kind === 'retry' && attempts >= MAX_SEND_ATTEMPTS)) {
      const reason =
        failure.kind === 'retry'
          ? `gave up after ${attempts} attempts: ${error.message}`
          : failure.reason;
      setAction(
        ctx,
        id,
        actionId,
        { ...state, status: 'failed', attempts, lastError, reason },
        refund,
      );
      log.error('send failed permanently', { code: error.code, error: reason });
      // A loop found only when the original was read (compose-forward.ts): the owner must know.
      if (error.code === 'ELOOP') ctx.counters.alerts.push({ code: error.code, message: reason });
      return 'failed';
    }
    const notBefore = new Date(
      failure.kind === 'account'
        ? now + ACCOUNT_PAUSE_MS
        : failure.kind === 'quota'
          ? nextUtcDay(now)
          : now + backoff(Math.max(1, attempts)),
    ).toISOString();
    // The account, not this message, is refused: every send waits, not only this one.
    const pause = (current: MailboxState): Partial<MailboxState> =>
      failure.kind === 'account' || failure.kind === 'quota'
        ? {
            ...refund(current),
            sendPause: { until: notBefore, code: error.code, reason: error.message },
          }
        : refund(current);
    setAction(
      ctx,
      id,
      actionId,
      { ...state, status: 'pending', attempts, lastError, notBefore },
      pause,
    );
    if (failure.kind === 'retry') {
      log.warn('send failed; will retry on a later run', {
        code: error.code,
        error: error.message,
        attempts,
      });
      return 'retry';
    }
    if (failure.kind === 'connection') {
      log.warn('the SMTP server is unreachable; sends wait for the next run', {
        code: error.code,
        error: error.message,
      });
    } else {
      ctx.counters.alerts.push({ code: error.code, message: error.message });
      log.error('sending stopped for this run: the account cannot send now', {
        code: error.code,
        error: error.message,
      });
    }
    return 'stop';
  }
};

/**
 * Expired memories go: vacation replies and an account pause that is over. The state is only
 * touched when one has expired, so a run with nothing to forget writes nothing for it.
 */
const forgetExpired = (ctx: RunContext, now: number): void => {
  const { sendPause, vacation } = ctx.ledger.state;
  const pauseOver = sendPause !== undefined && Date.parse(sendPause.until) <= now;
  const live = Object.entries(vacation).filter(([, until]) => Date.parse(until) > now);
  if (!pauseOver && live.length === Object.keys(vacation).length) return;
  ctx.ledger.updateState(({ sendPause: pause, ...state }) => ({
    ...state,
    ...(pause && !pauseOver ? { sendPause: pause } : {}),
    vacation: Object.fromEntries(live),
  }));
};

/** Messages whose sends are all final are finalized in batches, so the ledger stays small. */
const FINALIZE_BATCH = 50;

/**
 * Performs every due send from the archived copies: first those left pending by earlier runs
 * (even after their messages left the server), then each new message as soon as the fetch has
 * recorded it, while the fetch goes on. Ends when `ctx.sends` is closed and drained. Stops sending
 * at the deadline, at the daily cap, or when the account itself is refused.
 */
export const sendPhase = async (
  ctx: RunContext,
  createMailer: () => Mailer | Promise<Mailer>,
  /** `popfwd resend ID…`: only these messages' earlier sends. */
  only?: ReadonlySet<string>,
): Promise<void> => {
  const { ledger, counters, config } = ctx;
  let mailer: Promise<Mailer> | null = null;
  const useMailer = () => {
    mailer ??= Promise.resolve().then(createMailer);
    return mailer;
  };
  const now = ctx.clock.now();
  forgetExpired(ctx, now);
  const earlier = Object.entries(ledger.state.pending)
    .filter(([id]) => !only || only.has(id))
    .sort(([, a], [, b]) => a.since.localeCompare(b.since));
  for (const [id, { uidl }] of earlier) ctx.sends.push({ id, uidl, record: null });
  let stopped = isPaused(ledger.state, now);
  if (stopped) {
    ctx.log.info('sending is paused after the account was refused', {
      until: ledger.state.sendPause?.until,
      reason: ledger.state.sendPause?.reason,
    });
  }
  const done = new Map<string, MessageRecord | null>();
  // Sends attempted in this run, for the progress display: of those plus the ones due now.
  let attempted = 0;
  const progress = () =>
    ctx.onProgress?.({
      phase: 'send',
      done: attempted,
      // Once sending stops for this run, what is still due waits for the next one.
      total: attempted + (stopped ? 0 : countDueSends(ledger.state, ctx.clock.now(), only)),
    });
  try {
    for await (const queued of ctx.sends.take()) {
      const { id } = queued;
      const pending = ledger.state.pending[id];
      if (!pending) continue;
      let record = queued.record;
      const due = Object.entries(pending.actions).filter(
        ([, action]) =>
          !isFinal(action.status) &&
          (!action.notBefore || Date.parse(action.notBefore) <= ctx.clock.now()),
      );
      if (due.length > 0 && !stopped) {
        if (!config.mailbox.smtp) {
          counters.alerts.push({
            code: 'ECONFIG',
            message: 'sends are waiting but mailbox.smtp is not configured',
          });
          stopped = true;
          continue;
        }
        record ??= await readRecord(ctx, id);
        if (!record) {
          ctx.log.error('the record of a message with pending sends is missing', { id });
          continue;
        }
        progress();
        for (const [actionId, state] of due) {
          if (ctx.clock.now() >= ctx.sendCutoff || ctx.cutoff.aborted) {
            counters.stoppedBy ??= 'deadline';
            stopped = true;
            break;
          }
          if (dailyCapReached(ledger.state, ctx.clock.now(), config.limits.maxSendsPerDay)) {
            counters.alerts.push({
              code: 'ESENDCAP',
              message: `the daily send cap (${config.limits.maxSendsPerDay}) is reached; the rest waits until tomorrow (UTC)`,
            });
            stopped = true;
            break;
          }
          const outcome = await sendOne(ctx, useMailer, id, actionId, state, record.meta);
          attempted += 1;
          if (outcome === 'stop') stopped = true;
          progress();
          if (outcome === 'sent')
            counters[state.action.kind === 'forward' ? 'forwarded' : 'replied'] += 1;
          else if (outcome === 'skipped') counters.skipped += 1;
          else if (outcome === 'failed') counters.failed += 1;
          else if (outcome === 'stop') {
            stopped = true;
            break;
          }
        }
      }
      const after = ledger.state.pending[id];
      if (after && Object.values(after.actions).every((action) => isFinal(action.status))) {
        done.set(id, record);
        if (done.size >= FINALIZE_BATCH) {
          await finalize(ctx, done);
          done.clear();
        }
      }
    }
    if (done.size > 0) await finalize(ctx, done);
  } finally {
    await (mailer as Promise<Mailer> | null)?.then(
      (open) => open.close(),
      () => {},
    );
    counters.pendingActions = countOpenSends(ledger.state);
  }
};
