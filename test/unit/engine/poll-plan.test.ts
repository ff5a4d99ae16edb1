import { describe, expect, it } from 'vitest';
import {
  type ActionState,
  emptyState,
  type FetchFailure,
  type MailboxState,
  type SeenEntry,
} from '../../../lambda/engine/ledger-types.js';
import { type LedgerView, type PollPolicy, planPoll } from '../../../lambda/engine/poll-plan.js';
import { setAsideAlert } from '../../../lambda/engine/quarantine.js';
import { buildListing } from '../../../lambda/engine/selection.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const HOUR = 3_600_000;
const KEEP: PollPolicy = { retention: 'keep', maxSendsPerDay: 200 };

const listing = (...uidls: string[]) =>
  buildListing(
    uidls.map((uidl, index) => ({ n: index + 1, uidl })),
    new Map(uidls.map((_, index) => [index + 1, 1000])),
  );

const ledger = (
  seen: Record<string, SeenEntry> = {},
  state: Partial<MailboxState> = {},
  dirty = false,
): LedgerView => ({
  seen: new Map(Object.entries(seen)),
  // A mailbox whose records are all in the catalog: no upkeep owed unless a test says so.
  state: {
    ...emptyState('alice@example.test'),
    catalogSince: '2026-11-01T00:00:00.000Z',
    ...state,
  },
  dirty,
});

const archived = (hoursAgo = 1): SeenEntry => ({ t: Math.floor((NOW - hoursAgo * HOUR) / 1000) });

const failure = (count: number, quarantinedUntil?: number): FetchFailure => ({
  count,
  code: 'ECOMMAND',
  message: '-ERR cannot open message',
  ...(quarantinedUntil === undefined
    ? {}
    : { quarantinedUntil: new Date(quarantinedUntil).toISOString() }),
});

const waitingSend = (notBefore?: number): MailboxState['pending'] => ({
  m1: {
    uidl: 'gone',
    since: new Date(NOW - HOUR).toISOString(),
    actions: {
      'forward:0.0': {
        action: {
          kind: 'forward',
          id: 'forward:0.0',
          rule: 'to phone',
          to: ['me@phone.example'],
          as: 'attachment',
        },
        status: 'pending',
        attempts: 1,
        messageId: '<popfwd.1@example.test>',
        ...(notBefore === undefined ? {} : { notBefore: new Date(notBefore).toISOString() }),
      } satisfies ActionState,
    },
  },
});

