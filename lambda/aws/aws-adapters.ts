import { SSMClient } from '@aws-sdk/client-ssm';
import { createAccessTokenCache } from '../auth/access-token-cache.js';
import { systemClock } from '../clock.js';
import type { Config, StoreConfig } from '../config/config-schema.js';
import { PopfwdError } from '../errors.js';
import { pop3Connector } from '../pop3/connector.js';
import { createEnvSecrets } from '../secrets/env-secrets.js';
import { createFileSecrets } from '../secrets/file-secrets.js';
import { routeSecrets } from '../secrets/route-secrets.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { createSsmSecrets } from '../secrets/ssm-secrets.js';
import { smtpMailers } from '../smtp/mailer-factory.js';
import type { BlobStore } from '../stores/blob-store.js';
import { createS3Client } from '../stores/s3/s3-client.js';
import { createS3Store } from '../stores/s3/s3-store.js';

import type { ContainerAdapters } from './create-handler.js';

/*
 * The Lambda's adapters, built here and nowhere else in the Lambda: once per container, at module
 * scope (handler.ts). The archive and secrets are imported statically. The CLI's openStore and
 * openSecretStore import the AWS SDK adapters on first use; in the one-file Lambda bundle, a
 * module reached by a dynamic import keeps every export of the SDK packages it imports (esbuild
 * cannot shake them), which put every SSM and S3 command into the bundle: ~180 KB for code the
 * Lambda never runs. nodemailer still loads on the first send (actions/mailer-factory.ts), so a
 * cold start with nothing to send does not pay for it.
 */

/** The S3 archive of a deployed config (the CDK app accepts no other store for the Lambda). */
export const openS3Archive = (store: StoreConfig): BlobStore => {
  if (!('s3' in store)) {
    throw new PopfwdError('ECONFIG', 'the Lambda archives to S3: the config needs store.s3');
  }
  const { bucket, prefix } = store.s3;
  return createS3Store({ client: createS3Client(store.s3), bucket, prefix });
};

/** Secrets for one invocation: the SSM adapter caches reads for its lifetime, so one per run. */
export const openInvocationSecrets = (ssmClient: SSMClient): SecretStore =>
  routeSecrets({
    env: createEnvSecrets(process.env),
    file: createFileSecrets(),
    ssm: async () => createSsmSecrets(ssmClient),
  });

/**
 * Everything the handler hands the engine: the S3 archive, SSM secrets (one store per
 * invocation, one SDK client per container), the access token cache, the clock, the POP3
 * connector and the SMTP mailers. Secrets are read from SSM in the function's own region.
 */
export const lambdaAdapters = (config: Config): ContainerAdapters => {
  const ssmClient = new SSMClient({});
  return {
    store: openS3Archive(config.store),
    openSecrets: () => openInvocationSecrets(ssmClient),
    accessTokens: createAccessTokenCache(),
    clock: systemClock,
    connectPop3: pop3Connector(config.mailbox),
    mailers: smtpMailers(config.mailbox),
  };
};
