import type { Credentials } from '../auth/credentials.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { Redactor } from './redactor.js';

/**
 * Teaches a redactor every secret a run gets hold of, as it gets hold of it: values read from or
 * written to the secret store (a password, a refresh token and its rotations), and each access
 * token the provider hands out (with the XOAUTH2 payload that carries it).
 */
export const learningSecretStore = (store: SecretStore, redactor: Redactor): SecretStore => ({
  async read(ref) {
    const value = await store.read(ref);
    redactor.add(value);
    return value;
  },
  async write(ref, value) {
    redactor.add(value);
    await store.write(ref, value);
  },
});

export const learningCredentials = (credentials: Credentials, redactor: Redactor): Credentials => {
  if (credentials.kind === 'password') {
    redactor.addPassword(credentials.user, credentials.password);
    return credentials;
  }
  const { user, tokens } = credentials;
  return {
    kind: 'oauth2',
    user,
    tokens: {
      async getAccessToken(options) {
        const token = await tokens.getAccessToken(options);
        redactor.addAccessToken(user, token.token);
        return token;
      },
    },
  };
};
