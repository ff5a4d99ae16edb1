import { randomUUID } from 'node:crypto';
import { openCredentials } from '../auth/open-credentials.js';
import { type Clock, systemClock } from '../clock.js';
import { readCaFile } from '../config/ca-file.js';
import { type ErrorCode, errorMessage, hasCode, isPopfwdError, PopfwdError } from '../errors.js';
import { Pop3Client } from '../pop3/client.js';
import { printable } from '../pop3/server-text.js';
import { learningCredentials, learningSecretStore } from '../redact/learn-secrets.js';
import { redactingLog } from '../redact/redacting-log.js';
import { Redactor } from '../redact/redactor.js';
import { notingWrites } from '../secrets/noting-writes.js';
import { crashPoint } from '../test-hooks/crash-points.js';
import { catalogNeedsWork, finishCatalog, prepareCatalog } from './catalog-upkeep.js';
import { fetchPhase } from './fetch-phase.js';
import { mailboxLayout } from './layout.js';
import { Ledger, leaseOwner } from './ledger.js';
import { mailerFactory } from './mailer-factory.js';
import { clearFetchFailures, QUARANTINE_AFTER, quarantined } from './quarantine.js';
import { armCutoff, type CutoffAlarm, type RunBudget, runBudget } from './run-budget.js';
import { RunCatalog } from './run-catalog.js';
import { newCounters, type RunContext, toSummary } from './run-context.js';
import { reportFindings } from './run-findings.js';
import { rotationStale, runRecord, withRotation, withRun } from './run-history.js';
import type { RunOptions } from './run-options.js';
import {
  buildListing,
  copiesAfter,
  fetchOrder,
  type Listing,
  type ServerMessage,
  selectDeletions,
  selectNew,
  selectVanished,
} from './selection.js';
import { sendPhase } from './send-phase.js';
import { countOpenSends, hasDueSends } from './send-policy.js';
import { SendQueue } from './send-queue.js';
import { mayDelete, reportRejectedLines } from './session-checks.js';
import type { RunSummary } from './summary.js';

/** A crashed run's lease expires this long after its deadline. */
const LEASE_GRACE_MS = 60_000;

/** Deletes what retention chose; a refused DELE keeps that one message, nothing else changes. */
const deleteChosen = async (
  ctx: RunContext,
  pop3: Pop3Client,
  listing: Listing,
): Promise<ServerMessage[]> => {
  const chosen = selectDeletions(
    listing,
    ctx.ledger.seen,
    ctx.config.mailbox.retention,
    ctx.clock.now(),
  );
  if (chosen.length === 0) return [];
  ctx.onProgress?.({ phase: 'delete', total: chosen.length });
  const results = await Promise.allSettled(chosen.map((message) => pop3.dele(message.n)));
  return chosen.filter((message, index) => {
    const result = results[index];
    if (result?.status === 'fulfilled') return true;
    ctx.log.warn('DELE refused; the message stays on the server', {
      uidl: message.uidl,
      error: errorMessage(result?.reason),
    });
    return false;
  });
};

/**
 * One poll of one mailbox: new mail archived exactly once, retention applied, sends performed.
 * Throws only for run-level failures (login, connection, storage); a message the rules cannot
 * handle is recorded as failed and the run goes on. Another client or run holding the mailbox is
 * reported in `busy`, not thrown.
 */
export const runMailbox = async (options: RunOptions): Promise<RunSummary> => {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const budget = runBudget(
    started,
    Math.min(options.deadline, started + options.config.limits.runTimeout),
  );
  const cutoff = armCutoff(budget.cutoff, clock);
  try {
    return await runWithin(options, clock, started, budget, cutoff);
  } finally {
    cutoff.disarm();
  }
};

