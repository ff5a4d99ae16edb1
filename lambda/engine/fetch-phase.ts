import { actionMessageId } from '../actions/own-message-id.js';
import { formatBytes } from '../config/units.js';
import { errorMessage, hasCode, PopfwdError } from '../errors.js';
import type { Log } from '../log.js';
import type { Pop3Client } from '../pop3/client.js';
import type { Pop3MessageStream } from '../pop3/message-stream.js';
import type { MessagePlan } from '../rules/plan.js';
import { type ArchiveOutcome, archiveMessage } from './archive-message.js';
import { budgetStopOf, FetchBudget } from './fetch-budget.js';
import type { ActionState, PendingMessage, SeenEntry } from './ledger-types.js';
import { encodeRecord, type MessageRecord } from './message-record.js';
import { planMessage } from './plan-message.js';
import { clearFetchFailures, isServerSideFetchFailure, recordFetchFailure } from './quarantine.js';
import type { RunContext } from './run-context.js';
import type { ServerMessage } from './selection.js';

/** The seen index is saved this often during a long fetch, so a crash repeats little work. */
const CHECKPOINT_EVERY_MESSAGES = 100;
const CHECKPOINT_EVERY_MS = 30_000;

const initialActions = (
  mailbox: string,
  id: string,
  plan: MessagePlan,
): Record<string, ActionState> =>
  Object.fromEntries(
    plan.actions.map((action) => [
      action.id,
      {
        action,
        status: 'pending',
        attempts: 0,
        messageId: actionMessageId(mailbox, id, action.id),
      } satisfies ActionState,
    ]),
  );

const seenEntry = (
  ctx: RunContext,
  uidl: string,
  id: string,
  archivedAt: string,
  plan: MessagePlan | null,
): SeenEntry => ({
  t: Math.floor(Date.parse(archivedAt) / 1000),
  ...(id === ctx.layout.idFor(uidl) ? {} : { id }),
  ...(plan?.server === 'keep'
    ? { s: 'k' as const }
    : plan?.server === 'delete'
      ? { s: 'd' as const }
      : {}),
});

/** Puts a message's sends in the ledger and hands it to the sender. */
const track = (
  ctx: RunContext,
  id: string,
  pending: PendingMessage,
  record: MessageRecord,
): void => {
  ctx.ledger.updateState((state) => ({ ...state, pending: { ...state.pending, [id]: pending } }));
  ctx.sends.push({ id, uidl: pending.uidl, record });
};

/** Records a newly planned message: its record first, then the ledger that points to it. */
const recordNew = async (
  ctx: RunContext,
  message: ServerMessage,
  outcome: Exclude<ArchiveOutcome, { kind: 'conflict' }>,
  log: Log,
) => {
  const { meta, id } = outcome;
  const rules = await planMessage(ctx, meta);
  const plan = rules.status === 'evaluated' ? rules.plan : null;
  const actions = plan ? initialActions(ctx.config.mailbox.address, id, plan) : {};
  const record: MessageRecord = {
    v: 1,
    id,
    meta,
    rules,
    tags: plan?.tags ?? [],
    actions,
    updatedAt: new Date(ctx.clock.now()).toISOString(),
  };
  await ctx.store.putDocument(ctx.layout.recordKey(id), encodeRecord(record), {
    contentType: 'application/json',
  });
  ctx.ledger.markSeen(message.uidl, seenEntry(ctx, message.uidl, id, meta.archivedAt, plan));
  if (Object.keys(actions).length > 0)
    track(ctx, id, { uidl: message.uidl, since: meta.archivedAt, actions }, record);
  if (plan?.loop) {
    // A loop the marker did not stop is the forwarding setup's fault: the owner has to know.
    ctx.counters.alerts.push({ code: 'ELOOP', message: `${meta.uidl}: ${plan.loop}` });
    log.warn('mail loop: nothing sent for this message', { reason: plan.loop });
  }
  if (rules.status === 'failed') {
    ctx.counters.failed += 1;
    log.warn('rules failed; the message is archived and recorded as failed', {
      error: rules.error,
    });
  } else {
    ctx.counters.skipped += plan?.notes.filter((note) => note.action).length ?? 0;
    log.info('archived', {
      subject: meta.subject,
      size: meta.size,
      actions: plan?.actions.map((action) => action.id) ?? [],
      ...(plan?.tags.length ? { tags: plan.tags } : {}),
    });
  }
};

/**
 * A message fetched again after a crash. Its record tells what was decided; sends that were
 * planned but never started (not in the ledger) are tracked again. Sends the ledger knows about
 * are left to it.
 */
