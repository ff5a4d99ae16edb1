import type { HeaderField } from '../mail/message-meta.js';

/**
 * popfwd stamps every message it sends with this header, valued with the sending mailbox's
 * address, so a message that comes back to the same mailbox (a forward to an address that
 * forwards back, a reply to our own reply) is recognised and not acted on again.
 */
export const LOOP_HEADER = 'X-Popfwd-Loop';

/** The value popfwd writes: the mailbox address, lower-cased so the check is exact. */
export const loopHeaderValue = (mailbox: string): string => mailbox.trim().toLowerCase();

/** True when the message already went through popfwd for this mailbox. */
export const carriesLoopHeader = (headers: readonly HeaderField[], mailbox: string): boolean => {
  const name = LOOP_HEADER.toLowerCase();
  const value = loopHeaderValue(mailbox);
  return headers.some((field) => field.name === name && field.value.trim().toLowerCase() === value);
};
