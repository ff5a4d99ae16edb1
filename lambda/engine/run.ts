import { randomUUID } from 'node:crypto';
import type { Credentials } from '../auth/credentials.js';
import { errorMessage, hasCode, isPopfwdError } from '../errors.js';
import type { Pop3Client } from '../pop3/client.js';
import { redactingLog } from '../redact/redacting-log.js';
import { Redactor } from '../redact/redactor.js';
import { crashPoint } from '../test-hooks/crash-points.js';
import { finishCatalog, prepareCatalog } from './catalog-upkeep.js';
import { deleteAndQuit } from './delete-phase.js';
import { fetchPhase } from './fetch-phase.js';
import { mailboxLayout } from './layout.js';
import { Ledger, leaseOwner } from './ledger.js';
import { type PollPlan, planPoll } from './poll-plan.js';
import { clearFetchFailures, setAsideAlert } from './quarantine.js';
import { armCutoff, type CutoffAlarm, type RunBudget, runBudget } from './run-budget.js';
import { RunCatalog } from './run-catalog.js';
import { newCounters, type RunContext, toSummary } from './run-context.js';
import { reportFindings } from './run-findings.js';
import { runRecord, withRun } from './run-history.js';
import type { RunOptions } from './run-options.js';
import {
  openSession,
  reportBusy,
  runCredentials,
  type SessionDeps,
  TokenRotation,
} from './run-session.js';
import { buildListing, copiesAfter, type Listing } from './selection.js';
import { sendPhase } from './send-phase.js';
import { countOpenSends } from './send-policy.js';
import { SendQueue } from './send-queue.js';
import { reportRejectedLines } from './session-checks.js';
import type { RunSummary } from './summary.js';

/*
 * One poll, as named steps. The decisions are pure functions with tests of their own: the time
 * budget (run-budget.ts), what this poll fetches, forgets and whether it works at all
 * (poll-plan.ts), what retention deletes (selection.ts), whether a send is due or may start and
 * what an action becomes after an attempt (send-policy.ts, send-outcome.ts). The steps here and
 * the phases (fetch-phase.ts, send-phase.ts, delete-phase.ts) perform them. The adapters come
 * from the shell (RunOptions is RunPorts): the engine builds none.
 */

/**
 * One poll of one mailbox: new mail archived exactly once, retention applied, sends performed.
 * Throws only for run-level failures (login, connection, storage); a message the rules cannot
 * handle is recorded as failed and the run goes on. Another client or run holding the mailbox is
 * reported in `busy`, not thrown.
 */
export const runMailbox = async (options: RunOptions): Promise<RunSummary> => {
  const { clock, config } = options;
  const started = clock.now();
  const budget = runBudget(started, options.deadline, config.limits.runTimeout);
  const cutoff = armCutoff(budget.cutoff, clock);
  try {
    return await runWithin(options, started, budget, cutoff);
  } finally {
    cutoff.disarm();
  }
};

const runWithin = async (
  options: RunOptions,
  started: number,
  budget: RunBudget,
  cutoff: CutoffAlarm,
): Promise<RunSummary> => {
  const { config, store, clock } = options;
  const mailbox = config.mailbox.address;
  // Every secret the run gets hold of is masked in what servers say and, as a net, in the log.
  const redactor = options.redactor ?? new Redactor();
  const log = redactingLog(options.log, redactor).child({ mailbox });
  const layout = mailboxLayout(mailbox);
  const counters = newCounters();
  const finish = () => toSummary(counters, clock.now() - started);

  // Lease check: a live lease of another run means busy, with nothing touched.
  const ledger = await Ledger.load(store, layout, mailbox, started);
  const runId = leaseOwner(randomUUID().slice(0, 8));
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
    budget,
    cutoff: cutoff.signal,
    signal: options.signal,
    onProgress: options.onProgress,
    sends: new SendQueue(),
  };
  const holder = ledger.leaseHolder(runId, started);
  if (holder) {
    reportBusy(
      ctx,
      `another popfwd run (${holder.owner}) is working on this mailbox until ${holder.until}`,
    );
    return finish();
  }

  const session: SessionDeps = {
    options,
    redactor,
    cutoff,
    rotation: new TokenRotation(ledger, clock),
  };
  const credentials = await runCredentials(ctx, session);
  const pop3 = await openSession(ctx, credentials, session);
  if (!pop3) return finish();
  // A poll with nothing to do, or that lost the lease race, ends here: it changed nothing.
  if ((await poll(ctx, pop3, { ...session, credentials, started })) === 'idle') return finish();
  if (cutoff.passed) counters.stoppedBy ??= 'deadline';
  options.onProgress?.({ phase: 'done' });
  return finish();
};

interface PollDeps extends SessionDeps {
  readonly credentials: Credentials;
  readonly started: number;
}

/** What a failure must undo: whether the lease is held, the sender, what was to be fetched. */
interface PollProgress {
  leased: boolean;
  sending: Promise<void> | undefined;
  planned: number;
}

/**
 * The logged-in session: list, plan, and either QUIT ('idle': no work, or another run took the
 * lease first) or work under the lease ('worked', however it ended).
 */
