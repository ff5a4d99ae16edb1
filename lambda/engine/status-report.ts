import type { BlobStore } from '../stores/blob-store.js';
import type { MailboxLayout } from './layout.js';
import { seenSchema, stateSchema } from './ledger-schema.js';
import { emptySeen, emptyState, isFinal, type MailboxState } from './ledger-types.js';
import type { FailedSend, RunRecord } from './run-history.js';
import { isPaused, sendsToday } from './send-policy.js';
import { parseStored, RESTORE_REMEDY } from './stored-document.js';

/**
 * What `popfwd status` shows, read from the store without taking the lease or writing anything:
 * the two ledger documents, and one listing of the raw messages for the archive's size.
 */
export interface StatusReport {
  readonly mailbox: string;
  readonly location: string;
  /** Whether a run has ever saved this mailbox's state. */
  readonly initialized: boolean;
  readonly lease: { readonly owner: string; readonly until: string } | null;
  readonly runs: readonly RunRecord[];
  readonly waiting: readonly WaitingSend[];
  readonly failed: readonly FailedSend[];
  readonly sendPause: {
    readonly until: string;
    readonly code: string;
    readonly reason: string;
  } | null;
  readonly quarantined: readonly QuarantinedMessage[];
  readonly sendsToday: { readonly day: string; readonly count: number; readonly cap: number };
  readonly archive: {
    readonly messages: number;
    /** null when the store cannot tell sizes from its listing. */
    readonly bytes: number | null;
    /** UIDLs on the server that are archived (uidls.json). */
    readonly seenOnServer: number;
  };
  /** OAuth2 only: when a run last stored a rotated refresh token (null: not since recorded). */
  readonly refreshTokenRotatedAt: string | null;
}

export interface WaitingSend {
  readonly id: string;
  readonly uidl: string;
  readonly actionId: string;
  readonly kind: 'forward' | 'reply' | 'vacation';
  readonly to: readonly string[];
  readonly attempts: number;
  /** ISO; null: due on the next run. */
  readonly nextAttempt: string | null;
  readonly lastError: {
    readonly code: string;
    readonly message: string;
    readonly at: string;
  } | null;
  /** 'sending': a run stopped during this send; the next one sends again with the same Message-ID. */
  readonly inDoubt: boolean;
}

export interface QuarantinedMessage {
  readonly uidl: string;
  readonly failures: number;
  readonly code: string;
  readonly message: string;
  readonly until: string | null;
}

const waitingSends = (state: MailboxState): WaitingSend[] =>
  Object.entries(state.pending)
    .sort(([, a], [, b]) => a.since.localeCompare(b.since))
    .flatMap(([id, message]) =>
      Object.entries(message.actions)
        .filter(([, action]) => !isFinal(action.status))
        .map(([actionId, { action, attempts, notBefore, lastError, status }]) => ({
          id,
          uidl: message.uidl,
          actionId,
          kind: action.kind,
          to: action.kind === 'forward' ? action.to : [action.to],
          attempts,
          nextAttempt: notBefore ?? null,
          lastError: lastError ?? null,
          inDoubt: status === 'sending',
        })),
    );

const quarantinedMessages = (state: MailboxState): QuarantinedMessage[] =>
  Object.entries(state.fetchFailures ?? {}).map(([uidl, failure]) => ({
    uidl,
    failures: failure.count,
    code: failure.code,
    message: failure.message,
    until: failure.quarantinedUntil ?? null,
  }));

/** Count and bytes of the raw messages, from the listing alone (no object is read). */
const archiveSize = async (store: BlobStore, layout: MailboxLayout) => {
  let messages = 0;
  let bytes: number | null = 0;
  if (store.listSizes) {
    for await (const { key, size } of store.listSizes(layout.rawPrefix)) {
      if (!key.endsWith('.eml')) continue;
      messages += 1;
      bytes += size;
    }
    return { messages, bytes };
  }
  bytes = null;
  for await (const key of store.list(layout.rawPrefix)) if (key.endsWith('.eml')) messages += 1;
  return { messages, bytes };
};

export const readStatus = async (
  store: BlobStore,
  layout: MailboxLayout,
  options: { readonly mailbox: string; readonly maxSendsPerDay: number; readonly now: number },
): Promise<StatusReport> => {
  const [stateDoc, seenDoc] = await Promise.all([
    store.getDocument(layout.stateKey),
    store.getDocument(layout.seenKey),
  ]);
  const state = stateDoc
    ? parseStored(stateSchema, stateDoc.body, layout.stateKey, RESTORE_REMEDY)
    : emptyState(options.mailbox);
  const seen = seenDoc
    ? parseStored(seenSchema, seenDoc.body, layout.seenKey, RESTORE_REMEDY)
    : emptySeen();
  const size = await archiveSize(store, layout);
  const lease = state.lease && Date.parse(state.lease.until) > options.now ? state.lease : null;
  return {
    mailbox: options.mailbox,
    location: store.location,
    initialized: stateDoc !== null,
    lease,
    runs: state.runs ?? [],
    waiting: waitingSends(state),
    failed: state.failedSends ?? [],
    sendPause: isPaused(state, options.now) && state.sendPause ? state.sendPause : null,
    quarantined: quarantinedMessages(state),
    sendsToday: {
      day: new Date(options.now).toISOString().slice(0, 10),
      count: sendsToday(state, options.now),
      cap: options.maxSendsPerDay,
    },
    archive: { ...size, seenOnServer: Object.keys(seen.uidls).length },
    refreshTokenRotatedAt: state.refreshTokenRotatedAt ?? null,
  };
};
