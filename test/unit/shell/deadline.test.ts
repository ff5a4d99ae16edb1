import { describe, expect, it } from 'vitest';
import { runDeadline } from '../../../lambda/shell/deadline.js';

describe('runDeadline', () => {
  it('ends the run a margin before the Lambda timeout', () => {
    // Act
    const deadline = runDeadline({
      now: 1_000_000,
      remainingMs: 300_000,
      marginMs: 15_000,
      runTimeoutMs: 600_000,
    });

    // Assess
    expect(deadline).toBe(1_000_000 + 285_000);
  });

  it('keeps to the config runTimeout when the Lambda timeout is longer', () => {
    // Act
    const deadline = runDeadline({
      now: 0,
      remainingMs: 900_000,
      marginMs: 15_000,
      runTimeoutMs: 120_000,
    });

    // Assess
    expect(deadline).toBe(120_000);
  });

  it('never lies in the past when less time remains than the margin', () => {
    // Act
    const deadline = runDeadline({
      now: 5_000,
      remainingMs: 3_000,
      marginMs: 15_000,
      runTimeoutMs: 60_000,
    });

    // Assess
    expect(deadline).toBe(5_000);
  });
});
