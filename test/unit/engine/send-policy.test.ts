import { describe, expect, it } from 'vitest';
import {
  type ActionState,
  emptyState,
  type MailboxState,
} from '../../../lambda/engine/ledger-types.js';
import {
  countDueSends,
  dailyCapReached,
  dueActions,
  hasDueSends,
  isDue,
  sendGate,
  sendsToday,
  vacationSkip,
} from '../../../lambda/engine/send-policy.js';
import type { SendAction } from '../../../lambda/rules/plan.js';

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

const action = (status: ActionState['status'], notBefore?: number): ActionState => ({
  action: { kind: 'forward', id: 'f', rule: 'r', to: ['me@example.org'], as: 'attachment' },
  status,
  attempts: 1,
  messageId: '<popfwd.2@example.test>',
  ...(notBefore === undefined ? {} : { notBefore: new Date(notBefore).toISOString() }),
});

describe('what is due', () => {
  it('is an open action whose wait is over, never a final one', () => {
    expect(isDue(action('pending'), NOW)).toBe(true);
    expect(isDue(action('sending'), NOW)).toBe(true);
    expect(isDue(action('pending', NOW), NOW)).toBe(true);
    expect(isDue(action('pending', NOW + 1), NOW)).toBe(false);
    for (const status of ['sent', 'failed', 'skipped'] as const)
      expect(isDue(action(status), NOW)).toBe(false);
  });

  it('lists the due actions of a message in their order, and counts them over the ledger', () => {
    // Prepare
    const actions = {
      a: action('pending'),
      b: action('sent'),
      c: action('pending', NOW + 60_000),
      d: action('sending'),
    };
    const state: MailboxState = {
      ...withSends('2026-12-06', 0, false),
      pending: { m1: { uidl: 'u1', since: '2026-12-06T11:00:00.000Z', actions } },
    };

    // Act
    const due = dueActions(actions, NOW).map(([id]) => id);

    // Assess
    expect(due).toEqual(['a', 'd']);
    expect(countDueSends(state, NOW)).toBe(2);
    expect(countDueSends(state, NOW, new Set(['other']))).toBe(0);
  });
});

describe('sendGate', () => {
  const time = { now: NOW, sendUntil: NOW + 1, cutoffPassed: false };

  it('lets a send start before the send time is over and below the cap', () => {
    expect(sendGate(withSends('2026-12-06', 2), time, 3)).toEqual({ go: true });
  });

  it('stops for the deadline once the send time is over or the cutoff passed', () => {
    expect(sendGate(withSends('2026-12-06', 0), { ...time, sendUntil: NOW }, 3)).toEqual({
      go: false,
      stop: 'deadline',
    });
    expect(sendGate(withSends('2026-12-06', 0), { ...time, cutoffPassed: true }, 3)).toEqual({
      go: false,
      stop: 'deadline',
    });
  });

  it('stops at the daily cap with the alert that names it', () => {
    expect(sendGate(withSends('2026-12-06', 3), time, 3)).toEqual({
      go: false,
      stop: 'cap',
      alert: 'the daily send cap (3) is reached; the rest waits until tomorrow (UTC)',
    });
  });
});

describe('vacationSkip', () => {
  const vacation: SendAction = {
    kind: 'vacation',
    id: 'vacation',
    rule: null,
    to: 'carol@partner.example',
    sender: 'carol@partner.example',
    days: 7,
    subject: 'Away',
    text: 'Back on Monday.',
  };
  const answered = (until: number): MailboxState => ({
    ...emptyState('alice@example.test'),
    vacation: { 'carol@partner.example': new Date(until).toISOString() },
  });

  it('skips a sender answered within the window, and says why', () => {
    expect(vacationSkip(answered(NOW + 1), vacation, NOW)).toEqual({
      sender: 'carol@partner.example',
      reason: 'a vacation reply went to carol@partner.example within the last 7 day(s)',
    });
  });

  it('answers once the window is over, a sender never answered, and any other action', () => {
    expect(vacationSkip(answered(NOW), vacation, NOW)).toBeNull();
    expect(vacationSkip(emptyState('alice@example.test'), vacation, NOW)).toBeNull();
    expect(vacationSkip(answered(NOW + 1), action('pending').action, NOW)).toBeNull();
  });
});
