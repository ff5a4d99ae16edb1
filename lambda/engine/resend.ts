import { randomUUID } from 'node:crypto';
import { openCredentials } from '../auth/open-credentials.js';
import { errorMessage, PopfwdError } from '../errors.js';
import { learningCredentials, learningSecretStore } from '../redact/learn-secrets.js';
import { redactingLog } from '../redact/redacting-log.js';
import { Redactor } from '../redact/redactor.js';
import { mailboxLayout } from './layout.js';
import { Ledger, leaseOwner } from './ledger.js';
import type { ActionState, MailboxState, PendingMessage } from './ledger-types.js';
import { armCutoff, runBudget } from './run-budget.js';
import { RunCatalog } from './run-catalog.js';
import { newCounters, type RunContext, toSummary } from './run-context.js';
import type { RunOptions } from './run-options.js';
import { sendPhase } from './send-phase.js';
import { SendQueue } from './send-queue.js';
import type { RunSummary } from './summary.js';

export interface ResendOptions extends RunOptions {
  /** Sends that failed for good, put back and tried once more; otherwise the waiting ones. */
  readonly failed: boolean;
  /** Message ids or UIDLs; none: every send of the kind chosen. */
  readonly ids: readonly string[];
}

export interface ResendResult {
  readonly summary: RunSummary;
  /** The message ids whose sends were tried. */
  readonly messages: readonly string[];
}

/** The message ids `wanted` names (by id or UIDL) among `known`; an unknown one is EUSAGE. */
const pick = (
  known: ReadonlyArray<{ readonly id: string; readonly uidl: string }>,
  wanted: readonly string[],
  what: string,
): Set<string> => {
  if (wanted.length === 0) return new Set(known.map((entry) => entry.id));
  const chosen = new Set<string>();
  const unknown: string[] = [];
  for (const name of wanted) {
    const matches = known.filter((entry) => entry.id === name || entry.uidl === name);
    if (matches.length === 0) unknown.push(name);
    for (const match of matches) chosen.add(match.id);
  }
  if (unknown.length > 0) {
    throw new PopfwdError(
      'EUSAGE',
      `no ${what} for ${unknown.map((name) => JSON.stringify(name)).join(', ')} (give a message id or UIDL that \`popfwd status\` lists under "${what}")`,
    );
  }
  return chosen;
};

/** Waiting sends of the chosen messages become due now; an account pause is lifted. */
const dueNow = (state: MailboxState, chosen: ReadonlySet<string>): MailboxState => {
  const { sendPause: _lifted, ...rest } = state;
  return {
    ...rest,
    pending: Object.fromEntries(
      Object.entries(state.pending).map(([id, message]) => [
        id,
        chosen.has(id)
          ? {
              ...message,
              actions: Object.fromEntries(
                Object.entries(message.actions).map(
                  ([actionId, { notBefore: _wait, ...action }]) => [actionId, action],
                ),
              ),
            }
          : message,
      ]),
    ),
  };
};

/**
 * `popfwd resend`: sends that wait (or, with `failed`, sends that failed for good) tried now, from
 * the archived copy, under the lease like a run. A send goes out at most once: a failed send
 * comes back as pending with its Message-ID, leaves the failed list in the same state write, and a
 * second resend finds nothing to do.
 */
export const resendMailbox = async (options: ResendOptions): Promise<ResendResult> => {
  const { config, store, clock } = options;
  const started = clock.now();
  const budget = runBudget(started, options.deadline, config.limits.runTimeout);
  const cutoff = armCutoff(budget.cutoff, clock);
  const mailbox = config.mailbox.address;
  const redactor = options.redactor ?? new Redactor();
  const log = redactingLog(options.log, redactor).child({ mailbox, resend: true });
  const layout = mailboxLayout(mailbox);
  const counters = newCounters();
  try {
    const ledger = await Ledger.load(store, layout, mailbox, started);
    const waiting = Object.entries(ledger.state.pending).map(([id, { uidl }]) => ({ id, uidl }));
    const failedList = ledger.state.failedSends ?? [];
    const chosen = options.failed
      ? pick(failedList, options.ids, 'sends failed')
      : pick(waiting, options.ids, 'sends waiting');
    if (chosen.size === 0) return { summary: toSummary(counters, 0), messages: [] };

    const runId = leaseOwner(randomUUID().slice(0, 8));
    const catalog = new RunCatalog(store, layout, {
      next: ledger.state.catalogNext ?? 0,
      onSeq: (next) => ledger.updateState((state) => ({ ...state, catalogNext: next })),
    });
    ledger.flushBeforeSaving(() => catalog.flush());
    await ledger.acquireLease(runId, budget.leaseUntil, clock.now());
    try {
      if (options.failed) {
        const since = new Date(clock.now()).toISOString();
        for (const id of chosen) {
          const record = await catalog.get(id);
          if (!record) {
            // Without the record there is no archived copy to send from: it stays listed.
            log.error('the record of a message with a failed send is missing; not resent', { id });
            continue;
          }
          const again = failedList.filter((send) => send.id === id);
          // All the message's actions: the record is written whole again once they are final.
          const actions: Record<string, ActionState> = {
            ...record.actions,
            ...ledger.state.pending[id]?.actions,
          };
          for (const send of again) {
            const previous = record.actions[send.actionId] ?? actions[send.actionId];
            if (previous?.status !== 'failed') continue;
            const { reason: _reason, notBefore: _wait, ...rest } = previous;
            actions[send.actionId] = { ...rest, status: 'pending' };
          }
          const uidl = again[0]?.uidl ?? record.meta.uidl;
          ledger.updateState((state) => ({
            ...state,
            pending: { ...state.pending, [id]: { uidl, since, actions } satisfies PendingMessage },
            failedSends: (state.failedSends ?? []).filter((send) => send.id !== id),
          }));
        }
      }
      ledger.updateState((state) => dueNow(state, chosen));
      // The pending sends and the lease go out in one write before anything is sent.
      await ledger.checkpoint();

      const credentials = learningCredentials(
        await openCredentials(config.mailbox, learningSecretStore(options.secrets, redactor), {
          clock,
          log,
          deadline: budget.deadline,
          signal: cutoff.signal,
        }),
        redactor,
      );
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
      const sending = sendPhase(
        ctx,
        () => options.mailers({ credentials, log, deadline: budget.cutoff, clock, redactor }),
        chosen,
      );
      // The earlier sends are queued when the phase starts; nothing new comes after them.
      ctx.sends.close();
      await sending;
    } finally {
      await ledger.releaseLease().catch((error: unknown) => {
        log.error('could not save the mailbox state after the resend', {
          error: errorMessage(error),
        });
      });
    }
    return { summary: toSummary(counters, clock.now() - started), messages: [...chosen] };
  } finally {
    cutoff.disarm();
  }
};