const resume = async (
  ctx: RunContext,
  message: ServerMessage,
  outcome: Extract<ArchiveOutcome, { kind: 'exists' }>,
  log: Log,
) => {
  const { record, id } = outcome;
  if (!record) {
    await recordNew(ctx, message, outcome, log);
    return;
  }
  const plan = record.rules.status === 'evaluated' ? record.rules.plan : null;
  ctx.ledger.markSeen(message.uidl, seenEntry(ctx, message.uidl, id, record.meta.archivedAt, plan));
  const open = Object.values(record.actions).filter((state) => state.status === 'pending');
  if (open.length > 0 && !ctx.ledger.state.pending[id]) {
    track(
      ctx,
      id,
      { uidl: message.uidl, since: record.meta.archivedAt, actions: record.actions },
      record,
    );
  }
  log.info('already archived (fetched again after an interrupted run)');
};

const afterArchive = async (
  ctx: RunContext,
  message: ServerMessage,
  outcome: ArchiveOutcome,
  log: Log,
): Promise<boolean> => {
  if (outcome.kind === 'conflict') return false;
  ctx.counters.bytes += outcome.meta.size;
  if (outcome.kind === 'created') {
    ctx.counters.archived += 1;
    await recordNew(ctx, message, outcome, log);
  } else {
    ctx.counters.alreadyArchived += 1;
    await resume(ctx, message, outcome, log);
  }
  return true;
};

/** Archive tasks finishing at once; the socket only ever feeds one of them. */
const ARCHIVE_CONCURRENCY = 8;

/** One message, holding its place in the send queue (server order) until it is recorded. */
const fetchOne = async (
  ctx: RunContext,
  message: ServerMessage,
  stream: Pop3MessageStream,
  conflicts: Array<{ message: ServerMessage; alternateId: string }>,
): Promise<void> => {
  ctx.sends.reserve(message.uidl);
  try {
    await archiveAndRecord(ctx, message, stream, conflicts);
  } finally {
    ctx.sends.settle(message.uidl);
  }
};

/**
 * A message LIST says is over limits.maxMessageSize is not asked for at all: it is recorded as a
 * fetch failure (set aside after repeats, never deleted) and the rest of the mailbox goes on.
 */
const refuseTooLarge = (ctx: RunContext, message: ServerMessage): void => {
  const limit = ctx.config.limits.maxMessageSize;
  const error = new PopfwdError(
    'ESIZE',
    `the server lists this message at ${formatBytes(message.size)}, over limits.maxMessageSize (${formatBytes(limit)}); it is not fetched and stays on the server`,
    { context: { n: message.n, size: message.size } },
  );
  ctx.ledger.updateState((state) =>
    recordFetchFailure(state, message.uidl, error, ctx.clock.now()),
  );
  ctx.counters.failed += 1;
  ctx.log.child({ uidl: message.uidl }).error(error.message);
};

/**
 * Its stream into the archive, then its record and the ledger. A RETR refused with -ERR leaves
 * the session usable, so only this message is skipped; anything else fails the run.
 */
const archiveAndRecord = async (
  ctx: RunContext,
  message: ServerMessage,
  stream: Pop3MessageStream,
  conflicts: Array<{ message: ServerMessage; alternateId: string }>,
): Promise<void> => {
  const { counters, clock, ledger } = ctx;
  const log = ctx.log.child({ uidl: message.uidl });
  let outcome: ArchiveOutcome;
  try {
    outcome = await archiveMessage({
      store: ctx.store,
      layout: ctx.layout,
      uidl: message.uidl,
      stream,
      sizeHint: message.size,
      now: clock.now(),
    });
  } catch (error) {
    // Whatever stopped reading it, the rest of this message must still leave the socket.
    stream.destroy();
    // Other messages spent the run's byte budget: this one is not at fault, the run just stops.
    if (budgetStopOf(error) === 'run') throw error;
    if (isServerSideFetchFailure(error)) {
      ledger.updateState((state) => recordFetchFailure(state, message.uidl, error, clock.now()));
    }
    if (!hasCode(error, 'ECOMMAND', 'ESYSTEMP', 'ESYSPERM')) throw error;
    counters.failed += 1;
    log.error(
      'the server refused to send this message; it stays on the server and is tried again',
      {
        error: errorMessage(error),
      },
    );
    return;
  }
  if (ledger.state.fetchFailures?.[message.uidl]) {
    ledger.updateState((state) => clearFetchFailures(state, [message.uidl]));
  }
  counters.fetched += 1;
  if (!(await afterArchive(ctx, message, outcome, log)) && outcome.kind === 'conflict') {
    log.warn(
      'the server reused this UIDL for a different message; fetching it again under a new key',
    );
    conflicts.push({ message, alternateId: outcome.alternateId });
  }
};

