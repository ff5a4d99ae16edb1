import { describe, expect, it } from 'vitest';
import type { SeenEntry } from '../../../lambda/engine/ledger-types.js';
import {
  buildListing,
  copiesAfter,
  fetchOrder,
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

const ID_A = 'a'.repeat(32);
const ID_B = 'b'.repeat(32);
const ID_C = 'c'.repeat(32);

const seen = (entries: Record<string, SeenEntry>) => new Map(Object.entries(entries));

describe('selectNew', () => {
  it('returns messages not archived yet, in server order, with their LIST sizes', () => {
    const result = selectNew(listing('a', 'b', 'c'), seen({ b: { t: daysAgo(1) } }));
    expect(result).toEqual([
      { n: 1, uidl: 'a', size: 1000 },
      { n: 3, uidl: 'c', size: 3000 },
    ]);
  });

  it('fetches every message of a UIDL the server lists twice, marked ambiguous', () => {
    const result = selectNew(listing('a', 'a', 'b'), seen({}));
    expect(result).toEqual([
      { n: 1, uidl: 'a', size: 1000, ambiguous: true },
      { n: 2, uidl: 'a', size: 2000, ambiguous: true },
      { n: 3, uidl: 'b', size: 3000 },
    ]);
  });

  it('reads an ambiguous UIDL again only at a size with fewer archived copies than listed', () => {
    const sized = (...sizes: number[]) =>
      buildListing(
        sizes.map((_, index) => ({ n: index + 1, uidl: 'dup' })),
        new Map(sizes.map((size, index) => [index + 1, size])),
      );
    const archived = seen({ dup: { t: daysAgo(1), c: [[ID_A, 100]] } });

    expect(selectNew(sized(100), archived)).toEqual([]);
    expect(selectNew(sized(100, 200), archived).map((message) => message.n)).toEqual([2]);
    expect(selectNew(sized(100, 100), archived).map((message) => message.n)).toEqual([1, 2]);
  });

  it('fetches all copies of a UIDL archived before it turned ambiguous', () => {
    const result = selectNew(listing('a', 'a'), seen({ a: { t: daysAgo(1) } }));
    expect(result.map((message) => message.n)).toEqual([1, 2]);
  });
});

describe('copiesAfter', () => {
  const dup = (...sizes: number[]) =>
    buildListing(
      sizes.map((_, index) => ({ n: index + 1, uidl: 'dup' })),
      new Map(sizes.map((size, index) => [index + 1, size])),
    );

  it('records each copy read in this run with its LIST size', () => {
    const result = copiesAfter(
      dup(100, 200),
      seen({}),
      new Map([
        [1, ID_A],
        [2, ID_B],
      ]),
      NOW,
    );
    expect(result).toEqual([
      [
        'dup',
        {
          t: Math.floor(NOW / 1000),
          c: [
            [ID_A, 100],
            [ID_B, 200],
          ],
        },
      ],
    ]);
  });

  it('counts a copy read again once, and keeps two listed copies with identical bytes', () => {
    const before = seen({ dup: { t: 1, c: [[ID_A, 100]] } });
    const again = copiesAfter(dup(100, 100), before, new Map([[1, ID_A]]), NOW);
    const twins = copiesAfter(
      dup(100, 100),
      before,
      new Map([
        [1, ID_A],
        [2, ID_A],
      ]),
      NOW,
    );
    expect(again).toEqual([]);
    expect(twins).toEqual([
      [
        'dup',
        {
          t: 1,
          c: [
            [ID_A, 100],
            [ID_A, 100],
          ],
        },
      ],
    ]);
  });

  it('forgets copies that left the server, so a newcomer of the same size is read', () => {
    const before = seen({
      dup: {
        t: 1,
        c: [
          [ID_A, 100],
          [ID_B, 100],
          [ID_C, 300],
        ],
      },
    });
    const trimmed = copiesAfter(dup(100), before, new Map(), NOW);
    expect(trimmed).toEqual([['dup', { t: 1, c: [[ID_A, 100]] }]]);
    const after = seen(Object.fromEntries(trimmed));
    expect(selectNew(dup(100, 100), after).map((message) => message.n)).toEqual([1, 2]);
  });

  it('leaves a plain entry alone until one of its copies is read', () => {
    expect(copiesAfter(dup(100, 100), seen({ dup: { t: 1, id: ID_A } }), new Map(), NOW)).toEqual(
      [],
    );
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

  it('never deletes an ambiguous UIDL, listed twice now or recorded with copies', () => {
    const archivedCopies = seen({
      a: { t: daysAgo(10) },
      b: { t: daysAgo(10), c: [[ID_A, 2000]] },
    });
    expect(selectDeletions(listing('a', 'a', 'b'), archivedCopies, 'delete', NOW)).toEqual([]);
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

describe('fetchOrder', () => {
  it('keeps server order, with the messages that failed to arrive before at the end', () => {
    const fresh = listing('u1', 'u2', 'u3', 'u4').messages;
    const failed = new Set(['u1', 'u3']);

    const order = fetchOrder(fresh, (uidl) => failed.has(uidl));

    expect(order.map((message) => message.uidl)).toEqual(['u2', 'u4', 'u1', 'u3']);
  });

  it('changes nothing when no message failed before', () => {
    const fresh = listing('u1', 'u2').messages;

    expect(fetchOrder(fresh, () => false)).toEqual(fresh);
  });
});
