import type { SleepFn } from '../../lambda/auth/token-transport.js';

/** A sleep that returns at once, records each wait and advances an optional fake clock. */
export const recordingSleep = (clock?: { advance(ms: number): void }) => {
  const waits: number[] = [];
  const sleep: SleepFn = async (ms, signal) => {
    signal?.throwIfAborted();
    waits.push(ms);
    clock?.advance(ms);
  };
  return { waits, sleep };
};
