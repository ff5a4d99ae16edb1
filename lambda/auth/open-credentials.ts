import { type Clock, systemClock } from '../clock.js';
import type { MailboxConfig } from '../config/schema.js';
import { type Log, silentLog } from '../log.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { Credentials } from './credentials.js';
import { createOAuth2Client, type OAuth2AuthConfig, type OAuth2Client } from './oauth2-client.js';
import { createOAuth2TokenProvider } from './token-provider.js';

export interface OpenCredentialsDeps {
  readonly clock?: Clock;
  readonly log?: Log;
  /** @default the Microsoft identity platform client for the mailbox's auth config */
  readonly createClient?: (auth: OAuth2AuthConfig) => OAuth2Client;
}

/**
 * The mailbox's login. A password is read now (a missing secret fails before any connection);
 * OAuth2 reads its refresh token on the first getAccessToken, so nothing rotates unless used.
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
    tokens: createOAuth2TokenProvider({ auth, secrets, client, clock, log }),
  };
};
