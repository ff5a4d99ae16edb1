import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { metricDimensions } from '../../../lambda/observability/metric-names.js';
import { createRunMetrics } from '../../../lambda/observability/powertools-metrics.js';
import { publishRunMetrics, runMetrics } from '../../../lambda/observability/run-metrics.js';
import { runSummary } from '../../helpers/run-summary.js';
import { captureStdoutJson } from '../../helpers/stdout.js';

describe('createRunMetrics', () => {
  let stdout: ReturnType<typeof captureStdoutJson>;

  beforeEach(() => {
    vi.stubEnv('POWERTOOLS_DEV', 'false');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    stdout = captureStdoutJson();
  });

  afterEach(() => {
    stdout.restore();
    vi.unstubAllEnvs();
  });

  it('writes one EMF record in namespace popfwd with exactly the dimensions the alarms use', () => {
    // Prepare
    const metrics = createRunMetrics('alice@example.com');

    // Act
    publishRunMetrics(metrics, runMetrics({ ok: true, summary: runSummary({ fetched: 3 }) }));

    // Assess
    const [record, ...others] = stdout.lines();
    expect(others).toEqual([]);
    expect(record).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'popfwd',
            Dimensions: [['service', 'mailbox']],
            Metrics: expect.arrayContaining([
              { Name: 'runSucceeded', Unit: 'Count' },
              { Name: 'runDurationMs', Unit: 'Milliseconds' },
            ]),
          },
        ],
      },
      ...metricDimensions('alice@example.com'),
      runSucceeded: 1,
      fetched: 3,
    });
  });
});
