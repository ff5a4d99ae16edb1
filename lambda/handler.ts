import { SSMClient } from '@aws-sdk/client-ssm';
import { createAccessTokenCache } from './auth/access-token-cache.js';
import { readEmbeddedConfig } from './deploy/embedded-config.js';
import { runMailbox } from './engine/run.js';
import { createLambdaLogger, powertoolsLog } from './observability/powertools-log.js';
import { createRunMetrics } from './observability/powertools-metrics.js';
import { openInvocationSecrets, openS3Archive } from './shell/aws-adapters.js';
import { createHandler } from './shell/create-handler.js';

/*
 * The Lambda entry point (infra/mail-forwarder.ts bundles it). Module scope runs once per
 * container, so warm invocations reuse the validated config, the SDK clients and their connections.
 * An invalid config throws here: the init fails and the Errors alarm fires before any mailbox is
 * touched. The S3 client is built from the config's store (region and checksum settings live
 * there); secrets are read from SSM in the function's own region.
 */
const { config } = readEmbeddedConfig();
const logger = createLambdaLogger(config.mailbox.address);
const ssmClient = new SSMClient({});

export const handler = createHandler({
  config,
  store: openS3Archive(config.store),
  openSecrets: () => openInvocationSecrets(ssmClient),
  accessTokens: createAccessTokenCache(),
  run: runMailbox,
  metrics: createRunMetrics(config.mailbox.address),
  logFor: (context) => {
    logger.addContext(context);
    return powertoolsLog(logger);
  },
});
