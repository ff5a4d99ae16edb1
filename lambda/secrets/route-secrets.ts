import type { SecretRef } from '../config/config-schema.js';
import type { EnvSecretRef, FileSecretRef, SecretAdapter, SsmSecretRef } from './secret-adapter.js';
import type { SecretStore } from './secret-store.js';

export interface SecretAdapters {
  readonly env: SecretAdapter<EnvSecretRef>;
  readonly file: SecretAdapter<FileSecretRef>;
  /** Asked for on the first { ssm } reference only, so that only SSM users load the AWS SDK. */
  readonly ssm: () => Promise<SecretAdapter<SsmSecretRef>>;
}

/** One store for every reference kind, each reference handed to the adapter of its kind. */
export const routeSecrets = (adapters: SecretAdapters): SecretStore => {
  let ssm: Promise<SecretAdapter<SsmSecretRef>> | undefined;
  const ssmAdapter = () => {
    ssm ??= adapters.ssm();
    return ssm;
  };
  return {
    read: async (ref: SecretRef) =>
      'env' in ref
        ? adapters.env.read(ref)
        : 'file' in ref
          ? adapters.file.read(ref)
          : (await ssmAdapter()).read(ref),
    write: async (ref: SecretRef, value: string) =>
      'env' in ref
        ? adapters.env.write(ref, value)
        : 'file' in ref
          ? adapters.file.write(ref, value)
          : (await ssmAdapter()).write(ref, value),
  };
};
