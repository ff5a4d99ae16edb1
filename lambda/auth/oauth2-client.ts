import { type Clock, systemClock } from '../clock.js';
import type { AuthConfig } from '../config/config-schema.js';
import { PopfwdError } from '../errors.js';
import { type Log, silentLog } from '../log.js';
import { explainTokenError } from './token-errors.js';
import {
  abortableSleep,
  createTokenTransport,
  type FetchFn,
  type SleepFn,
  type TokenTransport,
  type TransportOptions,
} from './token-transport.js';

export type OAuth2AuthConfig = Extract<AuthConfig, { method: 'oauth2' }>;

/** A successful token reply. Holds secrets: never log it. */
export interface TokenSet {
  readonly accessToken: string;
  /** Seconds from the moment the request was sent. */
  readonly expiresIn: number;
  /** Microsoft rotates it on every use; absent when offline_access was not granted. */
  readonly refreshToken?: string;
  readonly scope?: string;
}

/** Tokens from a completed sign-in: always with a refresh token to store. */
export type SignInTokens = TokenSet & { readonly refreshToken: string };

/** What the user needs to sign in, plus the device code to poll with (a secret). */
export interface DeviceAuthorization {
  readonly deviceCode: string;
  readonly userCode: string;
  readonly verificationUri: string;
  /** Seconds the codes stay valid. */
  readonly expiresIn: number;
  /** Seconds to wait between polls. */
  readonly interval: number;
  /** Microsoft's own instructions, in the user's language. */
  readonly message: string;
}

export interface OAuth2Client {
  /** grant_type=refresh_token. Errors: EINVALIDGRANT (sign in again), EOAUTH, EABORTED. */
  refresh(refreshToken: string, options?: { readonly signal?: AbortSignal }): Promise<TokenSet>;
  /** Starts the device-code flow (RFC 8628) with the configured scopes. */
  startDeviceCode(options?: { readonly signal?: AbortSignal }): Promise<DeviceAuthorization>;
  /** Polls until the user signs in, declines, or the code expires; `signal` cancels (EABORTED). */
  pollDeviceCode(
    authorization: DeviceAuthorization,
    options?: { readonly signal?: AbortSignal },
  ): Promise<SignInTokens>;
}

export interface OAuth2ClientOptions
  extends Partial<Omit<TransportOptions, 'fetch' | 'sleep' | 'log'>> {
  readonly auth: Pick<OAuth2AuthConfig, 'clientId' | 'tenant' | 'authority' | 'scopes'>;
  /** @default globalThis.fetch */
  readonly fetch?: FetchFn;
  readonly sleep?: SleepFn;
  readonly clock?: Clock;
  readonly log?: Log;
}

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628 §3.5: after slow_down, poll 5 seconds less often from then on. */
const SLOW_DOWN_SECONDS = 5;
const DEFAULT_INTERVAL_SECONDS = 5;

const seconds = (value: unknown, fallback: number): number => {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number >= 0 ? number : fallback;
};

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

const malformed = (what: string) =>
  new PopfwdError('EOAUTH', `the token endpoint's reply has no ${what}`, { retryable: false });

const parseTokenSet = (body: Readonly<Record<string, unknown>>): TokenSet => {
  const accessToken = text(body.access_token);
  if (!accessToken) throw malformed('access_token');
  const refreshToken = text(body.refresh_token);
  const scope = text(body.scope);
  return {
    accessToken,
    expiresIn: seconds(body.expires_in, 3600),
    ...(refreshToken ? { refreshToken } : {}),
    ...(scope ? { scope } : {}),
  };
};

