/** Time as a port, so retention, vacation windows and deadlines are testable. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export const fixedClock = (start: number): Clock & { advance(ms: number): void } => {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
  };
};
