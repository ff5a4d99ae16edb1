import { describe, expect, it } from 'vitest';
import { BACKOFF_CAP_MS, nextPollDelay } from '../../../lambda/cli/watch-backoff.js';

const MINUTE = 60_000;

describe('nextPollDelay', () => {
  it('waits --every after a poll that worked', () => {
    expect(nextPollDelay(5 * MINUTE, 0)).toBe(5 * MINUTE);
  });

  it('doubles the wait with each temporary failure in a row, up to an hour', () => {
    const waits = Array.from({ length: 8 }, (_, index) => nextPollDelay(5 * MINUTE, index + 1));

    expect(waits.map((ms) => ms / MINUTE)).toEqual([5, 10, 20, 40, 60, 60, 60, 60]);
    expect(BACKOFF_CAP_MS).toBe(60 * MINUTE);
  });

  it('never waits less than --every, even when --every is longer than the cap', () => {
    expect(nextPollDelay(2 * 60 * MINUTE, 1)).toBe(2 * 60 * MINUTE);
    expect(nextPollDelay(2 * 60 * MINUTE, 5)).toBe(2 * 60 * MINUTE);
  });

  it('stays finite after very many failures', () => {
    expect(nextPollDelay(10_000, 10_000)).toBe(BACKOFF_CAP_MS);
  });
});
