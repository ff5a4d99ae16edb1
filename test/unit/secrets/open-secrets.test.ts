import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasCode } from '../../../lambda/errors.js';
import { openSecretStore } from '../../../lambda/secrets/open-secrets.js';

describe('openSecretStore', () => {
  const ssmMock = mockClient(SSMClient);
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'popfwd-open-secrets-'));
  });
  afterEach(async () => {
    ssmMock.reset();
    await rm(dir, { recursive: true, force: true });
  });

  it('routes each reference kind to its adapter', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: 'from-ssm' } });
    ssmMock.on(PutParameterCommand).resolves({});
    const store = openSecretStore({
      env: { POPFWD_PASSWORD: 'from-env' },
      ssmClient: new SSMClient({ region: 'eu-west-1' }),
    });
    const file = join(dir, 'token');

    // Act
    await store.write({ file }, 'from-file');
    const values = [
      await store.read({ env: 'POPFWD_PASSWORD' }),
      await store.read({ file }),
      await store.read({ ssm: '/popfwd/x' }),
    ];

    // Assess
    expect(values).toEqual(['from-env', 'from-file', 'from-ssm']);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('rejects writes to an environment variable', async () => {
    const store = openSecretStore({ env: {} });

    const error = await store.write({ env: 'POPFWD_TOKEN' }, 'value').catch((e: unknown) => e);

    expect(hasCode(error, 'ESECRET')).toBe(true);
  });

  it('needs no AWS setup for configs without SSM references', async () => {
    const store = openSecretStore({ env: { POPFWD_PASSWORD: 'local' } });

    expect(await store.read({ env: 'POPFWD_PASSWORD' })).toBe('local');
    expect(ssmMock.calls()).toHaveLength(0);
  });
});