const poll = async (
  ctx: RunContext,
  pop3: Pop3Client,
  deps: PollDeps,
): Promise<'idle' | 'worked'> => {
  const progress: PollProgress = { leased: false, sending: undefined, planned: 0 };
  try {
    const listing = await listMailbox(ctx, pop3);
    const plan = decide(ctx, listing);
    progress.planned = plan.fetch.length;
    if (!plan.work) {
      await pop3.quit();
      // Sends not due yet still wait: the summary (and the CLI's exit code 5) says so.
      ctx.counters.pendingActions = countOpenSends(ctx.ledger.state);
      ctx.log.info('nothing new');
      return 'idle';
    }
    if (!(await takeLease(ctx, pop3))) return 'idle';
    progress.leased = true;
    forgetGone(ctx, plan);
    await prepareCatalog(ctx);
    // Sending starts now and overlaps the fetch: each new message is handed over once recorded.
    progress.sending = startSending(ctx, deps);
    const resolved = await fetchPhase(ctx, pop3, plan.fetch);
    for (const [uidl, entry] of copiesAfter(listing, ctx.ledger.seen, resolved, ctx.clock.now()))
      ctx.ledger.markSeen(uidl, entry);
    await deleteAndQuit(ctx, pop3, listing);
    ctx.onProgress?.({ phase: 'finish' });
    ctx.sends.close();
    await progress.sending;
    deps.rotation.note();
    ctx.ledger.updateState((state) =>
      withRun(state, runRecord(ctx.counters, deps.started, ctx.clock.now())),
    );
    await finishCatalog(ctx);
    await ctx.ledger.releaseLease();
  } catch (error) {
    await failPoll(ctx, pop3, deps, progress, error);
  }
  return 'worked';
};

/** UIDL and LIST (pipelined together when the server allows), checked and reported. */
const listMailbox = async (ctx: RunContext, pop3: Pop3Client): Promise<Listing> => {
  ctx.onProgress?.({ phase: 'list' });
  const [uidls, sizes] = await Promise.all([pop3.uidlListing(), pop3.sizes()]);
  reportRejectedLines(ctx.counters, ctx.log, uidls, sizes);
  const listing = buildListing(uidls.entries, sizes.sizes);
  reportFindings(ctx, listing);
  return listing;
};

/** The poll's plan (poll-plan.ts), after the copies of ambiguous UIDLs that left are forgotten. */
const decide = (ctx: RunContext, listing: Listing): PollPlan => {
  const { ledger, config, clock } = ctx;
  for (const [uidl, entry] of copiesAfter(listing, ledger.seen, new Map(), clock.now()))
    ledger.markSeen(uidl, entry);
  const plan = planPoll(
    listing,
    ledger,
    { retention: config.mailbox.retention, maxSendsPerDay: config.limits.maxSendsPerDay },
    clock.now(),
  );
  const alert = setAsideAlert(plan.setAside);
  if (alert) {
    ctx.counters.alerts.push(alert);
    ctx.log.warn(alert.message);
  }
  return plan;
};

/** The conditional write of the lease; false when another run won the race (it does the work). */
const takeLease = async (ctx: RunContext, pop3: Pop3Client): Promise<boolean> => {
  try {
    await ctx.ledger.acquireLease(ctx.runId, ctx.budget.leaseUntil, ctx.clock.now());
  } catch (error) {
    if (!hasCode(error, 'ELEASE')) throw error;
    await pop3.quit();
    reportBusy(ctx, error.message);
    return false;
  }
  if (ctx.ledger.recovery.stateRebuilt) crashPoint('after-rebuild');
  return true;
};

/** Under the lease: vanished UIDLs and the failures of messages no longer listed are forgotten. */
const forgetGone = (ctx: RunContext, plan: PollPlan): void => {
  for (const uidl of plan.vanished) ctx.ledger.forget(uidl);
  if (plan.forgottenFailures.length > 0)
    ctx.ledger.updateState((state) => clearFetchFailures(state, plan.forgottenFailures));
};

/** The send phase, with the mailer the shell's factory makes on the first send. */
const startSending = (ctx: RunContext, deps: PollDeps): Promise<void> => {
  const sending = sendPhase(ctx, () =>
    deps.options.mailers({
      credentials: deps.credentials,
      log: ctx.log,
      deadline: ctx.budget.cutoff,
      clock: ctx.clock,
      redactor: deps.redactor,
    }),
  );
  // A failed sender is reported once the fetch and QUIT are done (or by failPoll).
  sending.catch(() => {});
  return sending;
};

/**
 * A failure during the session: no QUIT, so the server deletes nothing; what was archived is
 * saved for the next run. The cutoff dropping the session is a stop like a limit, not a failure.
 */
const failPoll = async (
  ctx: RunContext,
  pop3: Pop3Client,
  deps: PollDeps,
  progress: PollProgress,
  error: unknown,
): Promise<void> => {
  const { counters, ledger, log, clock } = ctx;
  pop3.destroy('the run failed');
  // The send in progress finishes and is recorded; nothing new starts.
  ctx.sends.abort();
  await progress.sending?.catch(() => {});
  const stop = deps.cutoff.passed && hasCode(error, 'ETIMEDOUT', 'ECONNECTION');
  if (progress.leased) {
    deps.rotation.note();
    if (stop) counters.stoppedBy ??= 'deadline';
    const failure = stop ? undefined : isPopfwdError(error) ? { code: error.code } : {};
    ledger.updateState((state) =>
      withRun(state, runRecord(counters, deps.started, clock.now(), failure)),
    );
    await ledger.releaseLease().catch((saveError: unknown) => {
      log.error('could not save the mailbox state after a failure', {
        error: errorMessage(saveError),
      });
    });
  }
  if (!stop) throw error;
  counters.remaining = Math.max(0, progress.planned - counters.fetched);
  log.warn('the run deadline passed while the POP3 server was still answering', {
    error: errorMessage(error),
  });
};
