import type { Retention } from '../config/schema.js';
import type { UidlEntry } from '../pop3/client.js';
import type { SeenEntry } from './ledger-types.js';

/** A message as the server lists it in this session. */
export interface ServerMessage {
  readonly n: number;
  readonly uidl: string;
  /** LIST size: a hint for limits, not an exact byte count. */
  readonly size: number;
}

export interface Listing {
  readonly messages: readonly ServerMessage[];
  /** UIDLs the server listed more than once: never deleted, fetched only once. */
  readonly duplicates: ReadonlySet<string>;
}

export const buildListing = (
  uidls: readonly UidlEntry[],
  sizes: ReadonlyMap<number, number>,
): Listing => {
  const counts = new Map<string, number>();
  for (const { uidl } of uidls) counts.set(uidl, (counts.get(uidl) ?? 0) + 1);
  const duplicates = new Set([...counts].filter(([, count]) => count > 1).map(([uidl]) => uidl));
  const messages = [...uidls]
    .sort((a, b) => a.n - b.n)
    .map(({ n, uidl }) => ({ n, uidl, size: sizes.get(n) ?? 0 }));
  return { messages, duplicates };
};

/** Messages not archived yet, in server order; a duplicated UIDL only once. */
export const selectNew = (
  listing: Listing,
  seen: ReadonlyMap<string, SeenEntry>,
): ServerMessage[] => {
  const taken = new Set<string>();
  return listing.messages.filter((message) => {
    if (seen.has(message.uidl) || taken.has(message.uidl)) return false;
    taken.add(message.uidl);
    return true;
  });
};

const DAY_SECONDS = 86_400;

/**
 * What the retention policy deletes now. Only archived messages (in `seen`) are ever chosen;
 * a rule's keepOnServer / deleteFromServer wins over the policy; duplicated UIDLs are never
 * deleted (which of them is archived is unknowable).
 */
export const selectDeletions = (
  listing: Listing,
  seen: ReadonlyMap<string, SeenEntry>,
  retention: Retention,
  now: number,
): ServerMessage[] =>
  listing.messages.filter((message) => {
    const entry = seen.get(message.uidl);
    if (!entry || listing.duplicates.has(message.uidl)) return false;
    if (entry.s === 'k') return false;
    if (entry.s === 'd') return true;
    if (retention === 'keep') return false;
    if (retention === 'delete') return true;
    return now / 1000 - entry.t >= retention.deleteAfterDays * DAY_SECONDS;
  });

/** Seen UIDLs the server no longer lists: the message is gone, its memory can go too. */
export const selectVanished = (
  listing: Listing,
  seen: ReadonlyMap<string, SeenEntry>,
): string[] => {
  const listed = new Set(listing.messages.map((message) => message.uidl));
  return [...seen.keys()].filter((uidl) => !listed.has(uidl));
};
