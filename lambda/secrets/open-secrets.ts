import type { SSMClient } from '@aws-sdk/client-ssm';
import type { SecretRef } from '../config/schema.js';
import { createEnvSecrets } from './env-secrets.js';
import { createFileSecrets } from './file-secrets.js';
import type { SecretAdapter, SsmSecretRef } from './secret-adapter.js';
import type { SecretStore } from './secret-store.js';

export interface OpenSecretStoreOptions {
  /** Used for { ssm } references; created on first use, so local configs need no AWS setup. */
  readonly ssmClient?: SSMClient;
  /** For { env } references; defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** One store for every reference kind: { env }, { file } and { ssm } (the SDK loads on first use). */
export const openSecretStore = (options: OpenSecretStoreOptions = {}): SecretStore => {
  const env = createEnvSecrets(options.env ?? process.env);
  const file = createFileSecrets();
  let ssm: Promise<SecretAdapter<SsmSecretRef>> | undefined;
  const ssmSecrets = () => {
    ssm ??= Promise.all([import('@aws-sdk/client-ssm'), import('./ssm-secrets.js')]).then(
      ([{ SSMClient }, { createSsmSecrets }]) => {
        let client = options.ssmClient;
        return createSsmSecrets(() => {
          client ??= new SSMClient({});
          return client;
        });
      },
    );
    return ssm;
  };

  return {
    read: async (ref: SecretRef) =>
      'env' in ref
        ? env.read(ref)
        : 'file' in ref
          ? file.read(ref)
          : (await ssmSecrets()).read(ref),
    write: async (ref: SecretRef, value: string) =>
      'env' in ref
        ? env.write(ref, value)
        : 'file' in ref
          ? file.write(ref, value)
          : (await ssmSecrets()).write(ref, value),
  };
};
