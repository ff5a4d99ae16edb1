import type { SSMClient } from '@aws-sdk/client-ssm';
import type { StoreConfig } from '../config/config-schema.js';
import { PopfwdError } from '../errors.js';
import { createEnvSecrets } from '../secrets/env-secrets.js';
import { createFileSecrets } from '../secrets/file-secrets.js';
import { routeSecrets } from '../secrets/route-secrets.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { createSsmSecrets } from '../secrets/ssm-secrets.js';
import type { BlobStore } from '../stores/blob-store.js';
import { createS3Client } from '../stores/s3-client.js';
import { createS3Store } from '../stores/s3-store.js';

/*
 * The Lambda's archive and secrets, imported statically. The CLI's openStore and openSecretStore
 * import the AWS SDK adapters on first use; in the one-file Lambda bundle, a module reached by a
 * dynamic import keeps every export of the SDK packages it imports (esbuild cannot shake them),
 * which put every SSM and S3 command into the bundle: ~180 KB for code the Lambda never runs.
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
