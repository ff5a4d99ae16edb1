import type { Retention } from '../config/config-schema.js';
import { catalogNeedsWork } from './catalog-upkeep.js';
import type { FetchFailure, MailboxState, SeenEntry } from './ledger-types.js';
import { quarantined } from './quarantine.js';
import {
  fetchOrder,
  type Listing,
  type ServerMessage,
  selectDeletions,
  selectNew,
  selectVanished,
} from './selection.js';
import { hasDueSends } from './send-policy.js';

/** What the ledger knows when the server's listing arrives. */
export interface LedgerView {
  readonly seen: ReadonlyMap<string, SeenEntry>;
  readonly state: MailboxState;
  /** The ledger holds changes not saved yet (a rebuilt state, a noted token rotation, …). */
  readonly dirty: boolean;
}

export interface PollPolicy {
  readonly retention: Retention;
  readonly maxSendsPerDay: number;
}

/**
 * One poll's decisions, made from the listing and the ledger before anything is written: what to
 * fetch and in which order, what to forget, what stays set aside, and whether there is any work
 * at all. An empty poll (no work) ends with QUIT and writes nothing.
 */
export interface PollPlan {
  /** New messages to RETR, in fetch order (those that failed before come last). */
  readonly fetch: readonly ServerMessage[];
  /** Seen UIDLs the server no longer lists: forgotten once the lease is held. */
  readonly vanished: readonly string[];
  /** UIDLs whose fetch failures are remembered but that the server no longer lists. */
  readonly forgottenFailures: readonly string[];
  /** Messages set aside after repeated failures that the server still lists (an alert). */
  readonly setAside: ReadonlyArray<readonly [uidl: string, failure: FetchFailure]>;
  /** Retention would delete something now (DELE follows the fetch and the checkpoint). */
  readonly deletionsDue: boolean;
  /** A send is due now, with the daily cap and an account pause taken into account. */
  readonly sendsDue: boolean;
  /** The catalog still owes work (legacy records to move in): catalog-upkeep.ts. */
  readonly catalogDue: boolean;
  /** Whether this poll takes the lease and works; otherwise it only QUITs. */
  readonly work: boolean;
}

/**
 * Decides the poll. `ledger.seen` must already hold what the listing says of ambiguous UIDLs
 * (`copiesAfter` before the fetch), so a newcomer of the same size is not taken for a copy that
 * left the server.
 */
export const planPoll = (
  listing: Listing,
  ledger: LedgerView,
  policy: PollPolicy,
  now: number,
): PollPlan => {
  const { seen, state } = ledger;
  const setAsideNow = quarantined(state, now);
  const fetch = fetchOrder(
    selectNew(listing, seen).filter((message) => !setAsideNow.has(message.uidl)),
    (uidl) => state.fetchFailures?.[uidl] !== undefined,
  );
  const vanished = selectVanished(listing, seen);
  const listed = new Set(listing.messages.map((message) => message.uidl));
  const setAside = [...setAsideNow].filter(([uidl]) => listed.has(uidl));
  const forgottenFailures = Object.keys(state.fetchFailures ?? {}).filter(
    (uidl) => !listed.has(uidl),
  );
  const deletionsDue = selectDeletions(listing, seen, policy.retention, now).length > 0;
  const sendsDue = hasDueSends(state, now, policy.maxSendsPerDay);
  const catalogDue = catalogNeedsWork(ledger);
  return {
    fetch,
    vanished,
    forgottenFailures,
    setAside,
    deletionsDue,
    sendsDue,
    catalogDue,
    work:
      ledger.dirty ||
      fetch.length > 0 ||
      vanished.length > 0 ||
      forgottenFailures.length > 0 ||
      catalogDue ||
      deletionsDue ||
      sendsDue,
  };
};
