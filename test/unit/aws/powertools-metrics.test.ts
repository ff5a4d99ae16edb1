import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { metricDimensions } from '../../../lambda/aws/metric-names.js';
import { createRunMetrics } from '../../../lambda/aws/powertools-metrics.js';
import { publishRunMetrics, runMetrics } from '../../../lambda/aws/run-metrics.js';
import { runSummary } from '../../helpers/aws/run-summary.js';
import { captureStdoutJson } from '../../helpers/aws/stdout.js';

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
