/** Summaries of repeated measurements: median and spread, never a mean that one outlier skews. */

export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export const summarize = (values: readonly number[]): Summary => {
  if (values.length === 0) throw new Error('nothing to summarize');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return {
    n: sorted.length,
    median,
    min: sorted[0] as number,
    max: sorted.at(-1) as number,
  };
};

/** "1.23 s (1.10–1.50)" for milliseconds. */
export const formatSeconds = (summary: Summary): string =>
  `${(summary.median / 1000).toFixed(2)} s (${(summary.min / 1000).toFixed(2)}–${(summary.max / 1000).toFixed(2)})`;

/** Peak RSS in MB (KiB in): the median run and the worst run. */
export const formatRss = (summary: Summary): string =>
  `${(summary.median / 1024).toFixed(0)} MB (max ${(summary.max / 1024).toFixed(0)})`;

export const formatRate = (bytes: number, ms: number): string =>
  `${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s`;

export const formatRatio = (value: number): string =>
  value >= 10 ? `${value.toFixed(0)}×` : `${value.toFixed(2)}×`;
