import { describe, expect, it } from 'vitest';
import { createAccessTokenCache } from '../../../lambda/auth/access-token-cache.js';
import type { OAuth2Client, TokenSet } from '../../../lambda/auth/oauth2-client.js';
import { createOAuth2TokenProvider } from '../../../lambda/auth/token-provider.js';
import { PopfwdError } from '../../../lambda/errors.js';
import { silentLog } from '../../../lambda/log.js';
import type { SecretStore } from '../../../lambda/secrets/secret-store.js';
import { fixedClock } from '../../helpers/fixed-clock.js';
import { memorySecrets } from '../../helpers/secrets/memory-secrets.js';

const ref = { ssm: '/popfwd/alice/refresh-token' };
const START = Date.parse('2026-11-26T10:00:00Z');

/** A client that rotates: rt-0 → rt-1 → rt-2 …, access tokens at-1, at-2 …, one hour each. */
const rotatingClient = (events: string[] = []) => {
  let count = 0;
  const calls: string[] = [];
  const client: Pick<OAuth2Client, 'refresh'> = {
    async refresh(refreshToken) {
      calls.push(refreshToken);
      count += 1;
      events.push(`refresh ${refreshToken}`);
      return { accessToken: `at-${count}`, expiresIn: 3600, refreshToken: `rt-${count}` };
    },
  };
  return { client, calls };
};

const setup = (options: { client?: Pick<OAuth2Client, 'refresh'>; secrets?: SecretStore } = {}) => {
  const memory = memorySecrets({ 'ssm:/popfwd/alice/refresh-token': 'rt-0' });
  const rotating = rotatingClient();
  const clock = fixedClock(START);
  const provider = createOAuth2TokenProvider({
    auth: { refreshToken: ref },
    secrets: options.secrets ?? memory.store,
    client: options.client ?? rotating.client,
    clock,
    log: silentLog,
  });
  return { provider, memory, calls: rotating.calls, clock };
};

