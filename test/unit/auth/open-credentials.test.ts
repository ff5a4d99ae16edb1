import { describe, expect, it } from 'vitest';
import type { OAuth2AuthConfig, OAuth2Client } from '../../../lambda/auth/oauth2-client.js';
import { openCredentials } from '../../../lambda/auth/open-credentials.js';
import { type MailboxConfig, mailboxSchema } from '../../../lambda/config/config-schema.js';
import { fixedClock } from '../../helpers/fixed-clock.js';
import { memorySecrets } from '../../helpers/secrets/memory-secrets.js';

const mailbox = (auth: Record<string, unknown>): MailboxConfig =>
  mailboxSchema.parse({
    address: 'alice@example.test',
    pop3: { host: 'pop.example.test' },
    auth,
  });

describe('openCredentials', () => {
  it('reads the password and logs in as the address by default', async () => {
    // Prepare
    const { store } = memorySecrets({ 'env:POPFWD_PASSWORD': 'hunter2' });

    // Act
    const credentials = await openCredentials(
      mailbox({ method: 'password', password: { env: 'POPFWD_PASSWORD' } }),
      store,
    );

    // Assess
    expect(credentials).toEqual({
      kind: 'password',
      user: 'alice@example.test',
      password: 'hunter2',
    });
  });

  it('uses auth.user as the login name when set', async () => {
    const { store } = memorySecrets({ 'env:POPFWD_PASSWORD': 'hunter2' });

    const credentials = await openCredentials(
      mailbox({ method: 'password', user: 'alice', password: { env: 'POPFWD_PASSWORD' } }),
      store,
    );

    expect(credentials.user).toBe('alice');
  });

  it('fails on a missing password before anything connects', async () => {
    const { store } = memorySecrets();

    const error = await openCredentials(
      mailbox({ method: 'password', password: { env: 'POPFWD_PASSWORD' } }),
      store,
    ).catch((e: unknown) => e);

    expect((error as { code?: string }).code).toBe('ESECRET');
  });

  it('gives OAuth2 a token provider that reads the refresh token only when used', async () => {
    // Prepare
    const memory = memorySecrets({ 'file:/secrets/rt': 'rt-0' });
    const seen: OAuth2AuthConfig[] = [];
    const client: OAuth2Client = {
      refresh: async () => ({ accessToken: 'at-1', expiresIn: 3600, refreshToken: 'rt-1' }),
      startDeviceCode: async () => {
        throw new Error('not used');
      },
      pollDeviceCode: async () => {
        throw new Error('not used');
      },
    };
    const config = mailbox({
      method: 'oauth2',
      clientId: '11111111-2222-3333-4444-555555555555',
      refreshToken: { file: '/secrets/rt' },
    });

    // Act
    const credentials = await openCredentials(config, memory.store, {
      clock: fixedClock(0),
      createClient: (auth) => {
        seen.push(auth);
        return client;
      },
    });
    const eventsBeforeUse = memory.events.length;
    const token =
      credentials.kind === 'oauth2' ? await credentials.tokens.getAccessToken() : undefined;

    // Assess
    expect(credentials.kind).toBe('oauth2');
    expect(credentials.user).toBe('alice@example.test');
    expect(seen[0]?.tenant).toBe('consumers');
    expect(eventsBeforeUse).toBe(0);
    expect(token?.token).toBe('at-1');
    expect(memory.values.get('file:/secrets/rt')).toBe('rt-1');
  });
});
