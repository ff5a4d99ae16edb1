import { errorMessage } from '../errors.js';
import type { Pop3Client } from '../pop3/client.js';
import { crashPoint } from '../test-hooks/crash-points.js';
import type { RunContext } from './run-context.js';
import { type Listing, type ServerMessage, selectDeletions } from './selection.js';
import { mayDelete } from './session-checks.js';

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
 * Ends the session after the fetch: the ledger is saved, then retention's DELEs (chosen by
 * selection.ts `selectDeletions` from what is archived now), then QUIT. Everything chosen for
 * deletion is durably known as archived before QUIT commits it, and a deleted UIDL is forgotten
 * only once the server confirmed the QUIT (RFC 1939 §6: an unconfirmed session deletes nothing).
 */
export const deleteAndQuit = async (
  ctx: RunContext,
  pop3: Pop3Client,
  listing: Listing,
): Promise<void> => {
  const { ledger, counters, log } = ctx;
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
};
