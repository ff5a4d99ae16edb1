import type { SecretRef } from '../../../lambda/config/config-schema.js';
import { PopfwdError } from '../../../lambda/errors.js';
import { describeSecretRef, type SecretStore } from '../../../lambda/secrets/secret-store.js';

/** A SecretStore over a Map keyed by describeSecretRef, recording every read and write. */
export const memorySecrets = (initial: Readonly<Record<string, string>> = {}) => {
  const values = new Map(Object.entries(initial));
  const events: { op: 'read' | 'write'; ref: string; value: string }[] = [];
  const store: SecretStore = {
    async read(ref: SecretRef) {
      const key = describeSecretRef(ref);
      const value = values.get(key);
      if (value === undefined) throw new PopfwdError('ESECRET', `cannot read ${key}: not set`);
      events.push({ op: 'read', ref: key, value });
      return value;
    },
    async write(ref: SecretRef, value: string) {
      const key = describeSecretRef(ref);
      events.push({ op: 'write', ref: key, value });
      values.set(key, value);
    },
  };
  return { store, values, events };
};
