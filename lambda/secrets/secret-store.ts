import type { SecretRef } from '../config/config-schema.js';

/**
 * Resolves secret references ({ env }, { file }, { ssm }) and writes rotated values back.
 * Errors name the reference, never the value.
 */
export interface SecretStore {
  read(ref: SecretRef): Promise<string>;
  /** Replaces the secret; env references are read-only and reject with ESECRET. */
  write(ref: SecretRef, value: string): Promise<void>;
}

/** "env:POPFWD_PASSWORD", "file:/path", "ssm:/popfwd/alice/refresh-token": for messages. */
export const describeSecretRef = (ref: SecretRef): string =>
  'env' in ref ? `env:${ref.env}` : 'file' in ref ? `file:${ref.file}` : `ssm:${ref.ssm}`;
