import type { RunContext } from './run-context.js';
import type { Listing } from './selection.js';

/** At most this many UIDLs are named in one alert. */
const NAMED = 10;

const named = (items: readonly string[]): string =>
  items.slice(0, NAMED).join(', ') +
  (items.length > NAMED ? `, and ${items.length - NAMED} more` : '');

/**
 * Reported once per run, before any work: a listing that breaks RFC 1939, and a ledger that had
 * to be recovered from the archive. Each is an alert (the summary's `alerts`) and a log line.
 */
export const reportFindings = (ctx: RunContext, listing: Listing): void => {
  const { counters, ledger, log } = ctx;
  const alert = (code: 'EPROTOCOL' | 'ESTORE', message: string) => {
    counters.alerts.push({ code, message });
    log.warn(message);
  };
  if (listing.duplicates.size > 0) {
    const copies = new Map<string, number>();
    for (const { uidl } of listing.messages) copies.set(uidl, (copies.get(uidl) ?? 0) + 1);
    const uidls = [...listing.duplicates].map((uidl) => `${uidl} (${copies.get(uidl)}×)`);
    alert(
      'EPROTOCOL',
      `the server lists UIDL ${named(uidls)} for more than one message, which RFC 1939 forbids: each of those messages is archived by its content, and none of them is deleted`,
    );
  }
  const rebuilt = ledger.recovery.stateRebuilt;
  if (rebuilt) {
    alert(
      'ESTORE',
      `${ctx.layout.stateKey} was missing and is rebuilt from ${rebuilt.records} message record(s): vacation replies to ${rebuilt.vacation} sender(s) are remembered${
        rebuilt.inDoubt > 0
          ? `; ${rebuilt.inDoubt} send(s) whose outcome was lost are marked failed in their records and not sent again`
          : ''
      }`,
    );
  }
  if (ledger.recovery.seenLost) {
    alert(
      'ESTORE',
      `${ctx.layout.seenKey} was missing: every message on the server is read again and matched to its archived record (nothing is sent again)`,
    );
  }
};
