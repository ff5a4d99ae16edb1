import { describe, expect, it } from 'vitest';
import { hasCode } from '../../../lambda/errors.js';
import { createEnvSecrets } from '../../../lambda/secrets/env-secrets.js';

describe('createEnvSecrets', () => {
  it('reads the variable as it is, spaces included', async () => {
    // Prepare
    const secrets = createEnvSecrets({ POPFWD_PASSWORD: ' s3cret pass ' });

    // Act
    const value = await secrets.read({ env: 'POPFWD_PASSWORD' });

    // Assess
    expect(value).toBe(' s3cret pass ');
  });

  it('rejects an unset variable with ESECRET naming it', async () => {
    const secrets = createEnvSecrets({});

    const error = await secrets.read({ env: 'POPFWD_PASSWORD' }).catch((e: unknown) => e);

    expect(hasCode(error, 'ESECRET')).toBe(true);
    expect((error as Error).message).toBe(
      'cannot read env:POPFWD_PASSWORD: the environment variable is not set',
    );
  });

  it('rejects an empty variable instead of logging in with an empty password', async () => {
    const secrets = createEnvSecrets({ POPFWD_PASSWORD: '' });

    const error = await secrets.read({ env: 'POPFWD_PASSWORD' }).catch((e: unknown) => e);

    expect(hasCode(error, 'ESECRET')).toBe(true);
    expect((error as Error).message).toContain('is empty');
  });

  it('refuses writes and says where rotated secrets can go, without the value', async () => {
    const env: NodeJS.ProcessEnv = { POPFWD_TOKEN: 'old' };
    const secrets = createEnvSecrets(env);

    const error = await secrets.write({ env: 'POPFWD_TOKEN' }, 'new-secret-value').catch((e) => e);

    expect(hasCode(error, 'ESECRET')).toBe(true);
    expect((error as Error).message).toContain('env:POPFWD_TOKEN');
    expect((error as Error).message).toContain('read-only');
    expect((error as Error).message).not.toContain('new-secret-value');
    expect(env.POPFWD_TOKEN).toBe('old');
  });
});