describe('createOAuth2TokenProvider', () => {
  it('reads the refresh token, refreshes once and stores the rotated token', async () => {
    // Prepare
    const { provider, memory, calls } = setup();

    // Act
    const token = await provider.getAccessToken();

    // Assess
    expect(token).toEqual({ token: 'at-1', expiresAt: START + 3600_000 });
    expect(calls).toEqual(['rt-0']);
    expect(memory.events.map((e) => `${e.op} ${e.value}`)).toEqual(['read rt-0', 'write rt-1']);
  });

  it('reads nothing before the first use', () => {
    const { memory } = setup();

    expect(memory.events).toEqual([]);
  });

  it('hands out the access token only after the rotated refresh token is stored', async () => {
    // Prepare: a write that completes only when the test says so.
    const memory = memorySecrets({ 'ssm:/popfwd/alice/refresh-token': 'rt-0' });
    let finishWrite: () => void = () => {};
    let handedOut = false;
    const secrets: SecretStore = {
      read: memory.store.read,
      write: (r, value) =>
        new Promise<void>((resolve) => {
          finishWrite = () => memory.store.write(r, value).then(resolve);
        }),
    };
    const { provider } = setup({ secrets });

    // Act
    const pending = provider.getAccessToken().then((token) => {
      handedOut = true;
      return token;
    });
    await new Promise((resolve) => setImmediate(resolve));
    const beforeWrite = handedOut;
    finishWrite();
    const token = await pending;

    // Assess
    expect(beforeWrite).toBe(false);
    expect(token.token).toBe('at-1');
    expect(memory.values.get('ssm:/popfwd/alice/refresh-token')).toBe('rt-1');
  });

  it('reuses the access token until shortly before it expires', async () => {
    const { provider, calls, clock } = setup();
    await provider.getAccessToken();

    clock.advance(3600_000 - 121_000);
    const cached = await provider.getAccessToken();
    clock.advance(2_000);
    const renewed = await provider.getAccessToken();

    expect(cached.token).toBe('at-1');
    expect(renewed.token).toBe('at-2');
    expect(calls).toEqual(['rt-0', 'rt-1']);
  });

  it('forces a refresh on renew, storing the new refresh token again', async () => {
    const { provider, memory, calls } = setup();
    await provider.getAccessToken();

    const renewed = await provider.getAccessToken({ renew: true });

    expect(renewed.token).toBe('at-2');
    expect(calls).toEqual(['rt-0', 'rt-1']);
    expect(memory.events.filter((e) => e.op === 'write').map((e) => e.value)).toEqual([
      'rt-1',
      'rt-2',
    ]);
    expect(memory.events.filter((e) => e.op === 'read')).toHaveLength(1);
  });

  it('writes the refresh token back exactly once per refresh', async () => {
    const { provider, memory, calls } = setup();

    await provider.getAccessToken();
    await provider.getAccessToken();
    await provider.getAccessToken({ renew: true });
    await provider.getAccessToken();

    expect(calls).toHaveLength(2);
    expect(memory.events.filter((e) => e.op === 'write')).toHaveLength(2);
  });

  it('shares one refresh among concurrent callers', async () => {
    const { provider, memory, calls } = setup();

    const tokens = await Promise.all([
      provider.getAccessToken(),
      provider.getAccessToken(),
      provider.getAccessToken({ renew: true }),
    ]);

    expect(tokens.map((t) => t.token)).toEqual(['at-1', 'at-1', 'at-1']);
    expect(calls).toEqual(['rt-0']);
    expect(memory.events.filter((e) => e.op === 'write')).toHaveLength(1);
  });

  it('withholds the access token with ESECRET when the write-back fails', async () => {
    // Prepare
    const memory = memorySecrets({ 'ssm:/popfwd/alice/refresh-token': 'rt-0' });
    let failWrites = true;
    const secrets: SecretStore = {
      read: memory.store.read,
      write: async (r, value) => {
        if (failWrites) {
          throw new PopfwdError(
            'ESECRET',
            'cannot write ssm:/popfwd/alice/refresh-token: access denied',
          );
        }
        await memory.store.write(r, value);
      },
    };
    const { provider, calls } = setup({ secrets });

    // Act
    const error = (await provider.getAccessToken().catch((e: unknown) => e)) as PopfwdError;
    failWrites = false;
    const retried = await provider.getAccessToken();

    // Assess
    expect(error.code).toBe('ESECRET');
    expect(error.message).toContain('could not be saved to ssm:/popfwd/alice/refresh-token');
    expect(error.message).not.toMatch(/at-1|rt-1/);
    expect(calls).toEqual(['rt-0', 'rt-1']);
    expect(retried.token).toBe('at-2');
    expect(memory.values.get('ssm:/popfwd/alice/refresh-token')).toBe('rt-2');
  });

  it('writes nothing when the refresh token did not rotate', async () => {
    const client: Pick<OAuth2Client, 'refresh'> = {
      refresh: async (): Promise<TokenSet> => ({ accessToken: 'at', expiresIn: 3600 }),
    };
    const { provider, memory } = setup({ client });

    await provider.getAccessToken();

    expect(memory.events.filter((e) => e.op === 'write')).toEqual([]);
  });

  it('passes EINVALIDGRANT on and refreshes again on the next call', async () => {
    let attempts = 0;
    const client: Pick<OAuth2Client, 'refresh'> = {
      refresh: async () => {
        attempts += 1;
        throw new PopfwdError('EINVALIDGRANT', 'sign in again');
      },
    };
    const { provider } = setup({ client });

    const first = await provider.getAccessToken().catch((e: unknown) => e);
    const second = await provider.getAccessToken().catch((e: unknown) => e);

    expect((first as PopfwdError).code).toBe('EINVALIDGRANT');
    expect((second as PopfwdError).code).toBe('EINVALIDGRANT');
    expect(attempts).toBe(2);
  });

  it('dates expiry from when the request was sent, not when it returned', async () => {
    const clock = fixedClock(START);
    const client: Pick<OAuth2Client, 'refresh'> = {
      refresh: async () => {
        clock.advance(10_000);
        return { accessToken: 'at', expiresIn: 3600, refreshToken: 'rt-1' };
      },
    };
    const provider = createOAuth2TokenProvider({
      auth: { refreshToken: ref },
      secrets: memorySecrets({ 'ssm:/popfwd/alice/refresh-token': 'rt-0' }).store,
      client,
      clock,
      log: silentLog,
    });

    const token = await provider.getAccessToken();

    expect(token.expiresAt).toBe(START + 3600_000);
  });
});

