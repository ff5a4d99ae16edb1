import type { RunSummary } from '../engine/summary.js';
import { type ErrorCode, hasCode } from '../errors.js';
import { RUN_METRICS, type RunMetricName } from './metric-names.js';

/** How one run ended: a summary, or the run-level error that stopped it. */
export type RunOutcome =
  | { readonly ok: true; readonly summary: RunSummary }
  | { readonly ok: false; readonly error: unknown; readonly durationMs: number };

export interface RunMetric {
  readonly name: RunMetricName;
  readonly unit: 'Count' | 'Milliseconds';
  readonly value: number;
}

/** The subset of Powertools Metrics the handler uses; a fake in tests. */
export interface MetricsSink {
  addMetric(name: string, unit: RunMetric['unit'], value: number): void;
  publishStoredMetrics(): void;
}

/** Login failures a person must look at; Outlook refuses a login without response codes (ELOGIN). */
const AUTH_CODES: readonly ErrorCode[] = ['EAUTH', 'ELOGIN', 'EINVALIDGRANT'];

const count = (name: RunMetricName, value: number): RunMetric => ({ name, unit: 'Count', value });

/**
 * The metrics for one run. `runSucceeded` and `runDurationMs` go out on every run: the "no
 * successful run" alarm and the duration graph need a point per run. Counters go out only when not
 * zero: CloudWatch bills a custom metric for each hour it receives data, the counter alarms treat
 * missing data as zero, and the dashboard draws a missing point as zero. After a run-level failure
 * only what is known is emitted: the counters of a run that did not finish would be guesses.
 */
export const runMetrics = (outcome: RunOutcome): RunMetric[] => {
  const duration = (value: number): RunMetric => ({
    name: RUN_METRICS.runDuration,
    unit: 'Milliseconds',
    value,
  });
  if (!outcome.ok) {
    return [
      count(RUN_METRICS.runSucceeded, 0),
      ...nonZero([count(RUN_METRICS.authFailures, hasCode(outcome.error, ...AUTH_CODES) ? 1 : 0)]),
      duration(outcome.durationMs),
    ];
  }
  const { summary } = outcome;
  const authAlert = summary.alerts.some((alert) => AUTH_CODES.includes(alert.code));
  return [
    // A busy mailbox is not an error, but it is not progress either: if it stays busy for hours
    // the "no successful run" alarm should say so.
    count(RUN_METRICS.runSucceeded, summary.busy === null ? 1 : 0),
    ...nonZero([
      count(RUN_METRICS.fetched, summary.fetched),
      count(RUN_METRICS.archived, summary.archived),
      count(RUN_METRICS.forwarded, summary.forwarded),
      count(RUN_METRICS.replied, summary.replied),
      count(RUN_METRICS.failed, summary.failed),
      count(RUN_METRICS.alerts, summary.alerts.length),
      count(RUN_METRICS.authFailures, authAlert ? 1 : 0),
    ]),
    duration(summary.durationMs),
  ];
};

const nonZero = (counters: readonly RunMetric[]): RunMetric[] =>
  counters.filter((counter) => counter.value !== 0);

export const publishRunMetrics = (sink: MetricsSink, metrics: readonly RunMetric[]): void => {
  for (const metric of metrics) sink.addMetric(metric.name, metric.unit, metric.value);
  sink.publishStoredMetrics();
};
