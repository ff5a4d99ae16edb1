import type { BlobStore } from '../stores/blob-store.js';
import { scanCatalog } from './catalog-read.js';
import type { MailboxLayout } from './layout.js';
import {
  type ActionState,
  emptyState,
  isFinal,
  type MailboxState,
  type PendingMessage,
} from './ledger-types.js';
import { utcDay } from './send-policy.js';

/**
 * state.json gone while message records exist (in the catalog, or as record objects an earlier
 * version wrote): the records are the durable evidence, so the state
 * is rebuilt from them instead of starting empty (which would forget vacation replies and leave
 * sends in limbo). A record shows a send as final only once the ledger was done with it; a send it
 * still shows open may have gone out before the state was lost, so it is never repeated: it is
 * marked failed with the reason, and its vacation sender counts as answered.
 */

export const IN_DOUBT_REASON =
  'the mailbox state (state.json) was lost before this send was recorded as final; it may or may not have gone out, so popfwd does not send it again';

export interface RebuildReport {
  readonly records: number;
  /** Senders whose vacation reply is remembered again. */
  readonly vacation: number;
  /** Sends marked failed because their outcome was lost. */
  readonly inDoubt: number;
}

const DAY_MS = 86_400_000;

/** Whether anything under `prefix` exists; reads one listing page at most. */
export const hasAny = async (store: BlobStore, prefix: string): Promise<boolean> => {
  for await (const _key of store.list(prefix)) return true;
  return false;
};

/** Whether the mailbox has message records: catalog segments, or legacy record objects. */
export const hasRecords = async (store: BlobStore, layout: MailboxLayout): Promise<boolean> =>
  (await hasAny(store, layout.catalogPrefix)) || (await hasAny(store, layout.recordsPrefix));

export const rebuildState = async (
  store: BlobStore,
  layout: MailboxLayout,
  mailbox: string,
  now: number,
): Promise<{ state: MailboxState; report: RebuildReport }> => {
  // A damaged segment or record throws: a state guessed from part of the records could repeat
  // sends the missing part shows as made.
  const { folded } = await scanCatalog(store, layout);
  const records = [...folded.values()].map((entry) => entry.record);

  const today = utcDay(now);
  const vacation: Record<string, string> = {};
  const remember = (sender: string, until: number) => {
    const current = vacation[sender];
    if (until > now && (!current || Date.parse(current) < until))
      vacation[sender] = new Date(until).toISOString();
  };
  const pending: Record<string, PendingMessage> = {};
  let sentToday = 0;
  let inDoubt = 0;
  for (const record of records) {
    let open = false;
    const actions: Record<string, ActionState> = {};
    for (const [actionId, state] of Object.entries(record.actions)) {
      const { action } = state;
      if (!isFinal(state.status)) {
        open = true;
        inDoubt += 1;
        // It went out at the latest now: the sender counts as answered from now on.
        if (action.kind === 'vacation') remember(action.sender, now + action.days * DAY_MS);
        actions[actionId] = { ...state, status: 'failed', reason: IN_DOUBT_REASON };
        continue;
      }
      actions[actionId] = state;
      if (state.status !== 'sent' || !state.sentAt) continue;
      const sentAt = Date.parse(state.sentAt);
      if (utcDay(sentAt) === today) sentToday += 1;
      if (action.kind === 'vacation') remember(action.sender, sentAt + action.days * DAY_MS);
    }
    if (open) {
      pending[record.id] = { uidl: record.meta.uidl, since: record.meta.archivedAt, actions };
    }
  }
  return {
    state: {
      ...emptyState(mailbox),
      pending,
      vacation,
      sends: { day: today, count: sentToday },
    },
    report: { records: records.length, vacation: Object.keys(vacation).length, inDoubt },
  };
};
