import type { SecretRef } from '../config/config-schema.js';
import { PopfwdError, type PopfwdErrorOptions } from '../errors.js';
import { describeSecretRef } from './secret-store.js';

export type EnvSecretRef = Extract<SecretRef, { env: string }>;
export type FileSecretRef = Extract<SecretRef, { file: string }>;
export type SsmSecretRef = Extract<SecretRef, { ssm: string }>;

/** One kind of secret reference; the store routes each reference to the adapter of its kind. */
export interface SecretAdapter<Ref extends SecretRef> {
  read(ref: Ref): Promise<string>;
  write(ref: Ref, value: string): Promise<void>;
}

/** ESECRET whose message names the reference: `cannot read ssm:/popfwd/x: <reason>`. */
export const secretError = (
  verb: 'read' | 'write',
  ref: SecretRef,
  reason: string,
  options: PopfwdErrorOptions = {},
): PopfwdError =>
  new PopfwdError('ESECRET', `cannot ${verb} ${describeSecretRef(ref)}: ${reason}`, {
    ...options,
    context: { secret: describeSecretRef(ref), ...options.context },
  });

/** An empty secret is always a mistake (an unset variable, a truncated file), never a password. */
export const requireValue = (ref: SecretRef, value: string, where: string): string => {
  if (value === '') throw secretError('read', ref, `${where} is empty`);
  return value;
};

export const refuseEmptyWrite = (ref: SecretRef, value: string): void => {
  if (value === '') throw secretError('write', ref, 'refusing to store an empty value');
};
