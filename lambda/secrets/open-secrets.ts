import { SSMClient } from '@aws-sdk/client-ssm';
import type { SecretRef } from '../config/schema.js';
import { createEnvSecrets } from './env-secrets.js';
import { createFileSecrets } from './file-secrets.js';
import type { SecretStore } from './secret-store.js';
import { createSsmSecrets } from './ssm-secrets.js';

export interface OpenSecretStoreOptions {
  /** Used for { ssm } references; created on first use, so local configs need no AWS setup. */
  readonly ssmClient?: SSMClient;
  /** For { env } references; defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** One store for every reference kind: { env }, { file } and { ssm }. */
export const openSecretStore = (options: OpenSecretStoreOptions = {}): SecretStore => {
  let ssmClient = options.ssmClient;
  const env = createEnvSecrets(options.env ?? process.env);
  const file = createFileSecrets();
  const ssm = createSsmSecrets(() => {
    ssmClient ??= new SSMClient({});
    return ssmClient;
  });

  return {
    read: (ref: SecretRef) =>
      'env' in ref ? env.read(ref) : 'file' in ref ? file.read(ref) : ssm.read(ref),
    write: (ref: SecretRef, value: string) =>
      'env' in ref
        ? env.write(ref, value)
        : 'file' in ref
          ? file.write(ref, value)
          : ssm.write(ref, value),
  };
};
