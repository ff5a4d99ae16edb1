import { afterEach, describe, expect, it, vi } from 'vitest';
import { armCutoff, runBudget } from '../../../lambda/engine/run-budget.js';
import { SEND_RESERVE_MS } from '../../../lambda/engine/send-policy.js';
import { fixedClock } from '../../helpers/fixed-clock.js';

describe('runBudget', () => {
  it('orders the stops: fetch, then sends, then the cutoff, then the deadline', () => {
    const budget = runBudget(0, 240_000);

    expect(budget).toEqual({
      deadline: 240_000,
      cutoff: 240_000 - 5_000,
      fetchDeadline: 240_000 - 24_000,
      sendCutoff: 240_000 - 5_000 - SEND_RESERVE_MS,
    });
  });

  it('leaves a short run (popfwd run --deadline 4s) time to send and to save', () => {
    const budget = runBudget(0, 4_000);

    expect(budget.fetchDeadline).toBe(1_000);
    expect(budget.sendCutoff).toBe(2_500);
    expect(budget.cutoff).toBe(3_500);
  });

  it('never puts a stop after the cutoff, nor the cutoff before the start', () => {
    for (const ms of [0, 100, 499, 2_000, 60_000, 900_000]) {
      const budget = runBudget(1_000, 1_000 + ms);

      expect(budget.cutoff).toBeGreaterThanOrEqual(1_000);
      expect(budget.cutoff).toBeLessThanOrEqual(budget.deadline);
      expect(budget.fetchDeadline).toBeLessThanOrEqual(budget.cutoff);
      expect(budget.sendCutoff).toBeLessThanOrEqual(budget.cutoff);
      expect(budget.sendCutoff).toBeGreaterThanOrEqual(1_000);
    }
  });
});

describe('armCutoff', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('aborts its signal and runs the actions at the cutoff, and no earlier', () => {
    vi.useFakeTimers();
    const clock = fixedClock(10_000);
    const alarm = armCutoff(12_000, clock);
    const action = vi.fn();
    alarm.onCutoff(action);

    vi.advanceTimersByTime(1_999);
    expect(alarm.passed).toBe(false);
    expect(action).not.toHaveBeenCalled();

    vi.advanceTimersByTime(1);
    expect(alarm.signal.aborted).toBe(true);
    expect(action).toHaveBeenCalledOnce();
  });

  it('runs an action registered after the cutoff at once', () => {
    vi.useFakeTimers();
    const alarm = armCutoff(0, fixedClock(5_000));
    vi.advanceTimersByTime(0);
    const action = vi.fn();

    alarm.onCutoff(action);

    expect(action).toHaveBeenCalledOnce();
  });

  it('leaves no timer behind once disarmed', () => {
    vi.useFakeTimers();
    const alarm = armCutoff(60_000, fixedClock(0));

    alarm.disarm();

    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(120_000);
    expect(alarm.passed).toBe(false);
  });
});
