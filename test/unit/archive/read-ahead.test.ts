import { describe, expect, it } from 'vitest';
import { forEachConcurrently, readAhead } from '../../../lambda/archive/read-ahead.js';

const deferred = () => {
  let resolve!: (value: number) => void;
  const promise = new Promise<number>((done) => {
    resolve = done;
  });
  return { promise, resolve };
};

describe('readAhead', () => {
  it('keeps the given order while later items finish first, with at most N in flight', async () => {
    // Prepare: results that arrive in reverse order
    const waits = [deferred(), deferred(), deferred(), deferred()];
    let inFlight = 0;
    let most = 0;
    const start = async (index: number) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      const value = await (waits[index] as ReturnType<typeof deferred>).promise;
      inFlight -= 1;
      return value;
    };

    // Act
    const results: number[] = [];
    const consume = (async () => {
      for await (const { result } of readAhead([0, 1, 2, 3], start, { concurrency: 2 })) {
        results.push(result);
      }
    })();
    for (const [index, wait] of [...waits.entries()].reverse()) wait.resolve(index * 10);
    await consume;

    // Assess
    expect(results).toEqual([0, 10, 20, 30]);
    expect(most).toBe(2);
  });

  it('releases everything it read ahead when the consumer stops early', async () => {
    // Prepare
    const discarded: number[] = [];

    // Act
    for await (const { result } of readAhead([1, 2, 3, 4], async (item) => item, {
      concurrency: 3,
      discard: (value) => discarded.push(value as number),
    })) {
      if (result === 1) break;
    }

    // Assess
    expect(discarded).toEqual([2, 3, 4]);
  });
});

describe('forEachConcurrently', () => {
  it('stops taking new items after one fails, and rethrows that failure', async () => {
    // Prepare
    const started: number[] = [];

    // Act
    const run = forEachConcurrently(
      [1, 2, 3, 4, 5, 6],
      async (item) => {
        started.push(item);
        if (item === 2) throw new Error('boom');
        await new Promise((done) => setTimeout(done, 5));
      },
      { concurrency: 2 },
    );

    // Assess
    await expect(run).rejects.toThrow('boom');
    expect(started.length).toBeLessThan(6);
  });
});
