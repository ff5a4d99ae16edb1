import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOAuth2Client } from '../../../lambda/auth/oauth2-client.js';
import { createOAuth2TokenProvider } from '../../../lambda/auth/token-provider.js';
import { OUTLOOK_SCOPES } from '../../../lambda/config/config-schema.js';
import { recordingSleep } from '../../helpers/fake-sleep.js';
import { fixedClock } from '../../helpers/fixed-clock.js';
import { memoryLog } from '../../helpers/memory-log.js';
import {
  aadError,
  startTokenEndpoint,
  type TokenEndpoint,
} from '../../helpers/oauth2/token-endpoint.js';
import { memorySecrets } from '../../helpers/secrets/memory-secrets.js';

describe('OAuth2 token provider at debug level', () => {
  let endpoint: TokenEndpoint;

  beforeEach(async () => {
    endpoint = await startTokenEndpoint();
  });
  afterEach(async () => {
    await endpoint.close();
  });

  it('logs no token value through refreshes, retries, renewals and failures', async () => {
    // Prepare
    const initial = endpoint.issueRefreshToken();
    const memory = memorySecrets({ 'file:/secrets/refresh-token': initial });
    const log = memoryLog();
    const clock = fixedClock(Date.parse('2026-11-26T10:00:00Z'));
    const client = createOAuth2Client({
      auth: {
        clientId: endpoint.clientId,
        tenant: endpoint.tenant,
        authority: endpoint.authority,
        scopes: [...OUTLOOK_SCOPES],
      },
      sleep: recordingSleep(clock).sleep,
      clock,
      log,
    });
    const provider = createOAuth2TokenProvider({
      auth: { refreshToken: { file: '/secrets/refresh-token' } },
      secrets: memory.store,
      client,
      clock,
      log,
    });

    // Act
    endpoint.failNext({ status: 503 }, aadError(429, 'temporarily_unavailable', 90033, 'Busy.'));
    await provider.getAccessToken();
    await provider.getAccessToken({ renew: true });
    endpoint.answerDevicePolls('slow_down', 'authorization_pending', 'approve');
    const device = await client.startDeviceCode();
    const signIn = await client.pollDeviceCode(device);
    endpoint.revokeRefreshTokens();
    await provider.getAccessToken({ renew: true }).catch(() => {});

    // Assess
    const secrets = [
      ...endpoint.accessTokens,
      ...memory.events.map((event) => event.value),
      device.deviceCode,
      signIn.refreshToken,
      signIn.accessToken,
    ];
    expect(log.records.some((record) => record.level === 'debug')).toBe(true);
    expect(log.records.some((record) => record.level === 'warn')).toBe(true);
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    const logged = JSON.stringify(log.records);
    for (const secret of secrets) expect(logged).not.toContain(secret);
  });
});