const parseDeviceAuthorization = (body: Readonly<Record<string, unknown>>): DeviceAuthorization => {
  const deviceCode = text(body.device_code);
  const userCode = text(body.user_code);
  const verificationUri = text(body.verification_uri) ?? text(body.verification_url);
  if (!deviceCode) throw malformed('device_code');
  if (!userCode) throw malformed('user_code');
  if (!verificationUri) throw malformed('verification_uri');
  return {
    deviceCode,
    userCode,
    verificationUri,
    expiresIn: seconds(body.expires_in, 900),
    interval: Math.max(1, seconds(body.interval, DEFAULT_INTERVAL_SECONDS)),
    message:
      text(body.message) ?? `To sign in, open ${verificationUri} and enter the code ${userCode}.`,
  };
};

export const tokenEndpointUrls = (auth: OAuth2ClientOptions['auth']) => {
  const base = `${auth.authority.replace(/\/+$/, '')}/${encodeURIComponent(auth.tenant)}/oauth2/v2.0`;
  return { token: `${base}/token`, deviceCode: `${base}/devicecode` };
};

/**
 * The Microsoft identity platform v2 as a public client: no client secret is ever sent (a secret
 * for a public client is an error, AADSTS700025, and a CLI or Lambda cannot keep one anyway).
 */
export const createOAuth2Client = (options: OAuth2ClientOptions): OAuth2Client => {
  const { auth } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? silentLog;
  const sleep = options.sleep ?? abortableSleep;
  const urls = tokenEndpointUrls(auth);
  const scope = auth.scopes.join(' ');
  const transport: TokenTransport = createTokenTransport({
    ...options,
    fetch: options.fetch ?? ((url, init) => fetch(url, init)),
    sleep,
    log,
  });

  const pollOnce = async (authorization: DeviceAuthorization, signal?: AbortSignal) =>
    transport.post(
      urls.token,
      {
        grant_type: DEVICE_CODE_GRANT,
        client_id: auth.clientId,
        device_code: authorization.deviceCode,
      },
      { secrets: [authorization.deviceCode], ...(signal ? { signal } : {}) },
    );

  return {
    async refresh(refreshToken, { signal } = {}) {
      const reply = await transport.post(
        urls.token,
        {
          grant_type: 'refresh_token',
          client_id: auth.clientId,
          refresh_token: refreshToken,
          scope,
        },
        { secrets: [refreshToken], ...(signal ? { signal } : {}) },
      );
      if (!reply.ok) throw explainTokenError(reply.error);
      return parseTokenSet(reply.body);
    },

    async startDeviceCode({ signal } = {}) {
      const reply = await transport.post(
        urls.deviceCode,
        { client_id: auth.clientId, scope },
        { secrets: [], ...(signal ? { signal } : {}) },
      );
      if (!reply.ok) throw explainTokenError(reply.error);
      return parseDeviceAuthorization(reply.body);
    },

    async pollDeviceCode(authorization, { signal } = {}) {
      const expiresAt = clock.now() + authorization.expiresIn * 1000;
      let interval = authorization.interval;
      for (;;) {
        try {
          await sleep(interval * 1000, signal);
        } catch (cause) {
          throw new PopfwdError('EABORTED', 'the sign-in was cancelled', { cause });
        }
        if (clock.now() >= expiresAt) {
          throw explainTokenError({
            status: 400,
            error: 'expired_token',
            description: '',
            aadsts: undefined,
          });
        }
        const reply = await pollOnce(authorization, signal);
        if (reply.ok) {
          const { refreshToken, ...tokens } = parseTokenSet(reply.body);
          if (!refreshToken) {
            throw new PopfwdError(
              'EOAUTH',
              'signed in, but Microsoft sent no refresh token: add offline_access to auth.scopes (and to the app registration)',
              { retryable: false },
            );
          }
          return { ...tokens, refreshToken };
        }
        log.debug('device code poll', { answer: reply.error.error, interval });
        if (reply.error.error === 'authorization_pending') continue;
        if (reply.error.error === 'slow_down') {
          interval += SLOW_DOWN_SECONDS;
          continue;
        }
        throw explainTokenError(reply.error);
      }
    },
  };
};