describe('planPoll', () => {
  it('has no work when everything listed is archived, kept, and nothing is due', () => {
    // Prepare
    const known = ledger({ a: archived(), b: archived() });

    // Act
    const plan = planPoll(listing('a', 'b'), known, KEEP, NOW);

    // Assess
    expect(plan).toMatchObject({ fetch: [], vanished: [], deletionsDue: false, sendsDue: false });
    expect(plan.work).toBe(false);
  });

  it('fetches the new messages in server order, those that failed before last', () => {
    // Prepare
    const known = ledger({ b: archived() }, { fetchFailures: { a: failure(1) } });

    // Act
    const plan = planPoll(listing('a', 'b', 'c', 'd'), known, KEEP, NOW);

    // Assess
    expect(plan.fetch.map((message) => message.uidl)).toEqual(['c', 'd', 'a']);
    expect(plan.work).toBe(true);
  });

  it('leaves a message set aside on the server, and names it for the alert', () => {
    // Prepare
    const known = ledger({}, { fetchFailures: { bad: failure(3, NOW + HOUR) } });

    // Act
    const plan = planPoll(listing('bad', 'good'), known, KEEP, NOW);

    // Assess
    expect(plan.fetch.map((message) => message.uidl)).toEqual(['good']);
    expect(plan.setAside.map(([uidl]) => uidl)).toEqual(['bad']);
  });

  it('fetches a message again once its quarantine is over', () => {
    // Prepare
    const known = ledger({}, { fetchFailures: { bad: failure(3, NOW - 1) } });

    // Act
    const plan = planPoll(listing('bad'), known, KEEP, NOW);

    // Assess
    expect(plan.fetch.map((message) => message.uidl)).toEqual(['bad']);
    expect(plan.setAside).toEqual([]);
  });

  it('forgets what left the server: seen UIDLs and the failures of unlisted ones', () => {
    // Prepare
    const known = ledger(
      { a: archived(), gone: archived() },
      { fetchFailures: { lost: failure(1) } },
    );

    // Act
    const plan = planPoll(listing('a'), known, KEEP, NOW);

    // Assess
    expect(plan.vanished).toEqual(['gone']);
    expect(plan.forgottenFailures).toEqual(['lost']);
    expect(plan.work).toBe(true);
  });

  it('works when retention has something to delete, even with nothing new', () => {
    // Prepare
    const known = ledger({ a: archived(48) });
    const policy: PollPolicy = { ...KEEP, retention: { deleteAfterDays: 1 } };

    // Act
    const plan = planPoll(listing('a'), known, policy, NOW);

    // Assess
    expect(plan.deletionsDue).toBe(true);
    expect(plan.work).toBe(true);
  });

  it('works for a due send of a message long gone from the server', () => {
    // Act
    const plan = planPoll(listing(), ledger({}, { pending: waitingSend() }), KEEP, NOW);

    // Assess
    expect(plan.sendsDue).toBe(true);
    expect(plan.work).toBe(true);
  });

  it('writes nothing for a send that waits for a later attempt, a cap or a pause', () => {
    // Prepare
    const later = ledger({}, { pending: waitingSend(NOW + HOUR) });
    const capped = ledger({}, { pending: waitingSend(), sends: { day: '2026-11-26', count: 3 } });
    const paused = ledger(
      {},
      {
        pending: waitingSend(),
        sendPause: { until: new Date(NOW + HOUR).toISOString(), code: 'EACCOUNT', reason: 'x' },
      },
    );

    // Act
    const plans = [
      planPoll(listing(), later, KEEP, NOW),
      planPoll(listing(), capped, { ...KEEP, maxSendsPerDay: 3 }, NOW),
      planPoll(listing(), paused, KEEP, NOW),
    ];

    // Assess
    expect(plans.map((plan) => plan.work)).toEqual([false, false, false]);
  });

  it('works when the catalog still owes its upkeep (legacy records to move in)', () => {
    // Prepare
    const upgrading = ledger({ a: archived() }, { catalogSince: undefined });

    // Act
    const plan = planPoll(listing('a'), upgrading, KEEP, NOW);

    // Assess
    expect(plan.catalogDue).toBe(true);
    expect(plan.work).toBe(true);
  });

  it('works when the ledger holds unsaved changes (a rebuilt state, a token rotation)', () => {
    // Act
    const plan = planPoll(listing('a'), ledger({ a: archived() }, {}, true), KEEP, NOW);

    // Assess
    expect(plan.work).toBe(true);
  });
});

describe('setAsideAlert', () => {
  it('names every message set aside, the time it ends and the first reason, printable', () => {
    // Prepare
    const until = NOW + HOUR;
    const setAside: Array<[string, FetchFailure]> = [
      ['u1', { ...failure(3, until), message: '-ERR \u001b[2Jbroken' }],
      ['u2', failure(4, until)],
    ];

    // Act
    const alert = setAsideAlert(setAside);

    // Assess
    expect(alert?.code).toBe('ECOMMAND');
    expect(alert?.message).toContain('2 message(s) could not be read 3 times in a row');
    expect(alert?.message).toContain(`set aside until ${new Date(until).toISOString()}`);
    expect(alert?.message).toContain('(UIDL u1, u2)');
    expect(alert?.message).toContain('-ERR \\x1b[2Jbroken');
  });

  it('is null when nothing is set aside', () => {
    expect(setAsideAlert([])).toBeNull();
  });
});
