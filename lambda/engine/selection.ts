import type { Retention } from '../config/config-schema.js';
import type { UidlEntry } from '../pop3/client.js';
import type { SeenEntry } from './ledger-types.js';

/** A message as the server lists it in this session. */
export interface ServerMessage {
  readonly n: number;
  readonly uidl: string;
  /** LIST size: a hint for limits, not an exact byte count. */
  readonly size: number;
  /**
   * Its UIDL does not identify it: listed more than once now, or before. It is archived by content
   * (message-identity.ts) and never deleted.
   */
  readonly ambiguous?: boolean;
}

export interface Listing {
  readonly messages: readonly ServerMessage[];
  /** UIDLs the server listed more than once in this session. */
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

const isAmbiguous = (listing: Listing, uidl: string, entry: SeenEntry | undefined): boolean =>
  listing.duplicates.has(uidl) || entry?.c !== undefined;

/**
 * Messages not archived yet, in server order. A UIDL listed more than once cannot say which of
 * its messages is archived, so its copies are matched by LIST size to the copies archived under
 * it: when fewer are archived than listed at a size, every copy of that size is read again (the
 * content index then recognises those already archived).
 */
export const selectNew = (
  listing: Listing,
  seen: ReadonlyMap<string, SeenEntry>,
): ServerMessage[] => {
  const listedAtSize = new Map<string, number>();
  const sizeKey = (uidl: string, size: number) => `${size} ${uidl}`;
  for (const { uidl, size } of listing.messages) {
    const key = sizeKey(uidl, size);
    listedAtSize.set(key, (listedAtSize.get(key) ?? 0) + 1);
  }
  const archivedAtSize = new Map<string, number>();
  for (const [uidl, entry] of seen) {
    for (const [, size] of entry.c ?? []) {
      const key = sizeKey(uidl, size);
      archivedAtSize.set(key, (archivedAtSize.get(key) ?? 0) + 1);
    }
  }
  return listing.messages.flatMap((message) => {
    const entry = seen.get(message.uidl);
    if (!isAmbiguous(listing, message.uidl, entry)) return entry ? [] : [message];
    const key = sizeKey(message.uidl, message.size);
    const fresh = (archivedAtSize.get(key) ?? 0) < (listedAtSize.get(key) ?? 0);
    return fresh ? [{ ...message, ambiguous: true }] : [];
  });
};

/**
 * The order to fetch new messages in: server order, but messages that failed to arrive before
 * (a RETR that never ends, a message over the size limit, a cut connection) last, so one bad
 * message holds back only itself: the others are archived and their sends go out first.
 */
export const fetchOrder = (
  fresh: readonly ServerMessage[],
  failedBefore: (uidl: string) => boolean,
): ServerMessage[] => [
  ...fresh.filter((message) => !failedBefore(message.uidl)),
  ...fresh.filter((message) => failedBefore(message.uidl)),
];

/**
 * The seen entries of ambiguous UIDLs after a run: per LIST size, the copies read in this run
 * (`resolved`: message number → the id holding its bytes), then the earlier ones, as many as the
 * server still lists. Only entries that change are returned. Called before the fetch (nothing
 * resolved) it drops copies that left the server, so a newcomer of the same size is not taken
 * for one of them.
 */
export const copiesAfter = (
  listing: Listing,
  seen: ReadonlyMap<string, SeenEntry>,
  resolved: ReadonlyMap<number, string>,
  now: number,
): Array<[string, SeenEntry]> => {
  const groups = new Map<string, ServerMessage[]>();
  for (const message of listing.messages) {
    if (!isAmbiguous(listing, message.uidl, seen.get(message.uidl))) continue;
    const group = groups.get(message.uidl);
    if (group) group.push(message);
    else groups.set(message.uidl, [message]);
  }
  const changed: Array<[string, SeenEntry]> = [];
  for (const [uidl, messages] of groups) {
    const entry = seen.get(uidl);
    const earlier = entry?.c ?? [];
    const copies: Array<[string, number]> = [];
    for (const [size, listed] of bySize(messages, (message) => message.size)) {
      const read = listed.flatMap((message) => resolved.get(message.n) ?? []);
      // An earlier copy read again in this run is the same copy, not one more.
      const unmatched = [...read];
      for (const [id] of bySize(earlier, ([, earlierSize]) => earlierSize).get(size) ?? []) {
        const at = unmatched.indexOf(id);
        if (at === -1) read.push(id);
        else unmatched.splice(at, 1);
      }
      for (const id of read.slice(0, listed.length)) copies.push([id, size]);
    }
    const same =
      entry?.c !== undefined &&
      copies.length === earlier.length &&
      copies.every(
        ([id, size], index) => earlier[index]?.[0] === id && earlier[index]?.[1] === size,
      );
    // A UIDL first seen unambiguous keeps its plain entry until one of its copies is read.
    if (same || (entry?.c === undefined && copies.length === 0)) continue;
    changed.push([uidl, { t: entry?.t ?? Math.floor(now / 1000), c: copies }]);
  }
  return changed;
};

const bySize = <T>(items: Iterable<T>, sizeOf: (item: T) => number): Map<number, T[]> => {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const size = sizeOf(item);
    const group = groups.get(size);
    if (group) group.push(item);
    else groups.set(size, [item]);
  }
  return groups;
};

const DAY_SECONDS = 86_400;

/**
 * What the retention policy deletes now. Only archived messages (in `seen`) are ever chosen;
 * a rule's keepOnServer / deleteFromServer wins over the policy; an ambiguous UIDL is never
 * deleted (which of its messages a DELE would remove is unknowable).
 */
export const selectDeletions = (
  listing: Listing,
  seen: ReadonlyMap<string, SeenEntry>,
  retention: Retention,
  now: number,
): ServerMessage[] =>
  listing.messages.filter((message) => {
    const entry = seen.get(message.uidl);
    if (!entry || isAmbiguous(listing, message.uidl, entry)) return false;
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
