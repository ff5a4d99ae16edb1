import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  lambdaAdapters,
  openInvocationSecrets,
  openS3Archive,
} from '../../../lambda/aws/aws-adapters.js';
import { parseConfig } from '../../../lambda/config/parse.js';
import { hasCode } from '../../../lambda/errors.js';

describe('the Lambda adapters', () => {
  const ssmMock = mockClient(SSMClient);
  afterEach(() => ssmMock.reset());

  it('opens the S3 archive the deployed config names', () => {
    // Act
    const store = openS3Archive({
      s3: {
        bucket: 'popfwd-archive-example',
        prefix: 'alice/',
        forcePathStyle: false,
        checksums: 'when_supported',
      },
    });

    // Assess
    expect(store.location).toBe('s3://popfwd-archive-example/alice/');
  });

  it('refuses a config whose archive is not S3', () => {
    // Act
    const open = () => openS3Archive({ dir: './popfwd-data' });

    // Assess
    expect(open).toThrow(expect.objectContaining({ code: 'ECONFIG' }));
  });

  it('reads and writes SSM references with the shared client, one read cache per invocation', async () => {
    // Prepare
    const client = new SSMClient({ region: 'eu-west-1' });
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: 'refresh-token' } });
    ssmMock.on(PutParameterCommand).resolves({});
    const ref = { ssm: '/popfwd/alice/refresh-token' };

    // Act
    const first = openInvocationSecrets(client);
    const values = [await first.read(ref), await first.read(ref)];
    await first.write(ref, 'rotated');
    const second = openInvocationSecrets(client);
    values.push(await second.read(ref));

    // Assess
    expect(values).toEqual(['refresh-token', 'refresh-token', 'refresh-token']);
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(2);
    expect(ssmMock.commandCalls(PutParameterCommand)[0]?.args[0].input).toMatchObject({
      Name: ref.ssm,
      Value: 'rotated',
      Type: 'SecureString',
    });
  });

  it('keeps environment references read-only', async () => {
    // Act
    const error = await openInvocationSecrets(new SSMClient({}))
      .write({ env: 'POPFWD_TOKEN' }, 'value')
      .catch((e: unknown) => e);

    // Assess
    expect(hasCode(error, 'ESECRET')).toBe(true);
  });

  it('builds every adapter of the container once, the secrets afresh for each invocation', () => {
    // Prepare
    const { config } = parseConfig(
      {
        mailbox: {
          address: 'alice@example.com',
          pop3: { host: 'pop.example.com' },
          smtp: { host: 'smtp.example.com' },
          auth: { method: 'password', password: { ssm: '/popfwd/alice/password' } },
        },
        store: { s3: { bucket: 'popfwd-archive-example', prefix: 'alice/' } },
      },
      'lambda adapters test',
    );

    // Act
    const adapters = lambdaAdapters(config);

    // Assess
    expect(adapters.store.location).toBe('s3://popfwd-archive-example/alice/');
    expect(adapters.openSecrets()).not.toBe(adapters.openSecrets());
    expect(adapters.accessTokens).toBeDefined();
    expect(adapters.connectPop3).toBeTypeOf('function');
    expect(adapters.mailers).toBeTypeOf('function');
  });
});
