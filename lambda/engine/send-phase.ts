import type { MessageMeta } from '../mail/message-meta.js';
import type { Mailer } from '../smtp/mailer.js';
import { forEachLimit } from './concurrency.js';
import { type ActionState, isFinal } from './ledger-types.js';
import type { MessageRecord } from './message-record.js';
import type { RunContext } from './run-context.js';
import { failedSendsOf, withFailedSends } from './run-history.js';
import { sendOne } from './send-one.js';
import { forgetExpired } from './send-outcome.js';
import { countDueSends, countOpenSends, dueActions, isPaused, sendGate } from './send-policy.js';

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

/** Messages whose sends are all final are finalized in batches, so the ledger stays small. */
const FINALIZE_BATCH = 50;

/** Where the phase stands: whether sending stopped for this run, and the sends attempted. */
interface Sending {
  stopped: boolean;
  attempted: number;
}

/** The due sends of one message, in order, each behind the gate (time, daily cap). */
const sendDue = async (
  ctx: RunContext,
  mailer: () => Promise<Mailer>,
  id: string,
  due: ReadonlyArray<readonly [string, ActionState]>,
  meta: MessageMeta,
  sending: Sending,
  progress: () => void,
): Promise<void> => {
  const { counters, ledger, config } = ctx;
  for (const [actionId, action] of due) {
    const time = {
      now: ctx.clock.now(),
      sendUntil: ctx.budget.sendUntil,
      cutoffPassed: ctx.cutoff.aborted,
    };
    const gate = sendGate(ledger.state, time, config.limits.maxSendsPerDay);
    if (!gate.go) {
      if (gate.stop === 'deadline') counters.stoppedBy ??= 'deadline';
      else counters.alerts.push({ code: 'ESENDCAP', message: gate.alert });
      sending.stopped = true;
      return;
    }
    const outcome = await sendOne(ctx, mailer, id, actionId, action, meta);
    sending.attempted += 1;
    if (outcome === 'stop') sending.stopped = true;
    progress();
    if (outcome === 'sent')
      counters[action.action.kind === 'forward' ? 'forwarded' : 'replied'] += 1;
    else if (outcome === 'skipped') counters.skipped += 1;
    else if (outcome === 'failed') counters.failed += 1;
    else if (outcome === 'stop') return;
  }
};

/**
 * Performs every due send from the archived copies: first those left pending by earlier runs
 * (even after their messages left the server), then each new message as soon as the fetch has
 * recorded it, while the fetch goes on. Ends when `ctx.sends` is closed and drained. Stops sending
 * at the deadline, at the daily cap, or when the account itself is refused.
 */
export const sendPhase = async (
  ctx: RunContext,
  /** Makes the run's mailer (RunPorts.mailers); called on the first send only. */
  openMailer: () => Promise<Mailer>,
  /** `popfwd resend ID…`: only these messages' earlier sends. */
  only?: ReadonlySet<string>,
): Promise<void> => {
  const { ledger, counters, config } = ctx;
  let mailer: Promise<Mailer> | null = null;
  const useMailer = () => {
    mailer ??= Promise.resolve().then(openMailer);
    return mailer;
  };
  const now = ctx.clock.now();
  const forgotten = forgetExpired(ledger.state, now);
  if (forgotten) ledger.updateState(() => forgotten);
  const earlier = Object.entries(ledger.state.pending)
    .filter(([id]) => !only || only.has(id))
    .sort(([, a], [, b]) => a.since.localeCompare(b.since));
  for (const [id, { uidl }] of earlier) ctx.sends.push({ id, uidl, record: null });
  const sending: Sending = { stopped: isPaused(ledger.state, now), attempted: 0 };
  if (sending.stopped) {
    ctx.log.info('sending is paused after the account was refused', {
      until: ledger.state.sendPause?.until,
      reason: ledger.state.sendPause?.reason,
    });
  }
  const done = new Map<string, MessageRecord | null>();
  // Sends attempted in this run, for the progress display: of those plus the ones due now.
  const progress = () =>
    ctx.onProgress?.({
      phase: 'send',
      done: sending.attempted,
      // Once sending stops for this run, what is still due waits for the next one.
      total:
        sending.attempted +
        (sending.stopped ? 0 : countDueSends(ledger.state, ctx.clock.now(), only)),
    });
  try {
    for await (const queued of ctx.sends.take()) {
      const { id } = queued;
      const pending = ledger.state.pending[id];
      if (!pending) continue;
      let record = queued.record;
      const due = dueActions(pending.actions, ctx.clock.now());
      if (due.length > 0 && !sending.stopped) {
        if (!config.mailbox.smtp) {
          counters.alerts.push({
            code: 'ECONFIG',
            message: 'sends are waiting but mailbox.smtp is not configured',
          });
          sending.stopped = true;
          continue;
        }
        record ??= await readRecord(ctx, id);
        if (!record) {
          ctx.log.error('the record of a message with pending sends is missing', { id });
          continue;
        }
        progress();
        await sendDue(ctx, useMailer, id, due, record.meta, sending, progress);
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
