import {
  AccessDeniedException,
  GetParameterCommand,
  InvalidKeyId,
  LabelParameterVersionCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
  SSMServiceException,
  ThrottlingException,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { hasCode, type PopfwdError } from '../../../lambda/errors.js';
import { createSsmSecrets } from '../../../lambda/secrets/ssm-secrets.js';

const ref = { ssm: '/popfwd/alice/refresh-token' };
const SECRET = 'M.C5-the-secret-value';

const ssmMock = mockClient(SSMClient);
/** Some SSM exceptions model the text twice: `message` (Error) and `Message` (the API field). */
const withMessage = (message: string) => ({ message, Message: message, $metadata: {} });
const client = new SSMClient({ region: 'eu-west-1' });
const open = () => createSsmSecrets(client);

const readError = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as PopfwdError,
  );

describe('createSsmSecrets', () => {
  afterEach(() => {
    ssmMock.reset();
  });

  it('reads the parameter with decryption', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: SECRET } });

    // Act
    const value = await open().read(ref);

    // Assess
    expect(value).toBe(SECRET);
    expect(ssmMock.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: '/popfwd/alice/refresh-token',
      WithDecryption: true,
    });
  });

  it('asks SSM once per run, even for concurrent reads', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: SECRET } });
    const secrets = open();

    const values = await Promise.all([secrets.read(ref), secrets.read(ref)]);
    const again = await secrets.read(ref);

    expect(values).toEqual([SECRET, SECRET]);
    expect(again).toBe(SECRET);
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(1);
  });

  it('writes a SecureString with Overwrite, no Tags and no labels', async () => {
    ssmMock.on(PutParameterCommand).resolves({ Version: 2 });

    await open().write(ref, 'M.C5-rotated');

    const calls = ssmMock.commandCalls(PutParameterCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      Name: '/popfwd/alice/refresh-token',
      Value: 'M.C5-rotated',
      Type: 'SecureString',
      Overwrite: true,
    });
    expect(ssmMock.commandCalls(LabelParameterVersionCommand)).toHaveLength(0);
  });

  it('serves the written value from the cache for the rest of the run', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: SECRET } });
    ssmMock.on(PutParameterCommand).resolves({ Version: 2 });
    const secrets = open();
    await secrets.read(ref);

    await secrets.write(ref, 'M.C5-rotated');
    const value = await secrets.read(ref);

    expect(value).toBe('M.C5-rotated');
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(1);
  });

  it('does not cache a failed read', async () => {
    ssmMock
      .on(GetParameterCommand)
      .rejectsOnce(new ThrottlingException(withMessage('Rate exceeded')))
      .resolves({ Parameter: { Value: SECRET } });
    const secrets = open();

    const error = await readError(secrets.read(ref));
    const value = await secrets.read(ref);

    expect(error.retryable).toBe(true);
    expect(value).toBe(SECRET);
  });

  it('rejects an empty parameter value', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: '' } });

    const error = await readError(open().read(ref));

    expect(hasCode(error, 'ESECRET')).toBe(true);
    expect(error.message).toBe(
      'cannot read ssm:/popfwd/alice/refresh-token: the parameter is empty',
    );
  });

  it.each([
    {
      name: 'a missing parameter',
      error: new ParameterNotFound({ message: '', $metadata: {} }),
      says: 'does not exist in this AWS account and region',
    },
    {
      name: 'denied SSM access',
      error: new AccessDeniedException(
        withMessage(
          'User: arn:aws:sts::1:assumed-role/fn is not authorized to perform: ssm:GetParameter',
        ),
      ),
      says: 'the role needs ssm:GetParameter',
    },
    {
      name: 'denied KMS access',
      error: new AccessDeniedException(
        withMessage(
          'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access. (Service: AWSKMS; Status Code: 400)',
        ),
      ),
      says: 'the role needs kms:Decrypt',
    },
    {
      name: 'an unusable KMS key',
      error: new InvalidKeyId({ message: 'The query key ID is not valid', $metadata: {} }),
      says: 'KMS key is disabled, deleted or not usable',
    },
  ])('explains $name when reading, naming the reference', async ({ error, says }) => {
    ssmMock.on(GetParameterCommand).rejects(error);

    const thrown = await readError(open().read(ref));

    expect(hasCode(thrown, 'ESECRET')).toBe(true);
    expect(thrown.message).toContain('cannot read ssm:/popfwd/alice/refresh-token');
    expect(thrown.message).toContain(says);
    expect(thrown.cause).toBe(error);
  });

  it.each([
    {
      name: 'denied SSM access',
      error: new AccessDeniedException(withMessage('not authorized')),
      says: 'the role needs ssm:PutParameter',
    },
    {
      name: 'denied KMS access',
      error: new AccessDeniedException(withMessage('AWSKMS AccessDenied')),
      says: 'the role needs kms:Encrypt',
    },
    {
      name: 'a labelled oldest version at the 100-version cap',
      error: new SSMServiceException({
        name: 'ParameterMaxVersionLimitExceeded',
        $fault: 'client',
        $metadata: {},
        message: 'limit',
      }),
      says: 'remove the labels',
    },
  ])('explains $name when writing', async ({ error, says }) => {
    ssmMock.on(PutParameterCommand).rejects(error);

    const thrown = await readError(open().write(ref, SECRET));

    expect(thrown.message).toContain('cannot write ssm:/popfwd/alice/refresh-token');
    expect(thrown.message).toContain(says);
  });

  it('never repeats the SDK message of a failed write, which could echo the value', async () => {
    ssmMock.on(PutParameterCommand).rejects(
      new SSMServiceException({
        name: 'ValidationException',
        $fault: 'client',
        $metadata: {},
        message: `Value '${SECRET}' at 'value' failed to satisfy constraint`,
      }),
    );

    const thrown = await readError(open().write(ref, SECRET));

    expect(hasCode(thrown, 'ESECRET')).toBe(true);
    expect(thrown.message).toBe(
      'cannot write ssm:/popfwd/alice/refresh-token: SSM said ValidationException',
    );
    expect(JSON.stringify(thrown.context)).not.toContain(SECRET);
  });
});
