import { describe, expect, it } from 'vitest';
import { emptyState, type MailboxState } from '../../../lambda/engine/ledger-types.js';
import { dailyCapReached, hasDueSends, sendsToday } from '../../../lambda/engine/send-policy.js';

const NOW = Date.parse('2026-12-06T12:00:00.000Z');

const withSends = (day: string, count: number, open = true): MailboxState => ({
  ...emptyState('alice@example.test'),
  sends: { day, count },
  pending: open
    ? {
        m1: {
          uidl: 'u1',
          since: '2026-12-06T11:00:00.000Z',
          actions: {
            'forward-1': {
              action: {
                kind: 'forward',
                id: 'forward-1',
                rule: 'to phone',
                to: ['me@example.org'],
                as: 'attachment',
              },
              status: 'pending' as const,
              attempts: 0,
              messageId: '<popfwd.1@example.test>',
            },
          },
        },
      }
    : {},
});

describe('the daily send cap', () => {
  it('counts only the sends of the current UTC day', () => {
    expect(sendsToday(withSends('2026-12-06', 7), NOW)).toBe(7);
    expect(sendsToday(withSends('2026-12-05', 7), NOW)).toBe(0);
  });

  it('is reached at the cap today, and not by yesterday’s count', () => {
    expect(dailyCapReached(withSends('2026-12-06', 3), NOW, 3)).toBe(true);
    expect(dailyCapReached(withSends('2026-12-06', 2), NOW, 3)).toBe(false);
    expect(dailyCapReached(withSends('2026-12-05', 300), NOW, 3)).toBe(false);
  });

  it('of 0 allows no send on any day, a new day included', () => {
    expect(dailyCapReached(withSends('2026-12-05', 0), NOW, 0)).toBe(true);
    expect(hasDueSends(withSends('2026-12-05', 0), NOW, 0)).toBe(false);
  });

  it('leaves due sends due below the cap, and none when nothing is open', () => {
    expect(hasDueSends(withSends('2026-12-06', 2), NOW, 3)).toBe(true);
    expect(hasDueSends(withSends('2026-12-06', 3), NOW, 3)).toBe(false);
    expect(hasDueSends(withSends('2026-12-06', 0, false), NOW, 3)).toBe(false);
  });
});
