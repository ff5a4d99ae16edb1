/**
 * Ordered work with a few items in flight: S3 answers a GET in tens of milliseconds, so reading
 * objects one after another spends most of the time waiting. `readAhead` starts up to
 * `concurrency` calls of `start` and hands out their results in the order of `items`, so output
 * stays in catalog order and memory stays bounded by what `concurrency` results hold.
 */
export interface ReadAheadOptions {
  readonly concurrency: number;
  readonly signal?: AbortSignal;
  /** Releases a result that was started but never handed out (a stream to close). */
  readonly discard?: (result: unknown) => void;
}

export async function* readAhead<T, R>(
  items: Iterable<T>,
  start: (item: T) => Promise<R>,
  options: ReadAheadOptions,
): AsyncGenerator<{ readonly item: T; readonly result: R }> {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const iterator = items[Symbol.iterator]();
  const inFlight: Array<{ item: T; result: Promise<R> }> = [];
  const fill = () => {
    while (inFlight.length < concurrency && !options.signal?.aborted) {
      const next = iterator.next();
      if (next.done) return;
      const result = start(next.value);
      // Observed now: a rejection waiting its turn in the queue must not be "unhandled".
      result.catch(() => {});
      inFlight.push({ item: next.value, result });
    }
  };
  try {
    fill();
    while (inFlight.length > 0) {
      const head = inFlight.shift() as { item: T; result: Promise<R> };
      const result = await head.result;
      fill();
      yield { item: head.item, result };
    }
  } finally {
    // Stopped early (an error, an abort, the consumer's break): nothing started is left unheard,
    // and what was read ahead (open streams) is released.
    const left = await Promise.allSettled(inFlight.map((entry) => entry.result));
    for (const settled of left) {
      if (settled.status === 'fulfilled') options.discard?.(settled.value);
    }
  }
}

/** Runs `work` on every item, `concurrency` at a time, in no particular order. */
export const forEachConcurrently = async <T>(
  items: Iterable<T>,
  work: (item: T) => Promise<void>,
  options: ReadAheadOptions,
): Promise<void> => {
  const iterator = items[Symbol.iterator]();
  let failing = false;
  const worker = async (): Promise<void> => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      if (options.signal?.aborted || failing) return;
      try {
        await work(next.value);
      } catch (error) {
        // The others stop at their next item: one failure ends the whole job.
        failing = true;
        throw error;
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.floor(options.concurrency)) }, worker);
  const results = await Promise.allSettled(workers);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
};
