import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  armCutoff,
  LEASE_GRACE_MS,
  runBudget,
  SEND_RESERVE_MS,
} from '../../../lambda/engine/run-budget.js';
import { fixedClock } from '../../helpers/fixed-clock.js';

/** limits.runTimeout's default: 10 minutes. */
const RUN_TIMEOUT_MS = 600_000;

describe('runBudget', () => {
  it('orders the stops: fetch, then sends, then the cutoff, then the deadline, then the lease', () => {
    const budget = runBudget(0, 240_000, RUN_TIMEOUT_MS);

    expect(budget).toEqual({
      deadline: 240_000,
      cutoff: 240_000 - 5_000,
      fetchUntil: 240_000 - 24_000,
      sendUntil: 240_000 - 5_000 - SEND_RESERVE_MS,
      leaseUntil: 240_000 + LEASE_GRACE_MS,
    });
  });

  it('leaves a short run (popfwd run --deadline 4s) time to send and to save', () => {
    const budget = runBudget(0, 4_000, RUN_TIMEOUT_MS);

    expect(budget.fetchUntil).toBe(1_000);
    expect(budget.sendUntil).toBe(2_500);
    expect(budget.cutoff).toBe(3_500);
  });

  it('never puts a stop after the cutoff, nor the cutoff before the start', () => {
    for (const ms of [0, 100, 499, 2_000, 60_000, 900_000]) {
      const budget = runBudget(1_000, 1_000 + ms, 1_000_000);

      expect(budget.cutoff).toBeGreaterThanOrEqual(1_000);
      expect(budget.cutoff).toBeLessThanOrEqual(budget.deadline);
      expect(budget.fetchUntil).toBeLessThanOrEqual(budget.cutoff);
      expect(budget.sendUntil).toBeLessThanOrEqual(budget.cutoff);
      expect(budget.sendUntil).toBeGreaterThanOrEqual(1_000);
    }
  });

  it('keeps to the config runTimeout when the shell allows longer (a 15-minute Lambda)', () => {
    const budget = runBudget(0, 885_000, 120_000);

    expect(budget.deadline).toBe(120_000);
    expect(budget.leaseUntil).toBe(120_000 + LEASE_GRACE_MS);
  });

  it('runs for the config runTimeout when the shell asks for no deadline (popfwd run)', () => {
    const budget = runBudget(5_000, undefined, 120_000);

    expect(budget.deadline).toBe(125_000);
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
