import { describe, expect, it } from 'vitest';
import { formatPoll } from '../../../lambda/cli/output/format-poll.js';
import { localTimestamp } from '../../../lambda/cli/output/timestamp.js';
import type { RunSummary } from '../../../lambda/engine/summary.js';

describe('localTimestamp', () => {
  const instant = new Date('2026-12-06T05:02:07.900Z');

  it.each([
    [0, '2026-12-06T05:02:07+00:00'],
    [60, '2026-12-06T06:02:07+01:00'],
    [330, '2026-12-06T10:32:07+05:30'],
    [-300, '2026-12-06T00:02:07-05:00'],
    [-600, '2026-12-05T19:02:07-10:00'],
  ])('offset %i min: %s', (offset, expected) => {
    expect(localTimestamp(instant, offset)).toBe(expected);
  });

  it("uses this machine's offset by default, in ISO 8601", () => {
    const stamp = localTimestamp(instant);
    expect(stamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    // The same instant, whatever the zone
    expect(Date.parse(stamp)).toBe(Date.parse('2026-12-06T05:02:07Z'));
  });
});

const EMPTY: RunSummary = {
  fetched: 0,
  archived: 0,
  alreadyArchived: 0,
  deleted: 0,
  forwarded: 0,
  replied: 0,
  skipped: 0,
  failed: 0,
  durationMs: 120,
  remaining: 0,
  pendingActions: 0,
  stoppedBy: null,
  busy: null,
  alerts: [],
};

describe('formatPoll', () => {
  it('an empty poll is one line', () => {
    expect(formatPoll('a@example.test', EMPTY)).toEqual(['a@example.test: nothing new (120 ms)']);
  });

  it('names only the counts that are not zero, then one line per alert', () => {
    const lines = formatPoll('a@example.test', {
      ...EMPTY,
      fetched: 3,
      archived: 3,
      forwarded: 1,
      pendingActions: 2,
      remaining: 4,
      stoppedBy: 'maxMessagesPerRun',
      alerts: [{ code: 'EACCOUNT', message: 'the account may not send' }],
    });

    expect(lines).toEqual([
      'a@example.test: fetched 3 · archived 3 · forwarded 1 · sends waiting 2 · left for the next poll 4; stopped early (maxMessagesPerRun) (120 ms)',
      'a@example.test: ATTENTION (EACCOUNT): the account may not send',
    ]);
  });

  it('a busy mailbox', () => {
    expect(formatPoll('a@example.test', { ...EMPTY, busy: 'another run holds it' })).toEqual([
      'a@example.test: skipped — another run holds it',
    ]);
  });
});
