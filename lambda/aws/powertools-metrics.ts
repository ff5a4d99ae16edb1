import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, METRICS_SERVICE } from './metric-names.js';

/** Powertools Metrics (EMF on stdout) for one mailbox: namespace popfwd, dimensions service + mailbox. */
export const createRunMetrics = (mailbox: string): Metrics =>
  new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: METRICS_SERVICE,
    defaultDimensions: { mailbox },
  });