const runWithin = async (
  options: RunOptions,
  clock: Clock,
  started: number,
  budget: RunBudget,
  cutoff: CutoffAlarm,
): Promise<RunSummary> => {
  const { config, store } = options;
  const { deadline } = budget;
  const mailbox = config.mailbox.address;
  // Every secret the run gets hold of is masked in what servers say and, as a net, in the log.
  const redactor = options.redactor ?? new Redactor();
  const log = redactingLog(options.log, redactor).child({ mailbox });
  const layout = mailboxLayout(mailbox);
  const counters = newCounters();
  const finish = () => toSummary(counters, clock.now() - started);

  const ledger = await Ledger.load(store, layout, mailbox, started);
  const runId = leaseOwner(randomUUID().slice(0, 8));
  const holder = ledger.leaseHolder(runId, started);
  if (holder) {
    counters.busy = `another popfwd run (${holder.owner}) is working on this mailbox until ${holder.until}`;
    log.info(counters.busy);
    return finish();
  }

  const catalog = new RunCatalog(store, layout, {
    next: ledger.state.catalogNext ?? 0,
    onSeq: (next) => ledger.updateState((state) => ({ ...state, catalogNext: next })),
  });
  // Records first: every ledger save writes the buffered records before it (run-catalog.ts).
  ledger.flushBeforeSaving(() => catalog.flush());
  const ctx: RunContext = {
    runId,
    config,
    store,
    layout,
    ledger,
    catalog,
    log,
    clock,
    counters,
    deadline,
    fetchDeadline: budget.fetchDeadline,
    sendCutoff: budget.sendCutoff,
    cutoff: cutoff.signal,
    signal: options.signal,
    onProgress: options.onProgress,
    sends: new SendQueue(),
  };
  // The run writes a secret only to store a rotated refresh token: noted in the state for `status`.
  let rotatedAt: number | undefined;
  const noteRotation = () => {
    if (rotatedAt === undefined) return;
    const at = rotatedAt;
    rotatedAt = undefined;
    ledger.updateState((state) => withRotation(state, at));
  };
  const ca = await readCaFile(config.mailbox.caFile);
  const opened = await openCredentials(
    config.mailbox,
    learningSecretStore(
      notingWrites(options.secrets, () => (rotatedAt = clock.now())),
      redactor,
    ),
    {
      clock,
      log,
      deadline,
      signal: cutoff.signal,
      ...(options.accessTokens ? { accessTokens: options.accessTokens } : {}),
    },
  );
  const credentials = learningCredentials(opened, redactor);
  const { pop3: server } = config.mailbox;

  options.onProgress?.({ phase: 'connect', host: server.host, port: server.port });
  let pop3: Pop3Client | undefined;
  // At the cutoff the session is dropped, whatever it waits for: no QUIT, so nothing is deleted.
  cutoff.onCutoff(() => pop3?.destroy('the run deadline passed'));
  try {
    pop3 = await Pop3Client.connect({
      host: server.host,
      port: server.port,
      security: server.security,
      pipelining: server.pipelining,
      // The session ends at the cutoff; replies still in flight then get no grace.
      deadline: budget.cutoff,
      timeouts: { closeGraceMs: 0 },
      log,
      clock,
      redactor,
      ...(ca ? { ca } : {}),
    });
    if (cutoff.passed) pop3.destroy('the run deadline passed');
    options.onProgress?.({ phase: 'login' });
    const stat = await pop3.login(credentials);
    log.info('logged in', { messages: stat.count, bytes: stat.size, pipelining: pop3.pipelining });
    // A rotation goes into the state's next write; it forces one (making this poll write the
    // state) only when the recorded one is a day old: a cron run refreshes on every poll.
    if (rotationStale(ledger.state, rotatedAt)) noteRotation();
  } catch (error) {
    // A session that did not log in is of no use; left open, its socket and timers would keep
    // the process (a CLI run, a warm Lambda) waiting until the deadline.
    pop3?.destroy('the login did not succeed');
    if (hasCode(error, 'EINUSE', 'ELOGINDELAY')) {
      counters.busy = `another client holds the mailbox (${error.message})`;
      log.info(counters.busy);
      return finish();
    }
    if (cutoff.passed && !hasCode(error, 'ETIMEDOUT')) {
      throw new PopfwdError(
        'ETIMEDOUT',
        `the run deadline passed before the POP3 login completed (${errorMessage(error)})`,
        { cause: error },
      );
    }
    throw error;
  }

  let leased = false;
  let sending: Promise<void> | undefined;
  let fresh: ServerMessage[] = [];
  try {
    options.onProgress?.({ phase: 'list' });
    // Pipelined together when the server allows it.
    const [uidls, sizes] = await Promise.all([pop3.uidlListing(), pop3.sizes()]);
    reportRejectedLines(counters, log, uidls, sizes);
    const listing = buildListing(uidls.entries, sizes.sizes);
    reportFindings(ctx, listing);
    // Copies of an ambiguous UIDL that left the server are forgotten before anything is chosen.
    for (const [uidl, entry] of copiesAfter(listing, ledger.seen, new Map(), clock.now()))
      ledger.markSeen(uidl, entry);
    const setAside = quarantined(ledger.state, clock.now());
    fresh = fetchOrder(
      selectNew(listing, ledger.seen).filter((message) => !setAside.has(message.uidl)),
      (uidl) => ledger.state.fetchFailures?.[uidl] !== undefined,
    );
    const vanished = selectVanished(listing, ledger.seen);
    const listed = new Set(listing.messages.map((message) => message.uidl));
    const stuck = [...setAside].filter(([uidl]) => listed.has(uidl));
    if (stuck.length > 0) {
      const [, first] = stuck[0] as [
        string,
        { code: ErrorCode; message: string; quarantinedUntil?: string },
      ];
      const message = `${stuck.length} message(s) could not be read ${QUARANTINE_AFTER} times in a row and stay on the server, set aside until ${first.quarantinedUntil} (UIDL ${stuck.map(([uidl]) => uidl).join(', ')}): ${printable(first.message, 500)}`;
      counters.alerts.push({ code: first.code, message });
      log.warn(message);
    }
    const forgottenFailures = Object.keys(ledger.state.fetchFailures ?? {}).filter(
      (uidl) => !listed.has(uidl),
    );
    const work =
      ledger.dirty ||
      fresh.length > 0 ||
      vanished.length > 0 ||
      forgottenFailures.length > 0 ||
      catalogNeedsWork(ledger) ||
      selectDeletions(listing, ledger.seen, config.mailbox.retention, clock.now()).length > 0 ||
      hasDueSends(ledger.state, clock.now(), config.limits.maxSendsPerDay);
    if (!work) {
      await pop3.quit();
      // Sends not due yet still wait: the summary (and the CLI's exit code 5) says so.
      counters.pendingActions = countOpenSends(ledger.state);
      log.info('nothing new');
      return finish();
    }

    try {
      await ledger.acquireLease(runId, deadline + LEASE_GRACE_MS, clock.now());
    } catch (error) {
      if (!hasCode(error, 'ELEASE')) throw error;
      // Another run started between our read and our write: it does the work, we change nothing.
      await pop3.quit();
      counters.busy = error.message;
      log.info(counters.busy);
      return finish();
    }
    leased = true;
    if (ledger.recovery.stateRebuilt) crashPoint('after-rebuild');
    for (const uidl of vanished) ledger.forget(uidl);
    if (forgottenFailures.length > 0)
      ledger.updateState((state) => clearFetchFailures(state, forgottenFailures));
    await prepareCatalog(ctx);

    // Sending starts now and overlaps the fetch: each new message is handed over once recorded.
    sending = sendPhase(
      ctx,
      mailerFactory({
        createMailer: options.createMailer,
        smtp: config.mailbox.smtp,
        credentials,
        log,
        deadline: budget.cutoff,
        clock,
        redactor,
        ...(ca ? { ca } : {}),
      }),
    );
    // A failed sender is reported below, once the fetch and QUIT are done.
    sending.catch(() => {});
    const resolved = await fetchPhase(ctx, pop3, fresh);
    for (const [uidl, entry] of copiesAfter(listing, ledger.seen, resolved, clock.now()))
      ledger.markSeen(uidl, entry);
    // Everything chosen for deletion must be durably known as archived before QUIT commits it.
    await ledger.checkpoint();
    const deletions = mayDelete(pop3, counters, log) ? await deleteChosen(ctx, pop3, listing) : [];
    if (deletions.length > 0) crashPoint('after-dele');
    const quit = await pop3.quit();
    if (quit.committed) {
      counters.deleted = deletions.length;
      for (const message of deletions) ledger.forget(message.uidl);
    } else if (deletions.length > 0) {
      log.warn('QUIT was not confirmed: no message was deleted; the next run tries again', {
        reason: quit.message,
      });
    }

    options.onProgress?.({ phase: 'finish' });
    ctx.sends.close();
    await sending;
    noteRotation();
    ledger.updateState((state) => withRun(state, runRecord(counters, started, clock.now())));
    await finishCatalog(ctx);
    await ledger.releaseLease();
  } catch (error) {
    // No QUIT: the server deletes nothing. What was archived is saved for the next run.
    pop3.destroy('the run failed');
    // The send in progress finishes and is recorded; nothing new starts.
    ctx.sends.abort();
    await sending?.catch(() => {});
    const stop = cutoff.passed && hasCode(error, 'ETIMEDOUT', 'ECONNECTION');
    if (leased) {
      noteRotation();
      if (stop) counters.stoppedBy ??= 'deadline';
      const failure = stop ? undefined : isPopfwdError(error) ? { code: error.code } : {};
      ledger.updateState((state) =>
        withRun(state, runRecord(counters, started, clock.now(), failure)),
      );
      await ledger.releaseLease().catch((saveError: unknown) => {
        log.error('could not save the mailbox state after a failure', {
          error: errorMessage(saveError),
        });
      });
    }
    // The cutoff dropped the session: a stop like a limit, not a failure of the run.
    if (!stop) throw error;
    counters.remaining = Math.max(0, fresh.length - counters.fetched);
    log.warn('the run deadline passed while the POP3 server was still answering', {
      error: errorMessage(error),
    });
  }
  if (cutoff.passed) counters.stoppedBy ??= 'deadline';
  options.onProgress?.({ phase: 'done' });
  return finish();
};
