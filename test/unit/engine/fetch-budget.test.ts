import { describe, expect, it } from 'vitest';
import {
  ANNOUNCED_SLACK_BYTES,
  budgetStopOf,
  FetchBudget,
} from '../../../lambda/engine/fetch-budget.js';

const MB = 1_000_000;

describe('FetchBudget', () => {
  it('commits the LIST size while a message arrives, then its real size', () => {
    const budget = new FetchBudget({ maxMessageSize: 10 * MB, maxBytesPerRun: 10 * MB });

    budget.issue(1, 1_000);
    budget.issue(2, 2_000);
    expect(budget.committed).toBe(3_000);
    expect(budget.guard(1, 500)).toBeNull();
    expect(budget.committed).toBe(3_000);
    expect(budget.guard(1, 5_000)).toBeNull();
    expect(budget.committed).toBe(7_000);
    budget.finish(1);
    expect([budget.committed, budget.received]).toEqual([7_000, 5_000]);
  });

  it('stops a message at maxMessageSize, as its own fault', () => {
    const budget = new FetchBudget({ maxMessageSize: MB, maxBytesPerRun: 100 * MB });
    budget.issue(3, 200);

    expect(budget.guard(3, MB)).toBeNull();
    const error = budget.guard(3, MB + 1);

    expect(error?.code).toBe('ESIZE');
    expect(error?.message).toMatch(/^message 3 is larger than limits.maxMessageSize \(977 KiB\)/);
    expect(budgetStopOf(error)).toBe('message');
  });

  it('lets an honest message pass the run budget: twice its LIST size plus slack', () => {
    const budget = new FetchBudget({ maxMessageSize: 100 * MB, maxBytesPerRun: MB });
    budget.issue(1, 900_000);
    budget.guard(1, 900_000);
    budget.finish(1);
    budget.issue(2, 300_000);

    expect(budget.guard(2, 2 * 300_000 + ANNOUNCED_SLACK_BYTES)).toBeNull();
  });

  it('stops a message that sends far more than LIST said once others spent the budget: not its fault', () => {
    const budget = new FetchBudget({ maxMessageSize: 100 * MB, maxBytesPerRun: MB });
    budget.issue(1, 159);
    budget.issue(2, 159);
    budget.guard(1, 990_000);
    budget.finish(1);

    expect(budget.guard(2, 10_000)).toBeNull();
    const error = budget.guard(2, 2 * 159 + ANNOUNCED_SLACK_BYTES + 1);

    expect(budgetStopOf(error)).toBe('run');
    expect(error?.message).toMatch(
      /^limits.maxBytesPerRun \(977 KiB\) is spent: the server announced 159 bytes/,
    );
  });

  it('blames the message that alone passes the run budget with more than LIST said', () => {
    const budget = new FetchBudget({ maxMessageSize: 100 * MB, maxBytesPerRun: MB });
    budget.issue(1, 159);

    const error = budget.guard(1, MB + 1);

    expect(budgetStopOf(error)).toBe('message');
    expect(error?.message).toMatch(/^message 1 is larger than limits.maxBytesPerRun/);
  });

  it('lets the first message exceed the run budget when LIST announced it', () => {
    const budget = new FetchBudget({ maxMessageSize: 100 * MB, maxBytesPerRun: MB });
    budget.issue(1, 20 * MB);

    expect(budget.guard(1, 20 * MB)).toBeNull();
  });
});
