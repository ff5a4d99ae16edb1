import { describeSecretRef } from '../secrets/secret-store.js';
import type { AccessToken } from './credentials.js';
import type { OAuth2AuthConfig } from './oauth2-client.js';

/**
 * The OAuth2 access token kept across the runs of one process: a warm Lambda container, or
 * `popfwd watch`. A run that finds a token here that lasts until its deadline reads no secret,
 * calls no token endpoint and writes nothing back. Only the access token is kept, never the
 * refresh token or a password: those are read afresh by every run that needs them, so a secret
 * the owner replaced takes effect.
 */
export interface AccessTokenCache {
  get(grant: string): AccessToken | undefined;
  set(grant: string, token: AccessToken): void;
  delete(grant: string): void;
}

/** One grant at a time: a process serves one mailbox (watch re-reads an edited config). */
export const createAccessTokenCache = (): AccessTokenCache => {
  let entry: { readonly grant: string; readonly token: AccessToken } | undefined;
  return {
    get: (grant) => (entry?.grant === grant ? entry.token : undefined),
    set(grant, token) {
      entry = { grant, token };
    },
    delete(grant) {
      if (entry?.grant === grant) entry = undefined;
    },
  };
};

/** What a token is valid for: an edit of any of these in the config makes a cached token unfit. */
export const grantKey = (auth: OAuth2AuthConfig, user: string): string =>
  JSON.stringify([
    auth.authority,
    auth.tenant,
    auth.clientId,
    user,
    auth.scopes,
    describeSecretRef(auth.refreshToken),
  ]);
