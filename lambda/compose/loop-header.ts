import type { MessageMeta } from '../mail/message-meta.js';

/**
 * Loop control (RFC 5228 §2.10.3 asks every redirecting system for it). Every message popfwd sends
 * carries `X-Popfwd-Loop: <mailbox address>`, one field per mailbox it has passed through; a
 * message that comes back carrying our own marker is never forwarded or answered again.
 *
 * Composers: write one field per value of `loopMarkersToCarry(meta, mailbox)`. Copying the
 * original's markers matters for forwards as attachment or inline, whose top-level header is new:
 * without them a loop through two popfwd mailboxes would go unnoticed.
 */
export const LOOP_HEADER = 'X-Popfwd-Loop';

const FIELD = LOOP_HEADER.toLowerCase();

/** Markers carried over from the original at most; a longer chain is a loop in itself. */
export const MAX_LOOP_MARKERS = 20;

export const loopMarker = (mailbox: string): string => mailbox.trim().toLowerCase();

/** Every marker in the message, lower case; one field may list several, comma-separated. */
export const loopMarkers = (meta: Pick<MessageMeta, 'headers'>): string[] =>
  meta.headers
    .filter((header) => header.name === FIELD)
    .flatMap((header) => header.value.split(/[\s,]+/))
    .map((value) => value.replace(/^<|>$/g, '').toLowerCase())
    .filter(Boolean);

export const carriesOurLoopMarker = (
  meta: Pick<MessageMeta, 'headers'>,
  mailbox: string,
): boolean => loopMarkers(meta).includes(loopMarker(mailbox));

/** The values the outgoing message's X-Popfwd-Loop fields must hold: the original's, then ours. */
export const loopMarkersToCarry = (
  meta: Pick<MessageMeta, 'headers'>,
  mailbox: string,
): string[] => {
  const carried = [...new Set(loopMarkers(meta))].filter((value) => value !== loopMarker(mailbox));
  return [...carried.slice(0, MAX_LOOP_MARKERS - 1), loopMarker(mailbox)];
};
