import type { Log } from '../log.js';
import { type Pop3Client, Pop3State } from '../pop3/client.js';
import { describeRejected, type SizeListing, type UidlListing } from '../pop3/listing.js';
import type { RunCounters } from './run-context.js';

/**
 * Listing lines popfwd cannot use. A bad UIDL line leaves its message alone (never fetched, never
 * deleted) and is an alert on every run, since only a person can sort it out; a bad LIST line
 * only costs that message its size hint.
 */
export const reportRejectedLines = (
  counters: RunCounters,
  log: Log,
  uidls: UidlListing,
  sizes: SizeListing,
): void => {
  if (uidls.rejected.length > 0) {
    const message = `${describeRejected('UIDL', uidls.rejected)}; those messages stay on the server and are not archived`;
    counters.alerts.push({ code: 'EPROTOCOL', message });
    log.warn(message);
  }
  if (sizes.rejected.length > 0) log.warn(describeRejected('LIST', sizes.rejected));
};

/**
 * Whether this session may delete. Not when it is gone (a size limit dropped it), and not when
 * the server offers RFC 6856 UTF8 but refused it: such a server (Courier) may have handed out a
 * generated notice instead of a message with 8-bit headers, and the original must stay.
 */
export const mayDelete = (pop3: Pop3Client, counters: RunCounters, log: Log): boolean => {
  if (pop3.state !== Pop3State.TRANSACTION) return false;
  if (pop3.utf8 !== 'refused') return true;
  const message =
    'the server offers UTF8 (RFC 6856) but refused it, so it may have sent a notice instead of a message with 8-bit headers; popfwd deletes nothing from this mailbox until the server accepts UTF8';
  counters.alerts.push({ code: 'ECAPABILITY', message });
  log.warn(message);
  return false;
};
