import { describe, expect, it } from 'vitest';
import type { SeenEntry } from '../../../lambda/engine/ledger-types.js';
import {
  buildListing,
  selectDeletions,
  selectNew,
  selectVanished,
} from '../../../lambda/engine/selection.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const daysAgo = (days: number) => Math.floor((NOW - days * 86_400_000) / 1000);

const listing = (...uidls: string[]) =>
  buildListing(
    uidls.map((uidl, index) => ({ n: index + 1, uidl })),
    new Map(uidls.map((_, index) => [index + 1, 1000 * (index + 1)])),
  );

const seen = (entries: Record<string, SeenEntry>) => new Map(Object.entries(entries));

describe('selectNew', () => {
  it('returns messages not archived yet, in server order, with their LIST sizes', () => {
    const result = selectNew(listing('a', 'b', 'c'), seen({ b: { t: daysAgo(1) } }));
    expect(result).toEqual([
      { n: 1, uidl: 'a', size: 1000 },
      { n: 3, uidl: 'c', size: 3000 },
    ]);
  });

  it('fetches a UIDL the server lists twice only once', () => {
    const result = selectNew(listing('a', 'a', 'b'), seen({}));
    expect(result.map((message) => message.n)).toEqual([1, 3]);
  });
});

describe('selectDeletions', () => {
  const archived = seen({ a: { t: daysAgo(10) }, b: { t: daysAgo(2) } });

  it('deletes nothing with retention keep', () => {
    expect(selectDeletions(listing('a', 'b', 'c'), archived, 'keep', NOW)).toEqual([]);
  });

  it('deletes every archived message, and only archived ones, with retention delete', () => {
    expect(
      selectDeletions(listing('a', 'b', 'c'), archived, 'delete', NOW).map(
        (message) => message.uidl,
      ),
    ).toEqual(['a', 'b']);
  });

  it('deletes messages archived at least N days ago with deleteAfterDays', () => {
    const result = selectDeletions(listing('a', 'b', 'c'), archived, { deleteAfterDays: 7 }, NOW);
    expect(result.map((message) => message.uidl)).toEqual(['a']);
  });

  it('lets keepOnServer and deleteFromServer override the policy', () => {
    const overridden = seen({ a: { t: daysAgo(10), s: 'k' }, b: { t: daysAgo(0), s: 'd' } });
    expect(
      selectDeletions(listing('a', 'b'), overridden, 'delete', NOW).map((message) => message.uidl),
    ).toEqual(['b']);
    expect(
      selectDeletions(listing('a', 'b'), overridden, 'keep', NOW).map((message) => message.uidl),
    ).toEqual(['b']);
  });

  it('never deletes a UIDL the server lists more than once', () => {
    expect(
      selectDeletions(listing('a', 'a', 'b'), archived, 'delete', NOW).map(
        (message) => message.uidl,
      ),
    ).toEqual(['b']);
  });
});

describe('selectVanished', () => {
  it('returns archived UIDLs the server no longer lists', () => {
    expect(selectVanished(listing('b'), seen({ a: { t: 1 }, b: { t: 1 } }))).toEqual(['a']);
  });
});
