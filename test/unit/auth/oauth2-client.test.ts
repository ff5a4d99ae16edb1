import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createOAuth2Client,
  type OAuth2ClientOptions,
  tokenEndpointUrls,
} from '../../../lambda/auth/oauth2-client.js';
import type { FetchFn } from '../../../lambda/auth/token-transport.js';
import { OUTLOOK_SCOPES } from '../../../lambda/config/config-schema.js';
import type { PopfwdError } from '../../../lambda/errors.js';
import { recordingSleep } from '../../helpers/fake-sleep.js';
import { fixedClock } from '../../helpers/fixed-clock.js';
import {
  aadError,
  startTokenEndpoint,
  type TokenEndpoint,
} from '../../helpers/oauth2/token-endpoint.js';

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as PopfwdError,
  );

describe('createOAuth2Client', () => {
  let endpoint: TokenEndpoint;

  beforeEach(async () => {
    endpoint = await startTokenEndpoint();
  });
  afterEach(async () => {
    await endpoint.close();
  });

  const auth = (overrides: Partial<OAuth2ClientOptions['auth']> = {}) => ({
    clientId: endpoint.clientId,
    tenant: endpoint.tenant,
    authority: endpoint.authority,
    scopes: [...OUTLOOK_SCOPES],
    ...overrides,
  });

  const client = (options: Partial<OAuth2ClientOptions> = {}) => {
    const clock = fixedClock(Date.parse('2026-11-26T10:00:00Z'));
    const { waits, sleep } = recordingSleep(clock);
    return {
      waits,
      clock,
      client: createOAuth2Client({ auth: auth(), sleep, clock, ...options }),
    };
  };

  describe('tokenEndpointUrls', () => {
    it('builds the v2 endpoints from authority and tenant', () => {
      const urls = tokenEndpointUrls({
        ...auth(),
        authority: 'https://login.microsoftonline.com/',
        tenant: 'consumers',
      });

      expect(urls).toEqual({
        token: 'https://login.microsoftonline.com/consumers/oauth2/v2.0/token',
        deviceCode: 'https://login.microsoftonline.com/consumers/oauth2/v2.0/devicecode',
      });
    });
  });

  describe('refresh', () => {
    it('sends a public-client refresh_token grant with the configured scopes', async () => {
      // Prepare
      const refreshToken = endpoint.issueRefreshToken();

      // Act
      const tokens = await client().client.refresh(refreshToken);

      // Assess
      expect(endpoint.requests).toHaveLength(1);
      expect(endpoint.requests[0]?.path).toBe('/consumers/oauth2/v2.0/token');
      expect(endpoint.requests[0]?.headers['content-type']).toBe(
        'application/x-www-form-urlencoded',
      );
      expect(endpoint.requests[0]?.form).toEqual({
        grant_type: 'refresh_token',
        client_id: endpoint.clientId,
        refresh_token: refreshToken,
        scope: OUTLOOK_SCOPES.join(' '),
      });
      expect(tokens.accessToken).toBe(endpoint.accessTokens[0]);
      expect(tokens.expiresIn).toBe(3599);
      expect(tokens.refreshToken).not.toBe(refreshToken);
      expect(endpoint.isRefreshTokenValid(tokens.refreshToken ?? '')).toBe(true);
    });

    it('maps a revoked refresh token to EINVALIDGRANT that says to sign in again', async () => {
      const refreshToken = endpoint.issueRefreshToken();
      endpoint.revokeRefreshTokens();

      const error = await rejection(client().client.refresh(refreshToken));

      expect(error.code).toBe('EINVALIDGRANT');
      expect(error.message).toContain('popfwd auth login --config FILE');
      expect(error.message).not.toContain(refreshToken);
    });

    it('explains an app registration without public client flows (AADSTS7000218)', async () => {
      await endpoint.close();
      endpoint = await startTokenEndpoint({ publicClientFlows: false });

      const error = await rejection(client().client.refresh(endpoint.issueRefreshToken()));

      expect(error.code).toBe('EOAUTH');
      expect(error.message).toContain('Allow public client flows');
    });

    it('explains a wrong client ID and a wrong tenant', async () => {
      const token = endpoint.issueRefreshToken();

      const wrongClient = await rejection(
        createOAuth2Client({ auth: auth({ clientId: 'aaaaaaaa-0000' }) }).refresh(token),
      );
      const wrongTenant = await rejection(
        createOAuth2Client({ auth: auth({ tenant: 'common' }) }).refresh(token),
      );

      expect(wrongClient.message).toContain('AADSTS700016');
      expect(wrongTenant.message).toContain('AADSTS90002');
    });

    it('retries 5xx with exponential backoff and then succeeds', async () => {
      endpoint.failNext({ status: 500 }, { status: 503 });
      const { client: oauth, waits } = client();

      const tokens = await oauth.refresh(endpoint.issueRefreshToken());

      expect(tokens.accessToken).toBeTruthy();
      expect(waits).toEqual([1000, 2000]);
      expect(endpoint.requests).toHaveLength(3);
    });

    it('honours Retry-After on 429, capped', async () => {
      endpoint.failNext(
        { status: 429, headers: { 'retry-after': '7' } },
        { status: 429, headers: { 'retry-after': '3600' } },
      );
      const { client: oauth, waits } = client();

      await oauth.refresh(endpoint.issueRefreshToken());

      expect(waits).toEqual([7000, 30_000]);
    });

    it('gives up after the last attempt with a retryable EOAUTH', async () => {
      endpoint.failNext(
        aadError(503, 'temporarily_unavailable', 90033, 'Transient error.'),
        { status: 503 },
        { status: 503 },
      );
      const refreshToken = endpoint.issueRefreshToken();

      const error = await rejection(client().client.refresh(refreshToken));

      expect(error.code).toBe('EOAUTH');
      expect(error.retryable).toBe(true);
      expect(error.message).toMatch(/HTTP 503.*gave up after 3 attempts/);
      expect(endpoint.requests).toHaveLength(3);
    });

    it('retries network errors and names the cause', async () => {
      const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      const fetch: FetchFn = async () => {
        throw new TypeError('fetch failed', { cause });
      };
      const { client: oauth, waits } = client({ fetch });

      const error = await rejection(oauth.refresh('M.C5-token'));

      expect(error.code).toBe('EOAUTH');
      expect(error.retryable).toBe(true);
      expect(error.message).toContain('cannot reach the token endpoint');
      expect(error.message).toContain('ECONNREFUSED');
      expect(waits).toHaveLength(2);
    });

    it('times out a request that never answers', async () => {
      const fetch: FetchFn = (_url, init) =>
        new Promise((_resolve, reject) => {
          init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        });
      const { client: oauth } = client({ fetch, timeoutMs: 20, maxAttempts: 1 });

      const error = await rejection(oauth.refresh('M.C5-token'));

      expect(error.code).toBe('EOAUTH');
      expect(error.message).toContain('no answer within 0.02 s');
    });

    it('stops at once with EABORTED when the caller aborts, without retrying', async () => {
      const controller = new AbortController();
      controller.abort();
      const { client: oauth, waits } = client();

      const error = await rejection(oauth.refresh('M.C5-token', { signal: controller.signal }));

      expect(error.code).toBe('EABORTED');
      expect(waits).toEqual([]);
    });

    it('rejects a 200 reply that is not JSON', async () => {
      const fetch: FetchFn = async () => new Response('<html>login</html>', { status: 200 });

      const error = await rejection(client({ fetch }).client.refresh('M.C5-token'));

      expect(error.code).toBe('EOAUTH');
      expect(error.message).toContain('check auth.authority');
    });

    it('never puts the refresh token in an error, even when the server echoes it', async () => {
      const refreshToken = endpoint.issueRefreshToken();
      endpoint.failNext(
        aadError(400, 'invalid_request', 900144, `Bad refresh_token '${refreshToken}'.`),
      );

      const error = await rejection(client().client.refresh(refreshToken));

      expect(error.message).toContain('[redacted]');
      expect(JSON.stringify({ message: error.message, context: error.context })).not.toContain(
        refreshToken,
      );
    });
  });

  describe('device-code flow', () => {
    it('starts with the configured scopes and returns what the user needs', async () => {
      const device = await client().client.startDeviceCode();

      expect(endpoint.requests[0]?.path).toBe('/consumers/oauth2/v2.0/devicecode');
      expect(endpoint.requests[0]?.form).toEqual({
        client_id: endpoint.clientId,
        scope: OUTLOOK_SCOPES.join(' '),
      });
      expect(device).toMatchObject({
        verificationUri: 'https://microsoft.com/devicelogin',
        expiresIn: 900,
        interval: 5,
      });
      expect(device.userCode).toMatch(/^[0-9A-F]{8}$/);
      expect(device.message).toContain(device.userCode);
    });

    it('polls every interval until the user approves, then returns a refresh token', async () => {
      // Prepare
      endpoint.answerDevicePolls('authorization_pending', 'authorization_pending', 'approve');
      const { client: oauth, waits } = client();
      const device = await oauth.startDeviceCode();

      // Act
      const tokens = await oauth.pollDeviceCode(device);

      // Assess
      expect(waits).toEqual([5000, 5000, 5000]);
      expect(endpoint.isRefreshTokenValid(tokens.refreshToken)).toBe(true);
      expect(endpoint.requests.at(-1)?.form).toEqual({
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        client_id: endpoint.clientId,
        device_code: device.deviceCode,
      });
    });

    it('waits 5 seconds longer after each slow_down', async () => {
      endpoint.answerDevicePolls('slow_down', 'authorization_pending', 'slow_down', 'approve');
      const { client: oauth, waits } = client();
      const device = await oauth.startDeviceCode();

      await oauth.pollDeviceCode(device);

      expect(waits).toEqual([5000, 10_000, 10_000, 15_000]);
    });

    it.each([
      ['decline', 'the sign-in was declined'],
      ['expire', 'the code expired'],
      ['bad_verification_code', 'did not recognise the device code'],
    ] as const)('ends on %s with EOAUTH', async (answer, says) => {
      endpoint.answerDevicePolls('authorization_pending', answer);
      const { client: oauth } = client();
      const device = await oauth.startDeviceCode();

      const error = await rejection(oauth.pollDeviceCode(device));

      expect(error.code).toBe('EOAUTH');
      expect(error.retryable).toBe(false);
      expect(error.message).toContain(says);
    });

    it('stops polling once the code has expired by the clock', async () => {
      await endpoint.close();
      endpoint = await startTokenEndpoint({ deviceExpiresIn: 12, deviceInterval: 5 });
      const { client: oauth } = client();
      const device = await oauth.startDeviceCode();

      const error = await rejection(oauth.pollDeviceCode(device));

      expect(error.message).toContain('the code expired');
      expect(endpoint.requests.filter((r) => r.form.device_code)).toHaveLength(2);
    });

    it('aborts while waiting with EABORTED', async () => {
      const controller = new AbortController();
      const oauth = createOAuth2Client({
        auth: auth(),
        sleep: async () => {
          controller.abort();
          controller.signal.throwIfAborted();
        },
      });
      const device = await oauth.startDeviceCode();

      const error = await rejection(oauth.pollDeviceCode(device, { signal: controller.signal }));

      expect(error.code).toBe('EABORTED');
      expect(endpoint.requests.filter((r) => r.form.device_code)).toHaveLength(0);
    });

    it('insists on a refresh token (offline_access) from the sign-in', async () => {
      endpoint.answerDevicePolls('approve');
      const oauth = createOAuth2Client({
        auth: auth({ scopes: ['https://outlook.office.com/POP.AccessAsUser.All'] }),
        sleep: recordingSleep().sleep,
      });
      const device = await oauth.startDeviceCode();

      const error = await rejection(oauth.pollDeviceCode(device));

      expect(error.message).toContain('add offline_access to auth.scopes');
    });
  });

  it('never sends a client secret in any flow', async () => {
    endpoint.answerDevicePolls('authorization_pending', 'approve');
    const { client: oauth } = client();
    const device = await oauth.startDeviceCode();
    const tokens = await oauth.pollDeviceCode(device);
    await oauth.refresh(tokens.refreshToken);

    expect(endpoint.requests).toHaveLength(4);
    for (const request of endpoint.requests) {
      expect(Object.keys(request.form)).not.toContain('client_secret');
      expect(Object.keys(request.form)).not.toContain('client_assertion');
      expect(request.headers.authorization).toBeUndefined();
    }
  });
});
