/**
 * CloudWatch names shared by the Lambda, which emits the metrics, and the CDK app, which alarms on
 * them and graphs them. An alarm matches a metric only when namespace, name and every dimension
 * agree, so both sides take them from here.
 */
export const METRICS_NAMESPACE = 'popfwd';

/** Powertools always adds a `service` dimension; we pin its value instead of inheriting a default. */
export const METRICS_SERVICE = 'popfwd';

export const RUN_METRICS = {
  fetched: 'fetched',
  archived: 'archived',
  forwarded: 'forwarded',
  replied: 'replied',
  failed: 'failed',
  /** 1 when the server rejected the credentials or the refresh token: a human must sign in again. */
  authFailures: 'authFailures',
  /** Failures that need attention but did not stop the run (e.g. the account may not send). */
  alerts: 'alerts',
  runDuration: 'runDurationMs',
  /** 1 for a run that completed and held the mailbox; the "no successful run" alarm watches it. */
  runSucceeded: 'runSucceeded',
} as const;

export type RunMetricName = (typeof RUN_METRICS)[keyof typeof RUN_METRICS];

/** The exact dimensions every popfwd metric carries. */
export const metricDimensions = (mailbox: string): Readonly<Record<string, string>> => ({
  service: METRICS_SERVICE,
  mailbox,
});
