import { describe, expect, it } from 'vitest';
import { publishRunMetrics, runMetrics } from '../../../lambda/aws/run-metrics.js';
import { PopfwdError } from '../../../lambda/errors.js';
import { runSummary } from '../../helpers/aws/run-summary.js';

const metricValue = (metrics: ReturnType<typeof runMetrics>, name: string) =>
  metrics.find((metric) => metric.name === name)?.value;

describe('runMetrics', () => {
  it('counts a completed run as a success with its message counts and duration', () => {
    // Prepare
    const summary = runSummary({
      fetched: 5,
      archived: 4,
      forwarded: 2,
      replied: 1,
      failed: 1,
      durationMs: 3_456,
    });

    // Act
    const metrics = runMetrics({ ok: true, summary });

    // Assess
    expect(metrics).toEqual([
      { name: 'runSucceeded', unit: 'Count', value: 1 },
      { name: 'fetched', unit: 'Count', value: 5 },
      { name: 'archived', unit: 'Count', value: 4 },
      { name: 'forwarded', unit: 'Count', value: 2 },
      { name: 'replied', unit: 'Count', value: 1 },
      { name: 'failed', unit: 'Count', value: 1 },
      { name: 'runDurationMs', unit: 'Milliseconds', value: 3_456 },
    ]);
  });

  it('emits only the success and the duration for an empty poll: zero counters cost money, not information', () => {
    // Act
    const metrics = runMetrics({ ok: true, summary: runSummary({ durationMs: 640 }) });

    // Assess
    expect(metrics).toEqual([
      { name: 'runSucceeded', unit: 'Count', value: 1 },
      { name: 'runDurationMs', unit: 'Milliseconds', value: 640 },
    ]);
  });

  it('does not count a busy mailbox as a successful run', () => {
    // Act
    const metrics = runMetrics({
      ok: true,
      summary: runSummary({ busy: 'another client holds the maildrop lock' }),
    });

    // Assess
    expect(metricValue(metrics, 'runSucceeded')).toBe(0);
  });

  it.each(['EAUTH', 'ELOGIN', 'EINVALIDGRANT'] as const)(
    'reports an auth failure when the run failed with %s',
    (code) => {
      // Act
      const metrics = runMetrics({
        ok: false,
        error: new PopfwdError(code, 'rejected'),
        durationMs: 800,
      });

      // Assess
      expect(metrics).toEqual([
        { name: 'runSucceeded', unit: 'Count', value: 0 },
        { name: 'authFailures', unit: 'Count', value: 1 },
        { name: 'runDurationMs', unit: 'Milliseconds', value: 800 },
      ]);
    },
  );

  it('reports no auth failure for a run that failed otherwise', () => {
    // Act
    const metrics = runMetrics({
      ok: false,
      error: new PopfwdError('ECONNECTION', 'reset'),
      durationMs: 10,
    });

    // Assess
    expect(metrics.map((metric) => metric.name)).toEqual(['runSucceeded', 'runDurationMs']);
  });

  it('reports an auth failure raised as an alert of a completed run (SMTP login rejected)', () => {
    // Act
    const metrics = runMetrics({
      ok: true,
      summary: runSummary({ alerts: [{ code: 'EAUTH', message: 'SMTP rejected the login' }] }),
    });

    // Assess
    expect(metricValue(metrics, 'authFailures')).toBe(1);
    expect(metricValue(metrics, 'alerts')).toBe(1);
    expect(metricValue(metrics, 'runSucceeded')).toBe(1);
  });
});

describe('publishRunMetrics', () => {
  it('adds every metric, then publishes once', () => {
    // Prepare
    const calls: string[] = [];
    const sink = {
      addMetric: (name: string, unit: string, value: number) =>
        calls.push(`${name}=${value}${unit}`),
      publishStoredMetrics: () => calls.push('publish'),
    };

    // Act
    publishRunMetrics(sink, [
      { name: 'runSucceeded', unit: 'Count', value: 1 },
      { name: 'runDurationMs', unit: 'Milliseconds', value: 5 },
    ]);

    // Assess
    expect(calls).toEqual(['runSucceeded=1Count', 'runDurationMs=5Milliseconds', 'publish']);
  });
});