/**
 * RETRs new messages (pipelined when the server allows) straight into the archive, within the
 * run's limits. A limit stops new requests; what is already in flight is still archived. Bytes
 * count as they arrive (fetch-budget.ts): a message that passes a size limit drops the session.
 */
export const fetchPhase = async (
  ctx: RunContext,
  pop3: Pop3Client,
  listed: readonly ServerMessage[],
): Promise<void> => {
  const { counters, config, clock, ledger } = ctx;
  const { maxMessagesPerRun, maxBytesPerRun, maxMessageSize } = config.limits;
  const fresh = listed.filter((message) => message.size <= maxMessageSize);
  for (const message of listed) if (message.size > maxMessageSize) refuseTooLarge(ctx, message);
  const byNumber = new Map(fresh.map((message) => [message.n, message]));
  const total = Math.min(fresh.length, maxMessagesPerRun);
  const budget = new FetchBudget({ maxMessageSize, maxBytesPerRun });
  let issued = 0;
  let processed = 0;
  const stop = (reason: NonNullable<typeof counters.stoppedBy>) => {
    counters.stoppedBy ??= reason;
    return false;
  };
  const shouldIssue = (message: { n: number; size: number }): boolean => {
    if (ctx.signal?.aborted) return stop('aborted');
    if (issued >= maxMessagesPerRun) return stop('maxMessagesPerRun');
    // The first message always goes, so one message over the byte cap cannot block a mailbox.
    if (issued > 0 && budget.committed + message.size > maxBytesPerRun)
      return stop('maxBytesPerRun');
    if (clock.now() >= ctx.fetchDeadline) return stop('deadline');
    issued += 1;
    budget.issue(message.n, message.size);
    return true;
  };

  const conflicts: Array<{ message: ServerMessage; alternateId: string }> = [];
  /** Archive tasks still finishing (fsync, link, record) while the socket reads the next message. */
  const inFlight = new Set<Promise<void>>();
  let failure: { readonly error: unknown } | null = null;
  let sinceCheckpoint = 0;
  let lastCheckpoint = clock.now();
  ctx.onProgress?.({ phase: 'fetch', done: 0, total, bytes: 0 });
  try {
    for await (const stream of pop3.retrieve(fresh, shouldIssue, budget.guard)) {
      if (failure) {
        stream.destroy();
        break;
      }
      const message = byNumber.get(stream.n) as ServerMessage;
      stream.complete.then(
        () => budget.finish(stream.n),
        () => budget.finish(stream.n),
      );
      const task: Promise<void> = fetchOne(ctx, message, stream, conflicts).then(
        () => {
          processed += 1;
          ctx.onProgress?.({
            phase: 'fetch',
            done: counters.fetched,
            total,
            bytes: counters.bytes,
          });
          sinceCheckpoint += 1;
        },
        (error: unknown) => {
          failure ??= { error };
        },
      );
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
      if (inFlight.size >= ARCHIVE_CONCURRENCY) await Promise.race(inFlight);
      if (
        sinceCheckpoint >= CHECKPOINT_EVERY_MESSAGES ||
        clock.now() - lastCheckpoint >= CHECKPOINT_EVERY_MS
      ) {
        sinceCheckpoint = 0;
        lastCheckpoint = clock.now();
        await ledger.checkpoint();
      }
    }
  } catch (error) {
    if (budgetStopOf(error) !== 'run') throw error;
    failure ??= { error };
  } finally {
    // Whatever ends the loop, every task's bookkeeping lands before the run saves its state.
    await Promise.all(inFlight);
  }
  counters.remaining = fresh.length - processed;
  if (failure) {
    const { error } = failure as { readonly error: unknown };
    if (budgetStopOf(error) !== 'run') throw error;
    // The session is gone (nothing it marked is deleted); what was archived stays recorded.
    stop('maxBytesPerRun');
    ctx.log.warn(errorMessage(error));
    return;
  }

  for (const { message, alternateId } of conflicts) {
    const log = ctx.log.child({ uidl: message.uidl });
    if (clock.now() >= ctx.fetchDeadline) {
      counters.remaining += 1;
      continue;
    }
    try {
      budget.issue(message.n, message.size);
      const outcome = await archiveMessage({
        store: ctx.store,
        layout: ctx.layout,
        uidl: message.uidl,
        id: alternateId,
        stream: pop3.retr(message.n, budget.guard),
        now: clock.now(),
      });
      if (!(await afterArchive(ctx, message, outcome, log)))
        throw new Error('its content changed between two reads');
    } catch (error) {
      counters.failed += 1;
      log.error('could not archive a message with a reused UIDL; it stays on the server', {
        error: errorMessage(error),
      });
    }
  }
};
