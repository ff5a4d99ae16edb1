import { describe, expect, it } from 'vitest';
import { runDeadline } from '../../../lambda/aws/deadline.js';

describe('runDeadline', () => {
  it('ends the run a margin before the Lambda timeout', () => {
    // Act
    const deadline = runDeadline({
      now: 1_000_000,
      remainingMs: 300_000,
      marginMs: 15_000,
    });

    // Assess
    expect(deadline).toBe(1_000_000 + 285_000);
  });

  it('never lies in the past when less time remains than the margin', () => {
    // Act
    const deadline = runDeadline({
      now: 5_000,
      remainingMs: 3_000,
      marginMs: 15_000,
    });

    // Assess
    expect(deadline).toBe(5_000);
  });
});
