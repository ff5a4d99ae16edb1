import { describe, expect, it } from 'vitest';
import { stateSchema } from '../../../lambda/engine/ledger-schema.js';
import { emptyState, type MailboxState } from '../../../lambda/engine/ledger-types.js';
import { newCounters } from '../../../lambda/engine/run-context.js';
import {
  FAILED_SENDS_SIZE,
  failedSendsOf,
  RUN_HISTORY_SIZE,
  runRecord,
  withFailedSends,
  withRun,
} from '../../../lambda/engine/run-history.js';

const T0 = Date.parse('2026-11-26T08:00:00.000Z');
const ID = 'a'.repeat(32);

describe('the run history in the state', () => {
  it('keeps the newest runs only, oldest first, and each one passes the stored schema', () => {
    // Prepare
    let state: MailboxState = emptyState('alice@example.test');

    // Act
    for (let n = 0; n < RUN_HISTORY_SIZE + 5; n += 1) {
      const counters = { ...newCounters(), fetched: n };
      state = withRun(state, runRecord(counters, T0 + n * 60_000, T0 + n * 60_000 + 1500));
    }

    // Assess
    expect(state.runs).toHaveLength(RUN_HISTORY_SIZE);
    expect(state.runs?.[0]).toMatchObject({ fetched: 5, outcome: 'ok', durationMs: 1500 });
    expect(state.runs?.at(-1)?.fetched).toBe(RUN_HISTORY_SIZE + 4);
    expect(stateSchema.safeParse(JSON.parse(JSON.stringify(state))).success).toBe(true);
  });

  it('names how a run ended: a failure by its code only, a stop by its reason', () => {
    // Act
    const failed = runRecord(newCounters(), T0, T0, { code: 'ESTORE' });
    const unknown = runRecord(newCounters(), T0, T0, {});
    const deadline = runRecord({ ...newCounters(), stoppedBy: 'deadline' }, T0, T0);
    const limit = runRecord({ ...newCounters(), stoppedBy: 'maxMessagesPerRun' }, T0, T0);

    // Assess
    expect(failed).toMatchObject({ outcome: 'failed', error: 'ESTORE' });
    expect(unknown).toMatchObject({ outcome: 'failed' });
    expect(unknown).not.toHaveProperty('error');
    expect([deadline.outcome, limit.outcome]).toEqual(['deadline', 'limit']);
  });

  it('remembers the failed sends of finished messages, bounded, and no other send', () => {
    // Prepare
    const state: MailboxState = {
      ...emptyState('alice@example.test'),
      pending: {
        [ID]: {
          uidl: 'u1',
          since: new Date(T0).toISOString(),
          actions: {
            f1: {
              action: { kind: 'forward', id: 'f1', rule: 'r', to: ['a@x.example'], as: 'inline' },
              status: 'failed',
              attempts: 1,
              messageId: '<m@x>',
              reason: '550 no such user',
            },
            f2: {
              action: { kind: 'forward', id: 'f2', rule: 'r', to: ['b@x.example'], as: 'inline' },
              status: 'sent',
              attempts: 1,
              messageId: '<n@x>',
            },
          },
        },
      },
    };

    // Act
    const sends = failedSendsOf(state, [ID, 'b'.repeat(32)], new Date(T0).toISOString());
    let bounded = state;
    for (let n = 0; n < FAILED_SENDS_SIZE + 3; n += 1) bounded = withFailedSends(bounded, sends);

    // Assess
    expect(sends).toEqual([
      expect.objectContaining({
        id: ID,
        uidl: 'u1',
        actionId: 'f1',
        to: ['a@x.example'],
        reason: '550 no such user',
      }),
    ]);
    expect(bounded.failedSends).toHaveLength(FAILED_SENDS_SIZE);
    expect(withFailedSends(state, [])).toBe(state);
  });
});
