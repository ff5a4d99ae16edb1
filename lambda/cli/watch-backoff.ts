/** The longest wait between two polls after failures, unless --every is longer still. */
export const BACKOFF_CAP_MS = 60 * 60_000;

/**
 * The wait before the next poll of `popfwd watch`: `every` after a poll that worked; after the
 * n-th temporary failure in a row, every·2^(n−1), at most an hour (or `every`, when longer). A
 * server that is down is then not asked every few minutes, and a good poll resets the pace.
 */
export const nextPollDelay = (everyMs: number, failuresInARow: number): number => {
  if (failuresInARow <= 0) return everyMs;
  const cap = Math.max(everyMs, BACKOFF_CAP_MS);
  return Math.min(cap, everyMs * 2 ** Math.min(failuresInARow - 1, 30));
};
