import { PopfwdError } from '../errors.js';
import type { Log } from '../log.js';
import type { MessageMeta } from '../mail/message-meta.js';
import type { SendAction } from '../rules/plan.js';
import type { Mailer, OutgoingMail } from '../smtp/mailer.js';
import { classifySendError } from '../smtp/send-errors.js';
import { crashPoint } from '../test-hooks/crash-points.js';
import type { ActionState } from './ledger-types.js';
import type { RunContext } from './run-context.js';
import {
  afterAttempt,
  applyStep,
  type SendAttempt,
  type SendOutcome,
  type SendStep,
  skipSend,
  startSend,
} from './send-outcome.js';
import { vacationSkip } from './send-policy.js';

/** The outgoing mail of one action; a forward streams the original back from the archive. */
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
    const { composeReply } = await import('../compose/compose-reply.js');
    return composeReply(action, meta, context);
  }
  const { composeForward } = await import('../compose/compose-forward.js');
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

/** One SMTP attempt: the message composed from the archive and sent, or why not. */
const attempt = async (
  ctx: RunContext,
  mailer: () => Promise<Mailer>,
  action: ActionState,
  meta: MessageMeta,
): Promise<SendAttempt> => {
  try {
    crashPoint('before-send');
    const mail = await compose(ctx, action.action, meta, action.messageId);
    // A send still running at the cutoff is cut off before its final dot: not sent, retried later.
    const result = await (await mailer()).send({ ...mail, signal: ctx.cutoff });
    crashPoint('after-smtp');
    return { ok: true, response: result.response };
  } catch (caught) {
    return { ok: false, error: caught instanceof PopfwdError ? caught : classifySendError(caught) };
  }
};

/** The log line and alert of one attempt's outcome. */
const report = (ctx: RunContext, log: Log, send: SendAction, step: SendStep): void => {
  if ('alert' in step && step.alert) ctx.counters.alerts.push(step.alert);
  switch (step.outcome) {
    case 'sent':
      log.info(send.kind === 'forward' ? 'forwarded' : 'replied', { to: send.to });
      return;
    case 'failed':
      log.error('send failed permanently', { code: step.error.code, error: step.reason });
      return;
    case 'retry':
      log.warn('send failed; will retry on a later run', {
        code: step.error.code,
        error: step.error.message,
        attempts: step.next.attempts,
      });
      return;
    case 'stop':
      if (step.pause) {
        log.error('sending stopped for this run: the account cannot send now', {
          code: step.error.code,
          error: step.error.message,
        });
      } else {
        log.warn('the SMTP server is unreachable; sends wait for the next run', {
          code: step.error.code,
          error: step.error.message,
        });
      }
  }
};

/**
 * One send, exactly once, performing the decisions of send-policy.ts and send-outcome.ts: the
 * ledger says "sending" (and counts it against the daily cap) before the SMTP transaction and
 * "sent" after. The "sent" is written together with the next send's "sending" (or at the end of
 * the phase): one write between two sends, and still at most the one send in flight is in doubt.
 * A run that dies after the server accepted it and before that write leaves "sending", and the
 * next run sends again with the same Message-ID: the one window where a duplicate can happen
 * (README, "Guarantees").
 */
export const sendOne = async (
  ctx: RunContext,
  mailer: () => Promise<Mailer>,
  id: string,
  actionId: string,
  action: ActionState,
  meta: MessageMeta,
): Promise<SendOutcome> => {
  const { ledger } = ctx;
  const now = ctx.clock.now();
  const log = ctx.log.child({ uidl: meta.uidl, action: actionId });
  const skip = vacationSkip(ledger.state, action.action, now);
  if (skip) {
    ledger.updateState((state) => skipSend(state, id, actionId, action, skip.reason));
    log.info('vacation reply skipped: already answered this sender recently', {
      sender: skip.sender,
    });
    return 'skipped';
  }
  ledger.updateState((state) => startSend(state, id, actionId, action, now));
  await ledger.saveState();
  const result = await attempt(ctx, mailer, action, meta);
  const step = afterAttempt(action, result, now, ctx.clock.now());
  ledger.updateState((state) => applyStep(state, id, actionId, step));
  report(ctx, log, action.action, step);
  return step.outcome;
};
