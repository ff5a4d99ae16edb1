import { errorMessage, hasCode, PopfwdError } from '../errors.js';
import type { Pop3Client } from '../pop3/client.js';
import type { Pop3MessageStream } from '../pop3/message-stream.js';
import { formatBytes } from '../units.js';
import { type ArchiveOutcome, archiveMessage } from './archive-message.js';
import { budgetStopOf, FetchBudget } from './fetch-budget.js';
import { MessageIdentity } from './message-identity.js';
import { clearFetchFailures, isServerSideFetchFailure, recordFetchFailure } from './quarantine.js';
import type { RunContext } from './run-context.js';
import type { ServerMessage } from './selection.js';

/** The seen index is saved this often during a long fetch, so a crash repeats little work. */
const CHECKPOINT_EVERY_MESSAGES = 100;
const CHECKPOINT_EVERY_MS = 30_000;

/** Archive tasks finishing at once; the socket only ever feeds one of them. */
const ARCHIVE_CONCURRENCY = 8;

/** One message, holding its place in the send queue (server order) until it is recorded. */
const fetchOne = async (
  ctx: RunContext,
  message: ServerMessage,
  stream: Pop3MessageStream,
  identity: MessageIdentity,
  conflicts: Array<{ message: ServerMessage; alternateId: string }>,
): Promise<void> => {
  ctx.sends.reserve(message.n);
  try {
    await archiveAndRecord(ctx, message, stream, identity, conflicts);
  } finally {
    ctx.sends.settle(message.n);
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
  identity: MessageIdentity,
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
      readRecord: (id) => ctx.catalog.get(id),
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
  if ((await identity.settle(message, outcome, log)) === 'refetch' && outcome.kind === 'conflict') {
    log.warn(
      message.ambiguous
        ? 'another message listed under this UIDL is archived under its key; fetching this one again under a key of its own'
        : 'the server reused this UIDL for a different message; fetching it again under a new key',
    );
    conflicts.push({ message, alternateId: outcome.alternateId });
  }
};

/**
 * What the run's limits let through, taken as shouldIssue takes it (the first message always
 * goes): the progress display's denominator, so it does not claim mail left for the next run.
 */
const planned = (
  fresh: readonly ServerMessage[],
  maxMessages: number,
  maxBytes: number,
): { total: number; totalBytes: number } => {
  let total = 0;
  let totalBytes = 0;
  for (const message of fresh) {
    if (total >= maxMessages || (total > 0 && totalBytes + message.size > maxBytes)) break;
    total += 1;
    totalBytes += message.size;
  }
  return { total, totalBytes };
};

/**
 * RETRs new messages (pipelined when the server allows) straight into the archive, within the
 * run's limits. A limit stops new requests; what is already in flight is still archived. Bytes
 * count as they arrive (fetch-budget.ts): a message that passes a size limit drops the session.
 * Resolves the ids that copies of ambiguous UIDLs were settled to (message number → id).
 */
export const fetchPhase = async (
  ctx: RunContext,
  pop3: Pop3Client,
  listed: readonly ServerMessage[],
): Promise<ReadonlyMap<number, string>> => {
  const { counters, config, clock, ledger } = ctx;
  const { maxMessagesPerRun, maxBytesPerRun, maxMessageSize } = config.limits;
  const fresh = listed.filter((message) => message.size <= maxMessageSize);
  for (const message of listed) if (message.size > maxMessageSize) refuseTooLarge(ctx, message);
  const byNumber = new Map(fresh.map((message) => [message.n, message]));
  const byteBudget = new FetchBudget({ maxMessageSize, maxBytesPerRun });
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
    if (issued > 0 && byteBudget.committed + message.size > maxBytesPerRun)
      return stop('maxBytesPerRun');
    if (clock.now() >= ctx.budget.fetchUntil) return stop('deadline');
    issued += 1;
    byteBudget.issue(message.n, message.size);
    return true;
  };

  const identity = new MessageIdentity(ctx);
  const conflicts: Array<{ message: ServerMessage; alternateId: string }> = [];
  /** Archive tasks still finishing (fsync, link, record) while the socket reads the next message. */
  const inFlight = new Set<Promise<void>>();
  let failure: { readonly error: unknown } | null = null;
  let sinceCheckpoint = 0;
  let lastCheckpoint = clock.now();
  const plan = planned(fresh, maxMessagesPerRun, maxBytesPerRun);
  const progress = (done: number, bytes: number) =>
    ctx.onProgress?.({ phase: 'fetch', done, bytes, ...plan, waiting: fresh.length });
  progress(0, 0);
  try {
    for await (const stream of pop3.retrieve(fresh, shouldIssue, byteBudget.guard)) {
      if (failure) {
        stream.destroy();
        break;
      }
      const message = byNumber.get(stream.n) as ServerMessage;
      stream.complete.then(
        () => byteBudget.finish(stream.n),
        () => byteBudget.finish(stream.n),
      );
      const task: Promise<void> = fetchOne(ctx, message, stream, identity, conflicts).then(
        () => {
          processed += 1;
          progress(counters.fetched, counters.bytes);
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
    reportRepeats(ctx, identity.repeats);
    return identity.resolved;
  }

  for (const { message, alternateId } of conflicts) {
    const log = ctx.log.child({ uidl: message.uidl });
    if (clock.now() >= ctx.budget.fetchUntil) {
      counters.remaining += 1;
      continue;
    }
    try {
      byteBudget.issue(message.n, message.size);
      const outcome = await archiveMessage({
        store: ctx.store,
        layout: ctx.layout,
        uidl: message.uidl,
        id: alternateId,
        stream: pop3.retr(message.n, byteBudget.guard),
        now: clock.now(),
        readRecord: (id) => ctx.catalog.get(id),
      });
      if ((await identity.settle(message, outcome, log)) === 'refetch')
        throw new Error('its content changed between two reads');
    } catch (error) {
      counters.failed += 1;
      log.error('could not archive a message with a reused UIDL; it stays on the server', {
        error: errorMessage(error),
      });
    }
  }
  reportRepeats(ctx, identity.repeats);
  return identity.resolved;
};

/** One alert per run for a server that gives known messages new UIDLs. */
const reportRepeats = (ctx: RunContext, uidls: readonly string[]): void => {
  if (uidls.length === 0) return;
  const shown = uidls.slice(0, 5).join(', ') + (uidls.length > 5 ? ', …' : '');
  ctx.counters.alerts.push({
    code: 'EPROTOCOL',
    message: `${uidls.length} message(s) came under new UIDLs (${shown}) with bytes already archived: nothing was archived or sent again (the server changes UIDLs, which RFC 1939 forbids)`,
  });
};
