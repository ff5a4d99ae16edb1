import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOAuth2Client } from '../../../lambda/auth/oauth2-client.js';
import { OUTLOOK_SCOPES } from '../../../lambda/config/config-schema.js';
import { startTokenEndpoint, type TokenEndpoint } from '../../helpers/oauth2/token-endpoint.js';

/** The test token endpoint is itself a fake that later integration tests (Dovecot) rely on. */
describe('startTokenEndpoint', () => {
  let endpoint: TokenEndpoint;

  beforeEach(async () => {
    endpoint = await startTokenEndpoint({ username: 'alice@example.test' });
  });
  afterEach(async () => {
    await endpoint.close();
  });

  const refresh = (token: string) =>
    createOAuth2Client({
      auth: {
        clientId: endpoint.clientId,
        tenant: endpoint.tenant,
        authority: endpoint.authority,
        scopes: [...OUTLOOK_SCOPES],
      },
    }).refresh(token);

  const introspect = async (init: RequestInit) =>
    (await (await fetch(endpoint.introspectionUrl, init)).json()) as Record<string, unknown>;

  it('introspects an issued access token as active, naming the user (RFC 7662, POST)', async () => {
    // Prepare
    const tokens = await refresh(endpoint.issueRefreshToken());

    // Act
    const answer = await introspect({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.accessToken }),
    });

    // Assess
    expect(answer).toMatchObject({
      active: true,
      username: 'alice@example.test',
      email: 'alice@example.test',
      scope: OUTLOOK_SCOPES.join(' '),
    });
  });

  it('accepts the token as a Bearer header too, and reports expired or unknown ones inactive', async () => {
    const tokens = await refresh(endpoint.issueRefreshToken());
    const bearer = { headers: { authorization: `Bearer ${tokens.accessToken}` } };

    const before = await introspect(bearer);
    endpoint.expireAccessTokens();
    const after = await introspect(bearer);
    const unknown = await introspect({ method: 'POST', body: new URLSearchParams({ token: 'x' }) });

    expect(before.active).toBe(true);
    expect(after).toEqual({ active: false });
    expect(unknown).toEqual({ active: false });
  });

  it('keeps used refresh tokens valid by default and single-use when switched', async () => {
    const first = endpoint.issueRefreshToken();
    await refresh(first);
    const stillValid = endpoint.isRefreshTokenValid(first);

    endpoint.invalidateUsedRefreshTokens = true;
    const second = endpoint.issueRefreshToken();
    const rotated = await refresh(second);

    expect(stillValid).toBe(true);
    expect(endpoint.isRefreshTokenValid(second)).toBe(false);
    expect(endpoint.isRefreshTokenValid(rotated.refreshToken ?? '')).toBe(true);
    await expect(refresh(second)).rejects.toMatchObject({ code: 'EINVALIDGRANT' });
  });

  it('answers a client secret the way Microsoft does (AADSTS700025)', async () => {
    const response = await fetch(`${endpoint.authority}/consumers/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: endpoint.clientId,
        client_secret: 'shh',
        refresh_token: endpoint.issueRefreshToken(),
      }),
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client', error_codes: [700025] });
  });
});