describe('createOAuth2TokenProvider with the process access token cache', () => {
  const GRANT = 'alice grant';
  const RUN_MS = 285_000;

  /** A run of a warm container: a fresh provider (secrets per run), the cache shared. */
  const runs = (
    options: { client?: Pick<OAuth2Client, 'refresh'>; secrets?: SecretStore } = {},
  ) => {
    const memory = memorySecrets({ 'ssm:/popfwd/alice/refresh-token': 'rt-0' });
    const rotating = rotatingClient();
    const clock = fixedClock(START);
    const cache = createAccessTokenCache();
    const run = () =>
      createOAuth2TokenProvider({
        auth: { refreshToken: ref },
        secrets: options.secrets ?? memory.store,
        client: options.client ?? rotating.client,
        clock,
        log: silentLog,
        shared: { cache, grant: GRANT, neededUntil: clock.now() + RUN_MS },
      });
    return { run, memory, calls: rotating.calls, clock, cache };
  };

  it('hands a later run the access token without reading, refreshing or writing anything', async () => {
    // Prepare
    const { run, memory, calls, clock } = runs();
    await run().getAccessToken();
    clock.advance(5 * 60_000);
    memory.events.length = 0;

    // Act
    const token = await run().getAccessToken();

    // Assess
    expect(token.token).toBe('at-1');
    expect(calls).toEqual(['rt-0']);
    expect(memory.events).toEqual([]);
  });

  it('refreshes from the stored refresh token once the cached token would expire before the run ends', async () => {
    // Prepare: at-1 expires at START + 1 h; this run needs it until 285 s from now, plus the margin
    const { run, memory, calls, clock } = runs();
    await run().getAccessToken();
    clock.advance(3600_000 - RUN_MS - 120_000);

    // Act
    const token = await run().getAccessToken();

    // Assess
    expect(token.token).toBe('at-2');
    expect(calls).toEqual(['rt-0', 'rt-1']);
    expect(memory.events.map((e) => `${e.op} ${e.value}`)).toEqual([
      'read rt-0',
      'write rt-1',
      'read rt-1',
      'write rt-2',
    ]);
  });

  it('refreshes from the stored refresh token when the server rejected the cached token', async () => {
    // Prepare
    const { run, memory, calls, cache } = runs();
    await run().getAccessToken();
    const provider = run();
    expect((await provider.getAccessToken()).token).toBe('at-1');

    // Act: what pop3/commands/auth.ts and smtp-xoauth2.ts do after a rejection
    const renewed = await provider.getAccessToken({ renew: true });

    // Assess
    expect(renewed.token).toBe('at-2');
    expect(calls).toEqual(['rt-0', 'rt-1']);
    expect(memory.events.filter((e) => e.op === 'read')).toHaveLength(2);
    expect(cache.get(GRANT)?.token).toBe('at-2');
  });

  it('keeps no token when the refresh fails, so the next run refreshes again', async () => {
    // Prepare
    const client: Pick<OAuth2Client, 'refresh'> = {
      refresh: async () => {
        throw new PopfwdError('EINVALIDGRANT', 'sign in again');
      },
    };
    const { run, cache } = runs({ client });
    cache.set(GRANT, { token: 'rejected', expiresAt: START + 3600_000 });

    // Act
    const error = await run()
      .getAccessToken({ renew: true })
      .catch((e: unknown) => e);

    // Assess
    expect((error as PopfwdError).code).toBe('EINVALIDGRANT');
    expect(cache.get(GRANT)).toBeUndefined();
  });

  it('keeps no token when the rotated refresh token cannot be stored', async () => {
    // Prepare
    const memory = memorySecrets({ 'ssm:/popfwd/alice/refresh-token': 'rt-0' });
    const secrets: SecretStore = {
      read: memory.store.read,
      write: async () => {
        throw new PopfwdError('ESECRET', 'cannot write ssm:/popfwd/alice/refresh-token');
      },
    };
    const { run, cache } = runs({ secrets });

    // Act
    const error = await run()
      .getAccessToken()
      .catch((e: unknown) => e);

    // Assess
    expect((error as PopfwdError).code).toBe('ESECRET');
    expect(cache.get(GRANT)).toBeUndefined();
  });
});

describe('createAccessTokenCache', () => {
  it('gives a token only for the grant it was stored under', () => {
    // Prepare
    const cache = createAccessTokenCache();
    const token = { token: 'at-1', expiresAt: START };

    // Act
    cache.set('alice', token);

    // Assess
    expect(cache.get('alice')).toBe(token);
    expect(cache.get('bob')).toBeUndefined();
  });
});
