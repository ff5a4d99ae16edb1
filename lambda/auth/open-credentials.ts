import { type Clock, systemClock } from '../clock.js';
import type { MailboxConfig } from '../config/config-schema.js';
import { type Log, silentLog } from '../log.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { type AccessTokenCache, grantKey } from './access-token-cache.js';
import type { Credentials } from './credentials.js';
import { createOAuth2Client, type OAuth2AuthConfig, type OAuth2Client } from './oauth2-client.js';
import { createOAuth2TokenProvider } from './token-provider.js';

export interface OpenCredentialsDeps {
  readonly clock?: Clock;
  readonly log?: Log;
  /** @default the Microsoft identity platform client for the mailbox's auth config */
  readonly createClient?: (auth: OAuth2AuthConfig) => OAuth2Client;
  /** The process's access token cache, for a token that outlives one run. */
  readonly accessTokens?: AccessTokenCache;
  /** Epoch ms the run ends by: a cached access token must last until then. */
  readonly deadline?: number;
  /** Aborts a token request still open when the run must stop waiting (its cutoff). */
  readonly signal?: AbortSignal;
}

/**
 * The mailbox's login. A password is read now (a missing secret fails before any connection);
 * OAuth2 reads its refresh token on the first getAccessToken, so nothing rotates unless used, and
 * not at all while the process holds an access token that lasts the run.
 */
export const openCredentials = async (
  mailbox: MailboxConfig,
  secrets: SecretStore,
  deps: OpenCredentialsDeps = {},
): Promise<Credentials> => {
  const { auth } = mailbox;
  const user = auth.user ?? mailbox.address;
  if (auth.method === 'password') {
    return { kind: 'password', user, password: await secrets.read(auth.password) };
  }
  const clock = deps.clock ?? systemClock;
  const log = (deps.log ?? silentLog).child({ mailbox: mailbox.address });
  const client = deps.createClient?.(auth) ?? createOAuth2Client({ auth, clock, log });
  return {
    kind: 'oauth2',
    user,
    tokens: createOAuth2TokenProvider({
      auth,
      secrets,
      client,
      clock,
      log,
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.accessTokens
        ? {
            shared: {
              cache: deps.accessTokens,
              grant: grantKey(auth, user),
              neededUntil: deps.deadline ?? clock.now(),
            },
          }
        : {}),
    }),
  };
};
