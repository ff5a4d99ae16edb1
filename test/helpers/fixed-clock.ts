import type { Clock } from '../../lambda/clock.js';

/** A clock that moves only when told: deadlines, retention and vacation windows in tests. */
export const fixedClock = (start: number): Clock & { advance(ms: number): void } => {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
  };
};
