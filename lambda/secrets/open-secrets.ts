import type { SSMClient } from '@aws-sdk/client-ssm';
import { createEnvSecrets } from './env-secrets.js';
import { createFileSecrets } from './file-secrets.js';
import { routeSecrets } from './route-secrets.js';
import type { SecretStore } from './secret-store.js';

export interface OpenSecretStoreOptions {
  /** Used for { ssm } references; created on first use, so local configs need no AWS setup. */
  readonly ssmClient?: SSMClient;
  /** For { env } references; defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * One store for every reference kind: { env }, { file } and { ssm }, for the CLI. The SSM adapter
 * and the SDK load on first use; the Lambda, which always uses them, imports them statically
 * (lambda/aws/aws-adapters.ts).
 */
export const openSecretStore = (options: OpenSecretStoreOptions = {}): SecretStore =>
  routeSecrets({
    env: createEnvSecrets(options.env ?? process.env),
    file: createFileSecrets(),
    ssm: async () => (await import('./ssm-secrets.js')).createSsmSecrets(options.ssmClient),
  });
