import { runMailbox } from '../engine/run.js';
import { lambdaAdapters } from './aws-adapters.js';
import { createHandler } from './create-handler.js';
import { readEmbeddedConfig } from './embedded-config.js';
import { createLambdaLogger, powertoolsLog } from './powertools-log.js';
import { createRunMetrics } from './powertools-metrics.js';

/*
 * The Lambda entry point (infra/mail-forwarder.ts bundles it). Module scope runs once per
 * container, so warm invocations reuse the validated config, the adapters (SDK clients, their
 * connections, the access token cache) and the logger. An invalid config throws here: the init
 * fails and the Errors alarm fires before any mailbox is touched. The S3 client is built from the
 * config's store (region and checksum settings live there).
 */
const { config } = readEmbeddedConfig();
const logger = createLambdaLogger(config.mailbox.address);

export const handler = createHandler({
  config,
  ...lambdaAdapters(config),
  run: runMailbox,
  metrics: createRunMetrics(config.mailbox.address),
  logFor: (context) => {
    logger.addContext(context);
    return powertoolsLog(logger);
  },
});
