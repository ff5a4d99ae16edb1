import type { Clock } from '../clock.js';
import { errorMessage, isPopfwdError, PopfwdError } from '../errors.js';
import type { Log } from '../log.js';
import { describeSecretRef, type SecretStore } from '../secrets/secret-store.js';
import type { AccessTokenCache } from './access-token-cache.js';
import type { AccessToken, AccessTokenProvider } from './credentials.js';
import type { OAuth2AuthConfig, OAuth2Client } from './oauth2-client.js';

export interface OAuth2TokenProviderOptions {
  readonly auth: Pick<OAuth2AuthConfig, 'refreshToken'>;
  readonly secrets: SecretStore;
  readonly client: Pick<OAuth2Client, 'refresh'>;
  readonly clock: Clock;
  readonly log: Log;
  /** Aborts a refresh still open (EABORTED): the run's cutoff. */
  readonly signal?: AbortSignal;
  /** A cached access token is refreshed this long before it expires. @default 120_000 */
  readonly expiryMarginMs?: number;
  /**
   * The process's access token cache (warm Lambda container, `popfwd watch`): a token found there
   * under `grant` is used when it lasts until `neededUntil` (the run's deadline); a new one is put
   * there once its rotated refresh token is stored.
   */
  readonly shared?: {
    readonly cache: AccessTokenCache;
    readonly grant: string;
    readonly neededUntil: number;
  };
}

/**
 * Access tokens for one run. The first use takes the process's cached token if it lasts the run;
 * otherwise it reads the refresh token, refreshes once and stores the rotated refresh token back
 * to the same reference before the access token is handed out. The access token is then reused
 * until shortly before it expires; `renew` (the server rejected it) always refreshes from the
 * stored refresh token. Concurrent callers share one refresh, so rotation has a single writer
 * within the process.
 */
export const createOAuth2TokenProvider = (
  options: OAuth2TokenProviderOptions,
): AccessTokenProvider => {
  const { auth, secrets, client, clock, log, shared } = options;
  const marginMs = options.expiryMarginMs ?? 120_000;
  const where = describeSecretRef(auth.refreshToken);
  let refreshToken: string | undefined;
  let cached: AccessToken | undefined;
  let inFlight: Promise<AccessToken> | undefined;

  const refresh = async (): Promise<AccessToken> => {
    refreshToken ??= await secrets.read(auth.refreshToken);
    const startedAt = clock.now();
    const tokens = await client.refresh(
      refreshToken,
      options.signal ? { signal: options.signal } : {},
    );
    const next = tokens.refreshToken;
    const rotated = next !== undefined && next !== refreshToken;
    if (rotated) {
      // Kept in memory first: if storing fails, a retry in this process starts from the newest.
      refreshToken = next;
      // The access token is withheld until the rotated refresh token is stored. Microsoft leaves
      // used refresh tokens valid, so stopping here loses nothing: the next run refreshes with the
      // stored one. Going on would hide a broken write path (no ssm:PutParameter, a read-only
      // file) while the stored token ages until it dies of its 90-day lifetime, long after anyone
      // could connect the two. And were used tokens ever revoked, the unsaved token would be the
      // only one left: better to stop before deleting or sending anything than to strand the run.
      try {
        await secrets.write(auth.refreshToken, next);
      } catch (cause) {
        throw new PopfwdError(
          'ESECRET',
          `the rotated refresh token could not be saved to ${where}, so the new access token is not used: ${errorMessage(cause)}`,
          {
            cause,
            retryable: isPopfwdError(cause) && cause.retryable,
            context: { secret: where },
          },
        );
      }
    }
    log.info('OAuth2 access token refreshed', {
      secret: where,
      expiresInSeconds: tokens.expiresIn,
      refreshTokenRotated: rotated,
    });
    cached = { token: tokens.accessToken, expiresAt: startedAt + tokens.expiresIn * 1000 };
    shared?.cache.set(shared.grant, cached);
    return cached;
  };

  /** The token an earlier run of this process left, if it lasts until this run's deadline. */
  const fromEarlierRun = (): AccessToken | undefined => {
    const token = shared?.cache.get(shared.grant);
    if (!shared || !token) return undefined;
    if (token.expiresAt - marginMs <= Math.max(clock.now(), shared.neededUntil)) return undefined;
    log.debug('OAuth2 access token of an earlier run reused', {
      expiresInSeconds: Math.round((token.expiresAt - clock.now()) / 1000),
    });
    return token;
  };

  return {
    getAccessToken({ renew = false } = {}) {
      if (inFlight) return inFlight;
      if (!renew && cached && cached.expiresAt - marginMs > clock.now()) {
        return Promise.resolve(cached);
      }
      const earlier = renew || cached ? undefined : fromEarlierRun();
      if (earlier) {
        cached = earlier;
        return Promise.resolve(earlier);
      }
      cached = undefined;
      shared?.cache.delete(shared.grant);
      inFlight = refresh().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
};
