import type { ErrorCode } from '../errors.js';
import type { SendAction } from '../rules/plan.js';
import type { FailedSend, RunRecord } from './run-history.js';

/**
 * The two documents a run reads (and writes only when something changed). Small on purpose: an
 * empty poll reads both and writes neither, whatever the mailbox size. Their schemas, checked on
 * every read, are in ledger-schema.ts.
 */

/** One archived UIDL. Short field names: 10,000 of these are read on every poll. */
export interface SeenEntry {
  /** archivedAt, epoch seconds (retention counts days from here). */
  readonly t: number;
  /** The message id, only when it is not the one derived from the UIDL (a reused UIDL). */
  readonly id?: string;
  /** A rule's server disposition: 'k' keepOnServer, 'd' deleteFromServer. */
  readonly s?: 'k' | 'd';
  /**
   * Set for a UIDL the server listed more than once: the distinct messages archived under it, as
   * [message id, LIST size], one pair per listed copy. Such a UIDL is never deleted.
   */
  readonly c?: ReadonlyArray<readonly [id: string, size: number]>;
}

export interface SeenIndex {
  readonly v: 1;
  readonly uidls: Readonly<Record<string, SeenEntry>>;
}

/**
 * pending → sending → sent; a transient failure goes back to pending (with a backoff), a
 * permanent one to failed. 'sending' found at the start of a run is the crash window: the
 * server may or may not have accepted the mail (README: "Exactly once").
 */
export type ActionStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

export interface ActionState {
  readonly action: SendAction;
  readonly status: ActionStatus;
  readonly attempts: number;
  /** Message-ID used for every attempt, so a resend in the crash window is recognisably the same. */
  readonly messageId: string;
  /** ISO time before which a retry waits. */
  readonly notBefore?: string;
  readonly lastError?: { readonly code: ErrorCode; readonly message: string; readonly at: string };
  readonly sentAt?: string;
  /** The SMTP server's final reply to a sent message. */
  readonly response?: string;
  /** Why it was skipped or failed, in words. */
  readonly reason?: string;
}

/** A message whose sends are not all final. Keyed by message id: it may have left the server. */
export interface PendingMessage {
  readonly uidl: string;
  readonly since: string;
  readonly actions: Readonly<Record<string, ActionState>>;
}

export interface Lease {
  readonly owner: string;
  /** ISO; after it the lease is void (a crashed run must not lock the mailbox forever). */
  readonly until: string;
}

export interface MailboxState {
  readonly v: 1;
  readonly mailbox: string;
  readonly lease: Lease | null;
  readonly pending: Readonly<Record<string, PendingMessage>>;
  /** Lower-case sender → ISO time until which no further vacation reply goes to them. */
  readonly vacation: Readonly<Record<string, string>>;
  /** Sends counted against the daily cap (UTC day). */
  readonly sends: { readonly day: string; readonly count: number };
  /**
   * Set when the account itself was refused (or its server-side quota is spent): no send of any
   * message is tried before `until`, so a blocked account is not asked again on every poll.
   */
  readonly sendPause?: {
    readonly until: string;
    readonly code: ErrorCode;
    readonly reason: string;
  };
  /** Messages the server failed to deliver, by UIDL, so one bad message cannot block the rest. */
  readonly fetchFailures?: Readonly<Record<string, FetchFailure>>;
  /** The last runs that wrote the state, oldest first (run-history.ts). */
  readonly runs?: readonly RunRecord[];
  /** The newest sends that failed for good, oldest first (run-history.ts). */
  readonly failedSends?: readonly FailedSend[];
  /** ISO time the OAuth2 refresh token was last rotated and stored by a run. */
  readonly refreshTokenRotatedAt?: string;
  /**
   * ISO time the last record object of an earlier version (`records/<id>.json`) was moved into
   * the catalog (catalog-migrate.ts); absent until then, and runs keep looking for them.
   */
  readonly catalogSince?: string;
  /**
   * Where the next run starts numbering catalog segments: keeps numbers rising from run to run, so
   * a lookup finds a message's newest entry in the newest segments. Only a hint: correctness
   * never depends on it (run-catalog.ts `takeSeq`).
   */
  readonly catalogNext?: number;
}

export interface FetchFailure {
  /** Failures in a row; reset by a successful fetch. */
  readonly count: number;
  readonly code: ErrorCode;
  readonly message: string;
  /** ISO; set once `count` reaches the limit: the message is not fetched again before. */
  readonly quarantinedUntil?: string;
}

export const emptyState = (mailbox: string): MailboxState => ({
  v: 1,
  mailbox,
  lease: null,
  pending: {},
  vacation: {},
  sends: { day: '', count: 0 },
});

export const emptySeen = (): SeenIndex => ({ v: 1, uidls: {} });

/** Final statuses: nothing more will be attempted. */
export const isFinal = (status: ActionStatus): boolean =>
  status === 'sent' || status === 'failed' || status === 'skipped';
